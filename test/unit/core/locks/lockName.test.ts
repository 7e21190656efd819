import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeLockFileName, encodeLockPath, isHashedLockName, lockFileName } from '../../../../src/hot/locks/lockName';

const pathArb = fc
  .array(
    fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      .filter((s) => s !== '.' && s !== '..' && !s.includes('/') && !s.includes('\0')),
    { minLength: 1, maxLength: 5 },
  )
  .map((segs) => segs.join('/'));

describe('lock file names', () => {
  test('readable, flat encoding', () => {
    assert.equal(lockFileName('src/auth/x.ts'), 'src%2Fauth%2Fx.ts.lock');
    assert.equal(lockFileName('.'), '%2E.lock');
    assert.equal(lockFileName('100%/a:b'), '100%25%2Fa%3Ab.lock');
    assert.equal(encodeLockPath('a b/ü'), 'a b%2Fü');
  });

  test('property: decode(encode(p)) = p, and names never contain a separator', () => {
    fc.assert(
      fc.property(pathArb, (p) => {
        const name = lockFileName(p);
        assert.ok(!name.includes('/') && !name.includes('\\'));
        assert.ok(Buffer.byteLength(name) <= 200);
        if (!isHashedLockName(name)) assert.equal(decodeLockFileName(name), p);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: distinct paths get distinct names', () => {
    fc.assert(
      fc.property(pathArb, pathArb, (a, b) => {
        fc.pre(a !== b);
        assert.notEqual(lockFileName(a), lockFileName(b));
      }),
      { numRuns: 2000 },
    );
  });

  test('long paths are hashed, bounded and still distinct', () => {
    const long = 'deep/'.repeat(80) + 'file.ts';
    const name = lockFileName(long);
    assert.ok(isHashedLockName(name));
    assert.ok(Buffer.byteLength(name) <= 200);
    assert.notEqual(name, lockFileName(long + 'x'));
    assert.equal(decodeLockFileName(name), undefined);
  });

  test('foreign names do not decode', () => {
    assert.equal(decodeLockFileName('notalock.txt'), undefined);
    assert.equal(decodeLockFileName('bad%zz.lock'), undefined);
  });
});
