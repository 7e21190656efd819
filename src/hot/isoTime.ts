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
