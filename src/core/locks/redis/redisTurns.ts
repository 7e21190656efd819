import { uniqueId } from '../../../hot/ids';

interface Turn {
  /** The waiter id the server knows this turn by (…:T:<path>, see redisScripts.ts). */
  owner: string;
  since: number;
  taken: number;
  idle?: NodeJS.Timeout;
}

/**
 * Turns, as the file backend takes them (fairWaiting.ts): a process that got a path and takes it again at once
 * (a loop of `lock` calls) keeps it for up to `turnMs` (or `batchMax` acquisitions): its releases are quiet (the
 * server marks the turn, so the waiting line stays put and no one is woken) and, from the second acquisition on,
 * pipelined (see {@link pipelined}). When the turn ends, its release wakes the head of the line and this process's
 * next acquire joins the line at its end. Throughput of a tight loop, with every waiter served in turn.
 *
 * Turns are sized in time, not only in acquisitions: on a loaded machine each handoff costs the woken waiter's
 * scheduling (milliseconds), and a turn of a few dozen acquisitions would spend most of its time handing over.
 */
export class RedisTurns {
  private readonly turns = new Map<string, Turn>();
  /** Acquires of each path on their way to the server. */
  private readonly inFlight = new Map<string, number>();

  /**
   * @param end called when a turn ends without a release that said so (this process went idle, or exits):
   *   the server is told, which wakes the head of the line
   * @param idleMs how long a quiet release waits for this process to take the path again before the turn ends
   * @param batchMax the most acquisitions of one turn
   * @param turnMs the longest turn: with 32 processes on one path, each waits about 31 turns
   */
  constructor(
    private readonly end: (path: string, owner: string) => void,
    private readonly idleMs = 25,
    private readonly batchMax = 4096,
    private readonly turnMs = 25,
  ) {}

  /** The waiter id an acquire of `path` goes by: its turn's while one goes on, else a new one. */
  waiterFor(path: string): string {
    return this.turns.get(path)?.owner ?? uniqueId();
  }

  /** An acquire of `path` as `owner` succeeded: its turn goes on (or starts). */
  taken(path: string, owner: string, now = Date.now()): void {
    const t = this.turns.get(path);
    if (t && t.owner === owner) {
      if (t.idle) clearTimeout(t.idle);
      t.idle = undefined;
      t.taken++;
      return;
    }
    if (t) this.close(path, t, true);
    this.turns.set(path, { owner, since: now, taken: 1 });
  }

  /** This process's turn on `path` is gone (someone else took the path): it ends with nothing to tell. */
  lost(path: string): void {
    const t = this.turns.get(path);
    if (t) this.close(path, t, false);
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

  /**
   * A release of `path`: the turn's waiter id when the release may be quiet (the turn goes on; it ends unless
   * `path` is taken again within idleMs), '' when the turn is over and the release wakes the head of the line.
   */
  quietRelease(path: string, now = Date.now()): string {
    const t = this.turns.get(path);
    if (t && t.taken < this.batchMax && now - t.since < this.turnMs) {
      this.idle(path, t);
      return t.owner;
    }
    if (t) this.close(path, t, false);
    return '';
  }

  /**
   * Whether a release of `path` may return without waiting for its reply: inside a turn, from its second
   * acquisition on (a loop; a single `lock run` always waits). It then waits for the end of the tick and goes
   * with this process's next acquire of the path in one script (RedisLockBackend.releaseLease), or alone; either
   * way it is ordered before anything this process sends next. A refusal comes later.
   */
  pipelined(path: string): boolean {
    return (this.turns.get(path)?.taken ?? 0) >= 2;
  }

  /**
   * Ends the turn after `idleMs` without a new acquire. Not while this process's next acquire is on its way: on
   * a loaded machine (or a slow server) its reply may come after the idle time, and ending the turn then would
   * only cut it short (the waiter it wakes finds the path taken again).
   */
  private idle(path: string, t: Turn): void {
    if (t.idle) clearTimeout(t.idle);
    t.idle = setTimeout(() => (this.inFlight.has(path) ? this.idle(path, t) : this.close(path, t, true)), this.idleMs);
    t.idle.unref();
  }

  private close(path: string, t: Turn, tell: boolean): void {
    if (t.idle) clearTimeout(t.idle);
    if (this.turns.get(path) === t) this.turns.delete(path);
    if (tell) this.end(path, t.owner);
  }

  dispose(): void {
    for (const [path, t] of [...this.turns]) this.close(path, t, t.idle !== undefined);
    this.turns.clear();
  }
}
