/**
 * `new Date(ms).toISOString()` without a Date: V8 sets up its time zone (reads /etc/localtime, initialises ICU's
 * zone) the first time a Date is built from a number, ~0.2 ms of every `fmes lock run` that writes a record.
 * Same text as toISOString for the years 0000–9999 (test/unit/hot/isoTime.test.ts); outside them, Date's own.
 */
export function isoTime(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  if (!Number.isInteger(ms) || days < MIN_DAY || days > MAX_DAY) return new Date(ms).toISOString();
  const inDay = ms - days * DAY_MS;
  // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(inDay / 3_600_000);
  const min = Math.floor(inDay / 60_000) % 60;
  const s = Math.floor(inDay / 1000) % 60;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(min, 2)}:${pad(s, 2)}.${pad(inDay % 1000, 3)}Z`;
}

const DAY_MS = 86_400_000;
/** 0000-01-01 and 9999-12-31 as days since 1970-01-01. */
const MIN_DAY = -719_528;
const MAX_DAY = 2_932_896;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Exactly `ISO_DATETIME.test(s)` (src/hot/locks/lockRecord.ts: zod's `z.iso.datetime({ offset: true })`), without
 * the regex: V8 compiles a regex on its first use and again natively on its second, about 0.3 ms of every hook
 * call that reads a lock record, for a pattern this size. test/unit/hot/isoTime.test.ts holds the two equal.
 */
export function isIsoDateTime(s: string): boolean {
  const n = s.length;
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z or ±HH:MM.
  if (n < 20 || !digits(s, 0, 4) || s.charCodeAt(4) !== DASH || !digits(s, 5, 2) || s.charCodeAt(7) !== DASH)
    return false;
  if (!digits(s, 8, 2) || s.charCodeAt(10) !== T || !digits(s, 11, 2) || s.charCodeAt(13) !== COLON) return false;
  if (!digits(s, 14, 2) || s.charCodeAt(16) !== COLON || !digits(s, 17, 2)) return false;
  const year = num(s, 0, 4);
  const month = num(s, 5, 2);
  const day = num(s, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > days || num(s, 11, 2) > 23 || num(s, 14, 2) > 59 || num(s, 17, 2) > 59) return false;
  let i = 19;
  if (s.charCodeAt(i) === DOT) {
    const start = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  if (i === n - 1) return s.charCodeAt(i) === Z;
  const sign = s.charCodeAt(i);
  return (
    i === n - 6 &&
    (sign === PLUS || sign === DASH) &&
    digits(s, i + 1, 2) &&
    s.charCodeAt(i + 3) === COLON &&
    digits(s, i + 4, 2) &&
    num(s, i + 1, 2) <= 23 &&
    num(s, i + 4, 2) <= 59
  );
}

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const PLUS = 0x2b;
const T = 0x54;
const Z = 0x5a;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function digits(s: string, at: number, count: number): boolean {
  for (let i = at; i < at + count; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** The number of `count` ASCII digits at `at` (checked by digits() first). */
function num(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) v = v * 10 + (s.charCodeAt(i) - 0x30);
  return v;
}
