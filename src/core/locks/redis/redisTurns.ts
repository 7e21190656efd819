/**
 * Turns, as the file backend takes them (lockManager.ts): a process that releases a path and takes it again at
 * once (a loop of `lock` calls) keeps it for up to `batchMax` acquisitions or `turnMs`, without waking a waiter
 * for each release; when the turn ends, its release wakes the longest waiter and its next acquire first lets
 * that waiter go. Throughput of a tight loop, with every waiter served in turn.
 */
export class RedisTurns {
  private readonly turns = new Map<string, { since: number; taken: number; wake?: NodeJS.Timeout }>();
  /** Paths whose turn just ended here: the next acquire yields to a waiter first. */
  private readonly yielding = new Set<string>();

  /**
   * @param idleMs how long a quiet release waits for this process to take the path again before it wakes a waiter
   * @param turnMs the longest turn; with `batchMax` it bounds how long waiters wait for one process's loop. Longer
   *   than idleMs: on a loaded machine each handoff costs a waiter's wake-up (milliseconds of scheduling), so a
   *   turn counted in acquisitions rather than in a few milliseconds keeps the path busy instead of handing over.
   */
  constructor(
    private readonly wake: (path: string) => void,
    private readonly idleMs = 25,
    private readonly batchMax = 32,
    private readonly turnMs = 100,
  ) {}

  /** An acquire of `path` succeeded: its turn goes on (or starts). */
  taken(path: string, now = Date.now()): void {
    const t = this.turns.get(path);
    if (t?.wake) clearTimeout(t.wake);
    if (t) {
      t.wake = undefined;
      t.taken++;
    } else this.turns.set(path, { since: now, taken: 1 });
  }

  /** Whether a release of `path` may stay quiet; if so, a wake follows unless `path` is taken again first. */
  quietRelease(path: string, now = Date.now()): boolean {
    const t = this.turns.get(path);
    if (t && t.taken < this.batchMax && now - t.since < this.turnMs) {
      t.wake = setTimeout(() => this.end(path, true), this.idleMs);
      t.wake.unref();
      return true;
    }
    this.end(path, false);
    return false;
  }

  /** Whether an acquire of `path` should first let a waiter go (once, right after this process's turn). */
  shouldYield(path: string): boolean {
    return this.yielding.delete(path);
  }

  private end(path: string, wake: boolean): void {
    const t = this.turns.get(path);
    if (t?.wake) clearTimeout(t.wake);
    this.turns.delete(path);
    this.yielding.add(path);
    if (wake) this.wake(path);
  }

  dispose(): void {
    for (const [path, t] of this.turns) {
      if (!t.wake) continue;
      clearTimeout(t.wake);
      this.wake(path);
    }
    this.turns.clear();
  }
}
