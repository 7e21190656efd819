// zod/mini, like the other settings schemas the full CLI loads at start. The hot paths (src/hot/: the hook and
// `fmes lock run`) do not load this schema at all: they check records by hand (lockRecord.ts) and come here,
// through src/core/coldParts.ts, only for a record that check cannot decide.
import * as z from './zodMini';
import { CONTROL_CHAR, KEY_HASH, LOCK_VERSION } from '../../hot/locks/lockRecord';
import { AGENT_ID } from './patterns';
import { schemaError, schemaText } from '../i18n/schemaText';

// Defined beside the zod-free check (src/hot/locks/lockRecord.ts), which the hot paths use without this schema.
export { LOCK_VERSION };

const isoDateTime = z.iso.datetime({ offset: true });
const noControl = z.refine<string>((s) => !CONTROL_CHAR.test(s), schemaError('noControls'));

/** The content of `.locks/<encoded path>.lock`. */
export const lockRecordSchema = z
  .object({
    /** Format version; readers reject versions they do not know. */
    version: z.literal(LOCK_VERSION),
    /** The locked workspace path (file or folder), normalised; `.` is the whole workspace. */
    path: z.string().check(z.minLength(1), noControl),
    /** Who holds it. */
    agent: z.string().check(z.minLength(1), z.maxLength(AGENT_ID.max), z.regex(AGENT_ID.re, AGENT_ID.message)),
    /**
     * The process whose life bounds the lock, or null when only the TTL bounds it (a lock taken with
     * `fmes lock acquire`, whose process exits at once). On the same host a dead pid makes the lock stale.
     */
    pid: z.nullable(z.number().check(z.int(), z.positive())),
    /** Start time of `pid` (boot id and clock ticks on Linux), so a reused pid is not mistaken for the holder. */
    pidStart: z.optional(z.nullable(z.string().check(z.maxLength(128)))),
    /** Host name of the holder; pid liveness is only checked on the same host. */
    host: z.string().check(z.minLength(1), z.maxLength(255)),
    /** What the holder is doing, shown to people and other agents. */
    intent: z._default(z.string().check(z.maxLength(500), noControl), ''),
    acquiredAt: isoDateTime,
    /** After this instant a lock that has no live pid on this host is stale. Renewal moves it. */
    expiresAt: isoDateTime,
    /** Random, unique per acquisition: identifies this generation of the lock for release and breaks. */
    token: z.string().check(z.minLength(8), z.maxLength(64)),
    /**
     * SHA-256 (hex) of the release key handed once to whoever took a lock not bound to their own process
     * (`fmes lock acquire`, the MCP `lock_acquire`). The key itself is never stored: reading `.locks/` does
     * not let anyone release another agent's lock. Absent for process-bound locks and older records.
     */
    keyHash: z.optional(z.string().check(z.regex(KEY_HASH, schemaError('sha256Hex')))),
  })
  .check(
    z.refine((r) => Date.parse(r.expiresAt) >= Date.parse(r.acquiredAt), {
      error: () => schemaText('notBeforeAcquired'),
      path: ['expiresAt'],
    }),
  );

export type LockRecord = z.infer<typeof lockRecordSchema>;
