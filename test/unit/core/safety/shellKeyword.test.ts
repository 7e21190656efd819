// The shell parser's reserved words, read by hand (src/hot/safety/shellCompound.ts keywordAt): what the sticky
// expression it replaced matched, at every position, for every UTF-16 code unit after a word.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keywordAt } from '../../../../src/hot/safety/shellCompound';
import { REDIRECT, REDIRECT_START, redirectAt } from '../../../../src/hot/safety/shellSimple';
import { rng } from '../../../fixtures/rng';

const REFERENCE =
  /(if|then|else|elif|fi|do|done|while|until|for|select|case|esac|function|coproc|time|\{|\}|!|\[\[|in)(?=[\s;&|()<>]|$)/y;
const reference = (s: string, i: number) => {
  REFERENCE.lastIndex = i;
  return REFERENCE.exec(s)?.[1];
};
const WORDS = ['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'select', 'case', 'esac'];
const MORE = ['function', 'coproc', 'time', '{', '}', '!', '[[', 'in', 'i', 'don', 'functions', '[', '{{', 'x', ''];

describe('keywordAt', () => {
  it('agrees with the expression for every code unit after every word, at the start and inside a text', () => {
    for (const w of [...WORDS, ...MORE])
      for (let c = 0; c <= 0xffff; c++) {
        const ch = String.fromCharCode(c);
        for (const [s, i] of [
          [`${w}${ch}`, 0],
          [`a;${w}${ch}x`, 2],
        ] as const)
          assert.equal(keywordAt(s, i), reference(s, i), `${JSON.stringify(s)} at ${i}`);
      }
  });

  it('agrees at every position of generated texts', () => {
    const r = rng(20261205);
    const pieces = [
      ...WORDS,
      ...MORE,
      ' ',
      '\t',
      '\n',
      ';',
      '&',
      '|',
      '(',
      ')',
      '<',
      '>',
      '\u00a0',
      '\u2003',
      'a',
      '$',
    ];
    for (let n = 0; n < 5000; n++) {
      let s = '';
      for (let k = r(10); k >= 0; k--) s += pieces[r(pieces.length)];
      for (let i = 0; i <= s.length; i++)
        assert.equal(keywordAt(s, i), reference(s, i), `${JSON.stringify(s)} at ${i}`);
    }
  });

  it('reads no further than the longest keyword: a long word costs nothing', () => {
    assert.equal(keywordAt('f'.repeat(1_000_000), 0), undefined);
    assert.equal(keywordAt('function', 0), 'function');
    assert.equal(keywordAt('functionx', 0), undefined);
  });
});

describe('REDIRECT_START', () => {
  it('holds the first character of every redirection the expression matches', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const rest of ['>x', '<x', '&>x', '', '2>&1', '>>x', '<<<x']) {
        REDIRECT.lastIndex = 0;
        if (REDIRECT.test(ch + rest)) assert.ok(REDIRECT_START.includes(ch), JSON.stringify(ch + rest));
      }
    }
    for (const op of ['>', '<', '&>', '>>', '2>', '10<', '<<<', '<&', '>|']) {
      REDIRECT.lastIndex = 0;
      assert.ok(REDIRECT.test(op) && REDIRECT_START.includes(op[0]), op);
    }
  });
});

describe('redirectAt', () => {
  it('reads what the sticky REDIRECT matched, at every position of generated texts', () => {
    const r = rng(20261205);
    const pieces = ['&', '>', '<', '|', '-', '0', '1', '2', '12', ' ', 'x', ';', '&>>', '<<<', '<<-', '<>', '>|'];
    for (let n = 0; n < 20_000; n++) {
      let s = '';
      for (let k = r(8); k >= 0; k--) s += pieces[r(pieces.length)];
      for (let i = 0; i <= s.length; i++) {
        REDIRECT.lastIndex = i;
        const m = REDIRECT.exec(s);
        const h = redirectAt(s, i);
        assert.deepEqual(
          h,
          m ? { fd: m[1], op: m[2], end: REDIRECT.lastIndex } : undefined,
          `${JSON.stringify(s)} at ${i}`,
        );
      }
    }
  });
});
