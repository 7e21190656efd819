// The fair side of acquire: waiting in the lock's line (waitQueue.ts) until it is this waiter's turn, and the
// turns themselves (a holder that got the lock through the line may take it again at once for a short while).
// Exclusion is not decided here: every try still goes through LockManager.tryAcquire.
import * as fs from 'node:fs';
import type { Clock } from '../clock';
import { LockError } from '../errors';
import type { WorkspacePaths } from '../paths/workspacePath';
import { backoffDelay } from './backoff';
import { describeHolder, type Holder, type HolderReader } from './holders';
import { processStartId } from './liveness';
import type { LockHandle } from './lockHandle';
import type { AcquireOptions, AttemptResult, LockConfig, LockOwner } from './lockOptions';
import type { PathMemo } from './pathMemo';
import { hostTag } from './spares';
import { WaitQueue, watchOnce, type Ticket } from './waitQueue';

/** What waiting needs of its LockManager: its paths and lock folder, its attempts, and its dispose at exit. */
export interface Waiter {
  readonly dir: string;
  readonly paths: WorkspacePaths;
  readonly memo: PathMemo;
  readonly reader: HolderReader;
  tryAcquire(input: string, owner: LockOwner): AttemptResult;
  breakStale(holders: readonly Holder[], by: string): number;
  /** Finishes a release kept for the turn on `file` (keptReleases.ts): before the line moves on. */
  finishKept(file: string): void;
  dispose(): void;
}

/** The waiting lines and turns of one LockManager; made once, with it. */
export class FairWaiting {
  /** The waiting lines of acquire (waitQueue.ts); made on first wait. */
  private queue: WaitQueue | undefined;
  /** This manager's turns (see LockManager.acquire), by lock file. */
  private readonly turns = new Map<string, Turn>();

  constructor(
    private readonly manager: Waiter,
    private readonly host: string,
    private readonly config: LockConfig,
    private readonly clock: Clock,
  ) {}

  get line(): WaitQueue {
    return (this.queue ??= new WaitQueue(this.manager.dir, {
      pid: process.pid,
      pidStart: processStartId(process.pid) ?? null,
      hostTag: hostTag(this.host),
    }));
  }

  /**
   * Called by an acquire with a wait. Undefined when this manager has no turn on `file`; else whether the turn
   * still lasts (it lasts batchMax acquisitions or batchMs, whichever ends first), counting this acquisition
   * and cancelling the end a release scheduled.
   */
  resumeTurn(file: string): boolean | undefined {
    const turn = this.turns.get(file);
    if (!turn) return undefined;
    if (turn.end) clearImmediate(turn.end);
    turn.end = undefined;
    return ++turn.taken <= this.config.batchMax && this.clock.now() - turn.since < this.config.batchMs;
  }

  /** Whether this manager has a turn on `file` (its releases there keep the lock file until the turn ends). */
  inTurn(file: string): boolean {
    return this.turns.has(file);
  }

  /** Ends a turn: a release kept for it is finished, then its ticket leaves the line, waking the waiter behind. */
  endTurn(file: string): void {
    const turn = this.turns.get(file);
    if (!turn) return;
    if (turn.end) clearImmediate(turn.end);
    this.turns.delete(file);
    turnsOpen.delete(turn);
    try {
      this.manager.finishKept(file);
    } finally {
      this.line.leave(turn.ticket);
    }
  }

  /** Ends every turn of this manager. */
  endTurns(): void {
    for (const file of [...this.turns.keys()]) this.endTurn(file);
  }

  /**
   * After a release: a turn ends unless this process takes the lock again before it returns to the event loop
   * (a loop of acquire → work → release does; a process that is done does not). At exit, every turn ends.
   */
  afterRelease(file: string): void {
    const turn = this.turns.get(file);
    if (turn && !turn.end) turn.end = setImmediate(() => this.endTurn(file));
  }

  /**
   * The wait of `acquire` (see waitQueue.ts): take a ticket; the head tries whenever the file that blocked it
   * goes away, the others sleep until the ticket ahead of theirs does. Exclusion is still tryAcquire's.
   */
  async waitInLine(input: string, options: AcquireOptions, deadline: number, holders: Holder[]): Promise<LockHandle> {
    const fail = () => {
      const p = this.manager.paths.normalize(input);
      return new LockError('held', p, `${p} is locked: ${holders.map((h) => describeHolder(h)).join('; ')}`, {
        holders,
      });
    };
    if (deadline - this.clock.now() <= 0) throw fail();
    const lockFile = this.manager.reader.lockFile(this.manager.memo.resolve(input).path);
    const ticket = this.line.join(lockFile);
    let kept = false;
    try {
      let first: string | undefined;
      let since = this.clock.now();
      let watch = lockFile;
      let woke: 'event' | 'timer' | undefined;
      for (let attempt = 0; ;) {
        options.signal?.throwIfAborted();
        const pos = this.line.position(ticket);
        if (pos.first !== first) {
          first = pos.first;
          since = this.clock.now();
        }
        // The line stands still while the lock is free: its head does not take it (stopped, or a ticket of
        // another host that no one can judge). After stallMs anyone may try.
        const stalled =
          pos.ahead !== undefined && this.clock.now() - since > this.config.stallMs && !fs.existsSync(lockFile);
        // Woken by the file it watched while that file is still there (rewritten, or taken again): watch on.
        if ((pos.ahead === undefined || stalled) && !(woke === 'event' && fs.existsSync(watch))) {
          const r = this.manager.tryAcquire(input, options);
          if (r.ok) {
            // The ticket stays at the head of the line for this turn (see LockManager.acquire).
            const turn: Turn = { ticket, since: this.clock.now(), taken: 1, end: undefined, manager: this.manager };
            this.turns.set(lockFile, turn);
            turnsOpen.add(turn);
            hookExit();
            kept = true;
            return r.handle;
          }
          holders = r.holders;
          if (this.manager.breakStale(holders, options.agent) > 0) continue;
          watch = holders[0]?.file ?? lockFile;
        } else if (pos.ahead !== undefined) watch = pos.ahead;
        const left = deadline - this.clock.now();
        if (left <= 0) throw fail();
        // The watch wakes the waiter when it may act; the timer is the fallback (events lost, other hosts).
        // Behind others, the watch of the ticket ahead is what wakes a waiter; its timer only looks for stalls.
        const fallback =
          pos.ahead === undefined
            ? backoffDelay(attempt++, { baseMs: this.config.backoffBaseMs, capMs: this.config.backoffCapMs })
            : this.config.stallMs / 2 + Math.random() * (this.config.stallMs / 2);
        woke = await watchOnce(watch, Math.min(left, fallback), options.signal);
      }
    } finally {
      if (!kept) this.line.leave(ticket);
    }
  }
}

/** A turn on a lock (see LockManager.acquire): the ticket kept at the head of the line while it lasts. */
interface Turn {
  ticket: Ticket;
  since: number;
  taken: number;
  /** The end scheduled by a release, cancelled when the lock is taken again first. */
  end: NodeJS.Immediate | undefined;
  manager: Waiter;
}

/** Turns of every manager in this process, ended at exit so that no ticket outlives its process. */
const turnsOpen = new Set<Turn>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const t of [...turnsOpen]) t.manager.dispose();
  });
}
