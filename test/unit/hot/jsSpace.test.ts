// The hand-written scanners that stand in for patterns in the hook, held to the patterns: `\s` for every UTF-16
// code unit, the repeated-key check of lock files on generated texts, a record's key hash, and which
// redirections write a file.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isJsSpace } from '../../../src/hot/jsSpace';
import { repeatedIdentityKey } from '../../../src/hot/locks/lockFile';
import { isKeyHash, KEY_HASH } from '../../../src/hot/locks/lockRecord';
import { writesFile } from '../../../src/hot/safety/shellCommand';
import { rng } from '../../fixtures/rng';

describe('isJsSpace', () => {
  it('is /\\s/ for every UTF-16 code unit', () => {
    for (let c = 0; c <= 0xffff; c++) assert.equal(isJsSpace(c), /\s/.test(String.fromCharCode(c)), c.toString(16));
  });
});

describe('repeatedIdentityKey', () => {
  const PATTERN = /"(version|pid|pidStart|host)"\s*:/g;
  const reference = (text: string) => {
    const seen = new Set<string>();
    for (const m of text.matchAll(PATTERN)) {
      if (seen.has(m[1])) return m[1];
      seen.add(m[1]);
    }
    return undefined;
  };

  it('finds what the pattern found, on 30,000 generated texts and on long ones', () => {
    const pieces = [
      '"',
      'version',
      'pid',
      'pidStart',
      'host',
      'Start',
      ':',
      ' ',
      '\u00a0',
      '\n',
      '"pid":',
      ',',
      '{',
      '}',
    ];
    pieces.push('"host" :', '"version"\t:', 'x', '1', '"pi', 'd"', '\\"');
    const r = rng(20261205);
    for (let n = 0; n < 30_000; n++) {
      let text = '';
      for (let k = r(16); k >= 0; k--) text += pieces[r(pieces.length)];
      if (r(50) === 0) text = 'y'.repeat(4100) + text;
      assert.equal(repeatedIdentityKey(text), reference(text), JSON.stringify(text.slice(-200)));
    }
  });

  it('a record F-MES writes has none; one with a second pid has it', () => {
    const rec = { version: 1, pid: 7, pidStart: 'b:1', host: 'h', path: 'a', agent: 'c', token: '12345678' };
    assert.equal(repeatedIdentityKey(JSON.stringify(rec)), undefined);
    assert.equal(repeatedIdentityKey(`${JSON.stringify(rec).slice(0, -1)}, "pid" : 8}`), 'pid');
  });
});

describe('isKeyHash', () => {
  it('is KEY_HASH.test on 20,000 generated strings around 64 hex digits, and for every code unit in each place', () => {
    const r = rng(20261206);
    const alphabet = '0123456789abcdefABCDEFgz-\u0660\uff10 ';
    for (let n = 0; n < 20_000; n++) {
      const len = 60 + r(9);
      let v = '';
      for (let i = 0; i < len; i++) v += r(8) === 0 ? alphabet[r(alphabet.length)] : '0123456789abcdef'[r(16)];
      assert.equal(isKeyHash(v), KEY_HASH.test(v), JSON.stringify(v));
    }
    const base = 'e'.repeat(64);
    for (const at of [0, 31, 63])
      for (let c = 0; c <= 0xffff; c++) {
        const v = base.slice(0, at) + String.fromCharCode(c) + base.slice(at + 1);
        assert.equal(isKeyHash(v), KEY_HASH.test(v), `${at} ${c.toString(16)}`);
      }
    assert.equal(isKeyHash(`${base}\n`), KEY_HASH.test(`${base}\n`));
  });
});

describe('writesFile', () => {
  it('is what the written-path analysis tested with a pattern, for every operator and 20,000 targets', () => {
    const OUTPUT = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);
    const reference = (op: string, target: string) =>
      OUTPUT.has(op) && !((op === '>&' || op === '<>') && /^(\d+|-)$/.test(target));
    const ops = ['>', '>>', '>|', '&>', '&>>', '<>', '>&', '<', '<&', '<<', '<<-', '<<<'];
    const r = rng(20261207);
    const alphabet = '0123456789-x/ \u0660\uff10';
    const targets = ['', '-', '--', '1', '12', '1-', '-1', 'a', '2x', '/dev/sda', '\u0661'];
    for (let n = 0; n < 20_000; n++) {
      let t = '';
      for (let k = r(5); k > 0; k--) t += alphabet[r(alphabet.length)];
      targets.push(t);
    }
    for (const op of ops)
      for (const target of targets)
        assert.equal(writesFile({ op, target }), reference(op, target), `${op} ${JSON.stringify(target)}`);
  });
});
