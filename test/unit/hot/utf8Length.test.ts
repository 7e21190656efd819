// The UTF-8 length the hook checks a whole write against (src/hot/utf8Length.ts): what Node writes for a string,
// surrogate pairs, lone surrogates (written as U+FFFD) and all.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8Length } from '../../../src/hot/utf8Length';
import { rng } from '../../fixtures/rng';

describe('utf8Length', () => {
  it('is the length of Buffer.from(text) for every code unit alone and after another', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const t of [ch, `a${ch}`, `${ch}\udc00`, `\ud800${ch}`])
        assert.equal(utf8Length(t), Buffer.from(t).length, JSON.stringify(t));
    }
  });

  it('on generated texts of ASCII, Korean, emoji and broken pairs', () => {
    const r = rng(20261205);
    const pieces = ['a', 'é', '잠금', '😀', '\ud83d', '\ude00', '\n', '€', '\u07ff', '\u0800'];
    for (let n = 0; n < 5000; n++) {
      let t = '';
      for (let k = r(20); k >= 0; k--) t += pieces[r(pieces.length)];
      assert.equal(utf8Length(t), Buffer.from(t).length, JSON.stringify(t));
    }
  });
});
