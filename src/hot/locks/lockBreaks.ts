// The breaks LockManager makes: stale holders it finds in the way of acquire, and whatever holds a path when a
// person breaks it by hand. The break itself (archive, log line, generation guard) is breaker.ts's.
import type { Clock } from '../clock';
import { LockError } from '../errors';
import type { Logger } from '../../core/log';
import type { WorkspacePath } from '../paths/workspacePath';
import { Breaker, type BreakRecord } from './breaker';
import { describeHolder, type Holder } from './holders';
import type { LockView } from './lockView';
import { pause } from './pause';

/** Made once per LockManager. */
export class LockBreaks {
  private readonly breaker: Breaker;

  constructor(
    dir: string,
    private readonly view: LockView,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.breaker = new Breaker(dir);
  }

  /** Breaks those holders that are stale; returns how many it broke. */
  breakStale(holders: readonly Holder[], by: string): number {
    let broken = 0;
    for (const h of holders) {
      const s = this.view.staleness(h);
      if (!s.stale) continue;
      const out = this.breaker.break({
        holder: h,
        kind: 'stale',
        staleReason: s.reason,
        by,
        reason: `stale: ${s.reason}`,
        stillStale: (again) => this.view.staleness(again).stale,
        now: this.clock.now(),
      });
      if (out.done) {
        broken++;
        this.log.info(`broke stale lock ${describeHolder(h)} (${s.reason})`);
      }
    }
    return broken;
  }

  /** Explicitly breaks whatever holds exactly `p` (a lock file, an invalid one, or an `.agent_lock` marker). */
  forceBreak(p: WorkspacePath, who: { by: string; reason: string }): BreakRecord {
    const holders = [
      this.view.reader.exact(p),
      ...this.view.reader.above(p).filter((h) => h.kind === 'marker' && h.path === p),
    ].filter((h): h is Holder => h !== undefined);
    if (holders.length === 0) throw new LockError('notHeld', p, `${p} is not locked.`);
    let last: BreakRecord | undefined;
    for (const h of holders) {
      for (let i = 0; i < 50; i++) {
        const out = this.breaker.break({
          holder: h,
          kind: 'forced',
          by: who.by,
          reason: who.reason,
          now: this.clock.now(),
        });
        if (out.done) {
          last = out.record;
          this.log.warn(`${who.by} force-broke ${describeHolder(h)}: ${who.reason}`);
          break;
        }
        if (out.why !== 'busy') break;
        pause(2);
      }
    }
    if (!last) throw new LockError('busy', p, `${p} changed while it was being broken; try again.`);
    return last;
  }
}
