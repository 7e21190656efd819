import type { LockRecord } from '../schemas/lock';
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
 */
export function judgeLock(record: LockRecord, now: number, thisHost: string): Staleness {
  if (record.pid !== null && record.host === thisHost) {
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
  return now > Date.parse(record.expiresAt) ? { stale: true, reason: 'expired' } : LIVE;
}

/**
 * True when a breaker could judge this lock stale within `marginMs` from now, so that releasing or renewing
 * it must take the generation guard (see guard.ts). Only a lock bound to this very process is safe from
 * breakers whatever the clock says; one bound to another process on this host can turn stale the instant
 * that process dies; one bound by TTL only is safe while far from expiry.
 */
export function needsGuard(record: LockRecord, now: number, thisHost: string, marginMs: number): boolean {
  if (record.pid !== null && record.host === thisHost) return record.pid !== process.pid;
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
