/**
 * Turns, as the file backend takes them (lockManager.ts): a process that releases a path and takes it again at
 * once (a loop of `lock` calls) keeps it for up to `batchMax` acquisitions or `turnMs`, without waking a waiter
 * for each release; when the turn ends, its release wakes the longest waiter and its next acquire first lets
 * that waiter go. Throughput of a tight loop, with every waiter served in turn.
 */
export class RedisTurns {
  private readonly turns = new Map<string, { since: number; taken: number; wake?: NodeJS.Timeout }>();
  /** Acquires of each path on their way to the server. */
  private readonly inFlight = new Map<string, number>();
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

  /** An acquire of `path` by this process is on its way to the server (until {@link settled}). */
  asking(path: string): void {
    this.inFlight.set(path, (this.inFlight.get(path) ?? 0) + 1);
  }

  settled(path: string): void {
    const n = (this.inFlight.get(path) ?? 1) - 1;
    if (n > 0) this.inFlight.set(path, n);
    else this.inFlight.delete(path);
  }

  /** Whether a release of `path` may stay quiet; if so, a wake follows unless `path` is taken again first. */
  quietRelease(path: string, now = Date.now()): boolean {
    const t = this.turns.get(path);
    if (t && t.taken < this.batchMax && now - t.since < this.turnMs) {
      this.idle(path, t);
      return true;
    }
    this.end(path, false);
    return false;
  }

  /**
   * Ends the turn with a wake after `idleMs` without a new acquire. Not while this process's next acquire is on
   * its way: on a loaded machine (or a slow server) its reply may come after the idle time, and a wake then
   * would only cut the turn short (the waiter it wakes finds the path taken again and goes back to the end).
   */
  private idle(path: string, t: { wake?: NodeJS.Timeout }): void {
    t.wake = setTimeout(() => (this.inFlight.has(path) ? this.idle(path, t) : this.end(path, true)), this.idleMs);
    t.wake.unref();
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
