// The plan's files locked for the agent that runs it, and released after.
import type { LockLease } from '../../hot/locks/lockBackend';
import type { Logger } from '../log';
import type { Plan } from '../schemas/plan';
import type { MissionDeps } from './missionTypes';

/** Locks every file of the plan for `agent`; on a failure, releases what it took and throws. */
export async function lockFiles(d: MissionDeps, plan: Plan, agent: string): Promise<LockLease[]> {
  const held: LockLease[] = [];
  const backend = d.lockBackend?.();
  try {
    for (const f of plan.meta.files) {
      const l = await (backend ?? d.locks).acquire(f, {
        agent,
        intent: `mission ${plan.meta.id}: ${plan.meta.title}`.slice(0, 200),
        waitMs: 30_000,
      });
      held.push(l);
      // A Redis lock bound to this process holds a short lease: its heartbeat keeps it for the whole run.
      if (backend && backend.kind !== 'file') {
        const ttl = Date.parse(l.record.expiresAt) - Date.parse(l.record.acquiredAt);
        l.startHeartbeat(Math.max(1000, ttl / 3), (e) => d.log.warn(`lost the lock on ${l.path}: ${String(e)}`));
      }
    }
  } catch (e) {
    for (const h of held) await releaseLock(d.log, h);
    throw e;
  }
  return held;
}

/** Releases a lock; a failure is a warning. */
export async function releaseLock(log: Logger, l: LockLease): Promise<void> {
  try {
    await l.release();
  } catch (e) {
    log.warn(`could not release ${l.path}: ${String(e)}`);
  }
}
