// isoTime (src/hot/isoTime.ts) is toISOString without a Date: the same text for every millisecond it takes.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isIsoDateTime, isoTime } from '../../../src/hot/isoTime';
import { ISO_DATETIME } from '../../../src/hot/locks/lockRecord';

describe('isoTime', () => {
  it('equals toISOString at the edges: epoch, leap days, century rules, years 0 and 9999, before 1970', () => {
    const edges = [
      0,
      -1,
      1,
      86_399_999,
      86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1900, 1, 28),
      Date.UTC(1900, 2, 1),
      Date.UTC(2100, 1, 28, 12),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      new Date('0000-01-01T00:00:00.000Z').getTime(),
      new Date('9999-12-31T23:59:59.999Z').getTime(),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    ];
    for (const ms of edges) assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  });

  it('equals toISOString for any millisecond of the years 0000–9999, and falls back to it outside', () => {
    const lo = new Date('0000-01-01T00:00:00.000Z').getTime();
    const hi = new Date('9999-12-31T23:59:59.999Z').getTime();
    fc.assert(
      fc.property(fc.integer({ min: lo, max: hi }), (ms) => isoTime(ms) === new Date(ms).toISOString()),
      { numRuns: 20_000 },
    );
    for (const ms of [lo - 1, hi + 1, 8.64e15]) assert.equal(isoTime(ms), new Date(ms).toISOString());
    assert.throws(() => isoTime(NaN), RangeError);
  });
});

// checkLockRecord (src/hot/locks/lockRecord.ts) accepts what the schema accepts: its date check must be the regex.
describe('isIsoDateTime', () => {
  const same = (s: string) => assert.equal(isIsoDateTime(s), ISO_DATETIME.test(s), JSON.stringify(s));
  const p2 = (n: number) => String(n).padStart(2, '0');

  it('equals the regex on every month and day 00–32 of every century year and of leap and common years', () => {
    const centuries = Array.from({ length: 100 }, (_, c) => `${p2(c)}00`);
    for (const y of [...centuries, '0004', '1999', '2024', '2026', '9996', '9999'])
      for (let m = 0; m <= 13; m++) for (let d = 0; d <= 32; d++) same(`${y}-${p2(m)}-${p2(d)}T10:20:30Z`);
  });

  it('equals the regex on every hour, minute and second 00–61, fractions and offsets', () => {
    for (let v = 0; v <= 61; v++) {
      same(`2026-01-01T${p2(v)}:00:00Z`);
      same(`2026-01-01T00:${p2(v)}:00Z`);
      same(`2026-01-01T00:00:${p2(v)}Z`);
      same(`2026-01-01T00:00:00+${p2(v)}:00`);
      same(`2026-01-01T00:00:00-00:${p2(v)}`);
    }
    const forms = ['.', '.5', '.123456789', '..1', '.1.2', '.a', 'Z', 'z', '+0200', '+02:00Z', 'Z ', '', '+2:00'];
    for (const f of forms) same(`2026-01-01T00:00:00${f}${f.endsWith('Z') || f.includes(':') ? '' : 'Z'}`);
    for (const f of forms) same(`2026-01-01T00:00:00${f}`);
    for (const s of ['', 'Z', '2026-01-01', '2026-01-01T00:00Z', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00Z\n'])
      same(s);
    same('２026-01-01T00:00:00Z'); // a fullwidth digit is not \d
  });

  it('equals the regex on generated near-dates and on any string', () => {
    const field = (w: number) => fc.integer({ min: 0, max: 10 ** w - 1 }).map((n) => String(n).padStart(w, '0'));
    const near = fc
      .tuple(
        field(4),
        field(2),
        field(2),
        field(2),
        field(2),
        field(2),
        fc.constantFrom('', '.', '.0', '.123', '.9999999'),
        fc.oneof(
          fc.constant('Z'),
          fc.tuple(fc.constantFrom('+', '-'), field(2), field(2)).map(([s, h, m]) => `${s}${h}:${m}`),
        ),
      )
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    // Mutations: one character replaced, dropped or doubled.
    const mutated = fc
      .tuple(near, fc.nat(), fc.constantFrom('0', '9', '-', ':', 'T', 'Z', '.', '+', 'x', ''), fc.boolean())
      .map(([s, at, c, dup]) => {
        const i = at % s.length;
        return dup ? s.slice(0, i + 1) + s.slice(i) : s.slice(0, i) + c + s.slice(i + 1);
      });
    fc.assert(
      fc.property(near, (s) => same(s) === undefined),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(mutated, (s) => same(s) === undefined),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => same(s) === undefined),
      { numRuns: 5_000 },
    );
  });
});
