// isoTime (src/hot/isoTime.ts) is toISOString without a Date: the same text for every millisecond it takes.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isoTime } from '../../../src/hot/isoTime';

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
