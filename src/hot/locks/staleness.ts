import { timestampMargin } from '../fs/timestampMargin';
import type { LockRecord } from '../../core/schemas/lock';
import type { ReadStamp } from './lockFile';
import { processLiveness } from './liveness';

export type StaleReason = 'holderDead' | 'holderZombie' | 'pidReused' | 'expired' | 'invalidEmpty';

export type Staleness = { stale: false } | { stale: true; reason: StaleReason };

const LIVE: Staleness = { stale: false };

/**
 * Whether a lock may be broken without asking anyone.
 *
 * On this host a lock that names a pid is judged by that process alone: dead, zombie or a reused pid
 * make it stale, and a live holder keeps it even past its TTL (a holder whose event loop is blocked must
 * not be broken). A lock with no pid, or from another host, is judged by its TTL.
 *
 * `seen` (when the record was read from a file): a lock bound to a process on another host whose file was
 * written no earlier than just before it was read is live whatever its expiry says. Such a holder rewrites
 * its prepared lock files in place (spares.ts), so a read that overlapped a rewrite may show a mix of two
 * records; the rewrite stamped the mtime before changing a byte and after the read began.
 */
export function judgeLock(
  record: LockRecord,
  now: number,
  thisHost: string | (() => string),
  seen?: ReadStamp,
): Staleness {
  if (record.pid !== null && record.host === (typeof thisHost === 'string' ? thisHost : thisHost())) {
    const l = processLiveness(record.pid, record.pidStart);
    switch (l) {
      case 'alive':
        return LIVE;
      case 'dead':
        return { stale: true, reason: 'holderDead' };
      case 'zombie':
        return { stale: true, reason: 'holderZombie' };
      case 'reused':
        return { stale: true, reason: 'pidReused' };
    }
  }
  if (now <= Date.parse(record.expiresAt)) return LIVE;
  if (record.pid !== null && seen && seen.mtimeMs >= seen.readAtMs - timestampMargin(seen.mtimeMs)) return LIVE;
  return { stale: true, reason: 'expired' };
}

/**
 * True when a breaker could judge this lock stale within `marginMs` from now, so that releasing or renewing
 * it must take the generation guard (see guard.ts). A lock bound to another process on this host can turn
 * stale the instant that process dies. Anything else is safe while far from expiry: breakers on this host
 * never judge a lock of this live process stale, and breakers on another host sharing the folder judge it
 * by its TTL.
 */
export function needsGuard(record: LockRecord, now: number, thisHost: string, marginMs: number): boolean {
  if (record.pid !== null && record.host === thisHost && record.pid !== process.pid) return true;
  return now + marginMs > Date.parse(record.expiresAt);
}

/**
 * An invalid lock file is held: it is never removed automatically, except an empty one older than
 * `graceMs`. Our writer creates the file and writes its JSON in one short step, so an empty file that old
 * is the trace of a writer that died in between. Anything else invalid needs an explicit break.
 */
export function judgeInvalid(size: number, mtimeMs: number, now: number, graceMs: number): Staleness {
  return size === 0 && now - mtimeMs > graceMs ? { stale: true, reason: 'invalidEmpty' } : LIVE;
}
