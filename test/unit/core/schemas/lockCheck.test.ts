import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { regexes } from 'zod/v4/core';
import { parseLockText } from '../../../../src/hot/locks/lockFile';
import { lockRecordSchema } from '../../../../src/core/schemas/lock';
import { checkLockRecord, ISO_DATETIME, LOCK_VERSION } from '../../../../src/hot/locks/lockRecord';

const good = {
  version: 1,
  path: 'src/auth',
  agent: 'claude',
  pid: 4242,
  pidStart: 'b1d0-boot:12345',
  host: 'devbox',
  intent: 'refactoring auth',
  acquiredAt: '2026-01-01T10:00:00.000Z',
  expiresAt: '2026-01-01T10:05:00.000Z',
  token: '0f8fad5b-d9cb-469f-a165-70867728950e',
};

/** What the schema makes of `v`, as JSON (key order included), or undefined when it rejects it. */
function viaSchema(v: unknown): string | undefined {
  const r = lockRecordSchema.safeParse(v);
  return r.success ? JSON.stringify(r.data) : undefined;
}

describe('checkLockRecord: the zod-free fast path for lock files', () => {
  it('uses zod’s own datetime regex and the schema’s version', () => {
    assert.equal(ISO_DATETIME.source, regexes.datetime({ offset: true, local: false, precision: null }).source);
    assert.equal(lockRecordSchema.safeParse({ ...good, version: LOCK_VERSION }).success, true);
  });

  it('accepts the records F-MES writes, with exactly the schema’s output', () => {
    const variants = [
      good,
      { ...good, pid: null, pidStart: null },
      { ...good, pidStart: undefined },
      { ...good, intent: undefined, extra: 'dropped' },
      { ...good, acquiredAt: '2026-01-01T10:00:00+02:00', expiresAt: '2026-01-01T10:00:00+02:00' },
    ];
    for (const v of variants) {
      const fast = checkLockRecord(JSON.parse(JSON.stringify(v)));
      assert.ok(fast, `fast path takes ${JSON.stringify(v)}`);
      assert.equal(JSON.stringify(fast), viaSchema(JSON.parse(JSON.stringify(v))));
    }
  });

  it('leaves to the schema what the schema rejects (and parseLockText still reports the field)', () => {
    const bad = [
      { ...good, version: 2 },
      { ...good, path: '' },
      { ...good, agent: 'bad agent' },
      { ...good, agent: 'a'.repeat(65) },
      { ...good, pid: 0 },
      { ...good, pid: 1.5 },
      { ...good, pid: 2 ** 53 },
      { ...good, pidStart: 'x'.repeat(129) },
      { ...good, host: '' },
      { ...good, intent: 'x'.repeat(501) },
      { ...good, acquiredAt: '2026-02-30T10:00:00Z' },
      { ...good, expiresAt: '2026-01-01T10:05:00' },
      { ...good, expiresAt: '2026-01-01T09:00:00.000Z' },
      { ...good, token: 'short' },
      [good],
      null,
    ];
    for (const v of bad) {
      assert.equal(checkLockRecord(v), undefined, JSON.stringify(v));
      assert.equal(viaSchema(v), undefined, JSON.stringify(v));
    }
    const r = parseLockText(JSON.stringify({ ...good, token: 'short' }));
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.issues.map((i) => i.field), ['token']);
  });

  it('never accepts what the schema rejects, and agrees on the output (generated records)', () => {
    const absent = Symbol('absent');
    // Mostly good values, so that many records pass both checks; edge and bad values on every field otherwise.
    const f = (good: unknown[], edge: unknown[]) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...good), weight: 8 },
        { arbitrary: fc.constantFrom(...edge, absent), weight: 1 },
      );
    const field = {
      version: f([1], [2, '1']),
      path: f(
        ['src', '.', 'a/😀', 'x'.repeat(300)],
        ['', 5, 'a\u0001', 'a\u007f', 'a\u009f', 'a\u00a0', 'x'.repeat(300) + '\n'],
      ),
      agent: f(
        ['claude', 'gemini:T1', 'a'.repeat(64), 'a.b_c:d@e-f', '9'],
        ['-x', 'a'.repeat(65), 'ü', '😀😀', 'a b', 'a/b', '.a', '_a', 'a\u0000', 'a+b'],
      ),
      pid: f([null, 1, 4242, Number.MAX_SAFE_INTEGER], [0, -1, 1.5, 2 ** 53, '12']),
      pidStart: f([null, '', 'boot:1', 'x'.repeat(128), absent], ['x'.repeat(129), '😀'.repeat(100), 7]),
      host: f(['h', 'x'.repeat(255)], ['', 'x'.repeat(256), '😀'.repeat(200)]),
      intent: f(
        ['', 'work', 'x'.repeat(500), absent],
        ['x'.repeat(501), '😀'.repeat(300), null, 'a\tb', 'x'.repeat(400) + '\u0085'],
      ),
      acquiredAt: f(
        ['2026-01-01T10:00:00Z', '2026-01-01T10:00:00.5+01:00', '2024-02-29T00:00:00Z'],
        ['2025-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01 10:00:00Z'],
      ),
      expiresAt: f(
        ['2026-01-01T10:00:00Z', '2026-06-01T00:00:00-05:00'],
        ['2020-01-01T00:00:00Z', '2026-13-01T00:00:00Z'],
      ),
      token: f(['12345678', 'x'.repeat(64)], ['1234567', 'x'.repeat(65), '😀'.repeat(4), '😀'.repeat(40)]),
    };
    let accepted = 0;
    fc.assert(
      fc.property(fc.record(field), (f) => {
        const v = Object.fromEntries(Object.entries(f).filter(([, x]) => x !== absent));
        const fast = checkLockRecord(v);
        const schema = viaSchema(v);
        if (fast) {
          accepted++;
          assert.equal(JSON.stringify(fast), schema, 'the fast path agrees with the schema');
        }
      }),
      { numRuns: 5000, seed: 7 },
    );
    assert.ok(accepted > 50, `the fast path took ${accepted} generated records`);
  });
});
