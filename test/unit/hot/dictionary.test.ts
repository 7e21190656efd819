// The hook's lookup tables by name (src/hot/dictionary.ts): hash tables without a prototype, so a program named
// `constructor`, `toString` or `__proto__` finds no entry, and no entry is null (the type lets a null through).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { READ_ONLY } from '../../../src/hot/safety/readOnly';
import { WRAPPERS, wrapperKey } from '../../../src/hot/safety/wrapperTable';
import { WRITERS } from '../../../src/hot/safety/writers';
import { MORE_WRITERS } from '../../../src/hot/safety/writersMore';
import { writtenPaths } from '../../../src/hot/safety/bashWrites';
import { DECLARERS } from '../../../src/hot/safety/commandJudge';

const TABLES: [string, Readonly<Record<string, unknown>>, number][] = [
  ['WRAPPERS', WRAPPERS, 106],
  ['WRITERS', WRITERS, 97],
  ['MORE_WRITERS', MORE_WRITERS, 50],
  ['READ_ONLY', READ_ONLY, 110],
  ['DECLARERS', DECLARERS, 5],
];

describe('lookup tables by name', () => {
  for (const [name, table, least] of TABLES)
    it(`${name}: no prototype, no null entry, every entry`, () => {
      assert.equal(Object.getPrototypeOf(table), null);
      const keys = Object.keys(table);
      assert.ok(keys.length >= least, `${name} has ${keys.length} entries`);
      for (const k of keys) assert.ok(table[k] !== null && table[k] !== undefined, `${name}.${k}`);
      for (const k of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])
        assert.equal(table[k], undefined, `${name}.${k}`);
    });

  it('DECLARERS names what /^(export|declare|typeset|local|readonly)$/ matched', () => {
    const pattern = /^(export|declare|typeset|local|readonly)$/;
    const names = ['export', 'declare', 'typeset', 'local', 'readonly', 'exports', 'Export', 'x', '', 'read'];
    for (const n of [...names, ...Object.keys(DECLARERS)]) assert.equal(DECLARERS[n] === true, pattern.test(n), n);
  });

  it('READ_ONLY keeps its tests of the arguments over the plain names', () => {
    assert.equal(typeof READ_ONLY.command, 'function');
    assert.equal(typeof READ_ONLY.tsc, 'function');
    assert.equal(READ_ONLY.cat, true);
  });

  it('a program named after an Object.prototype member is an unknown program, not a crash', () => {
    for (const prog of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      assert.equal(wrapperKey(prog, [prog, 'x']), undefined, prog);
    // An unknown program's file operands may be written: `maybe`, as for any program F-MES does not know.
    for (const prog of ['constructor', '__proto__', 'toString']) {
      const r = writtenPaths(`${prog} src/a.ts`);
      assert.deepEqual([...r.paths], [], prog);
      assert.ok([...r.maybe].includes('src/a.ts'), `${prog}: ${JSON.stringify([...r.maybe])}`);
    }
  });
});
