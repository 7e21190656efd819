// The hot paths' check of a lock record, without zod (src/hot/ may not import it: see src/hot/cold.ts). The zod
// schema in src/core/schemas/lock.ts stays the definition; this accepts only records it would accept, and
// produces what it would produce. Anything else goes to the schema through the cold half (lockFile.ts), which
// rejects it with messages (test/unit/core/schemas/lockCheck.test.ts holds the two together).
import type { LockRecord } from '../../core/schemas/lock';
import { isIsoDateTime } from '../isoTime';
import { AGENT_ID } from './agentId';

export const LOCK_VERSION = 1;

/**
 * Characters a lock record's path and intent may not carry: C0 (tab and newline included), DEL and C1. They
 * reach people's terminals (locks/printable.ts); the schema refuses them with the same regex.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this matches
export const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/;
/** A lock's release key hash: SHA-256 in lower-case hex. */
export const KEY_HASH = /^[0-9a-f]{64}$/;

/**
 * The regex `z.iso.datetime({ offset: true })` tests (zod 4's `regexes.datetime`), copied: importing it from zod
 * would initialise zod's core. lockCheck.test.ts fails when zod's changes. checkLockRecord tests it through
 * isIsoDateTime (src/hot/isoTime.ts), its equal without the regex's compile.
 */
export const ISO_DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;

// zod measures string lengths in code points; without surrogates that is `.length`. Strings with them are rare
// enough to leave to the schema.
const SURROGATE = /[\uD800-\uDFFF]/;
function str(v: unknown, min: number, max: number): v is string {
  return typeof v === 'string' && v.length >= min && v.length <= max && !has(v, SURROGATE, isSurrogate);
}

/**
 * Whether `v` holds a character `pattern` matches (a one-character class, `test` its equal): a short field (all of
 * a record F-MES writes) by a loop, sparing the hook the pattern's compile, twice (0.05 ms for a record); a long
 * one by the pattern, which runs native code then.
 */
function has(v: string, pattern: RegExp, test: (c: number) => boolean): boolean {
  if (v.length > SHORT) return pattern.test(v);
  for (let i = 0; i < v.length; i++) if (test(v.charCodeAt(i))) return true;
  return false;
}
const SHORT = 256;
const isSurrogate = (c: number) => c >= 0xd800 && c <= 0xdfff;
const isControl = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f);

/** KEY_HASH.test, by hand (every record F-MES writes has a key hash; the pattern would be compiled, twice). */
export function isKeyHash(v: string): boolean {
  if (v.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** AGENT_ID.re, by hand for a short id (an id is at most AGENT_ID.max long; str checked that first). */
function agentIdShape(v: string): boolean {
  if (v.length > SHORT) return AGENT_ID.re.test(v);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    // . _ : @ - after the first character
    if (!alnum && (i === 0 || !(c === 0x2e || c === 0x5f || c === 0x3a || c === 0x40 || c === 0x2d))) return false;
  }
  return v.length > 0;
}

/**
 * The lock record `lockRecordSchema` would parse `json` into, or undefined when this fast check cannot tell
 * (then ask the schema). Never accepts what the schema rejects.
 */
export function checkLockRecord(json: unknown): LockRecord | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { version, path, agent, pid, pidStart, host, intent, acquiredAt, expiresAt, token, keyHash } = json as Record<
    string,
    unknown
  >;
  if (version !== LOCK_VERSION) return undefined;
  if (!str(path, 1, Infinity) || has(path, CONTROL_CHAR, isControl)) return undefined;
  if (!str(agent, 1, AGENT_ID.max) || !agentIdShape(agent)) return undefined;
  if (pid !== null && !(typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0)) return undefined;
  if (pidStart !== undefined && pidStart !== null && !str(pidStart, 0, 128)) return undefined;
  if (!str(host, 1, 255)) return undefined;
  if (intent !== undefined && (!str(intent, 0, 500) || has(intent, CONTROL_CHAR, isControl))) return undefined;
  if (typeof acquiredAt !== 'string' || !isIsoDateTime(acquiredAt)) return undefined;
  if (typeof expiresAt !== 'string' || !isIsoDateTime(expiresAt)) return undefined;
  if (!str(token, 8, 64)) return undefined;
  if (keyHash !== undefined && !(typeof keyHash === 'string' && isKeyHash(keyHash))) return undefined;
  if (!(Date.parse(expiresAt) >= Date.parse(acquiredAt))) return undefined;
  // The schema's output: its keys in its order, unknown keys dropped, an absent pidStart or keyHash left absent.
  const out: LockRecord =
    pidStart === undefined
      ? { version, path, agent, pid, host, intent: intent ?? '', acquiredAt, expiresAt, token }
      : { version, path, agent, pid, pidStart, host, intent: intent ?? '', acquiredAt, expiresAt, token };
  if (keyHash !== undefined) out.keyHash = keyHash;
  return out;
}
