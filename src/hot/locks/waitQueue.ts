import * as fs from 'node:fs';
import * as path from 'node:path';
import { isErrnoException } from '../errors';
import { shortId } from '../ids';
import { processLiveness } from './liveness';

/**
 * The waiting line of one lock: who may try next, and how waiters are woken. Only `acquire` with a wait uses it.
 *
 * Backoff alone let the releasing process take the lock again at once while the others slept (at 32 processes
 * some waiters never got it), and every waiter paid for wake-ups that found the lock taken. Here:
 *  - A waiter takes a ticket: an empty file `.locks/.queue/<lock file name>/<time>.<seq>.<pid>.<start>.<host>.<nonce>`
 *    (time in ms, seq counting this process's tickets across all its queues). Tickets sort by name: by the time they were taken, in a
 *    process by their order, across processes within one millisecond in an arbitrary but common order.
 *  - The waiter with the lowest live ticket (the head) has the right of way: it alone tries, and it sleeps on an
 *    fs.watch of the file that blocks it, which fires when the holder removes it. Every other waiter sleeps on a
 *    watch of the ticket just ahead of its own, which fires when that waiter got the lock or left: a release
 *    wakes one process, not all of them (the queue of CLH locks, on files).
 *  - A newcomer that finds tickets waits behind them, and so does a holder that takes the lock again at once
 *    (acquire gives back a fresh lock when the line is not empty): barging is what starved waiters.
 *  - Tickets of dead processes on this host are removed by whoever finds them ahead of its own; a ticket that no
 *    one can judge (another host) or a head that does not take a free lock holds the line for at most
 *    `stallMs`, after which any waiter tries again. Every wait also ends after a fallback delay, so a lost
 *    event (a network file system without inotify) costs time, never liveness.
 *
 * None of this takes part in mutual exclusion: whoever tries still goes through tryAcquire's exclusive create and
 * the conflict check (guard.ts), exactly as before. A ticket only decides who tries when; a wrong or missing
 * ticket can make a waiter wait longer, never let two in.
 */
export const QUEUE_DIR = '.queue';

export interface Ticket {
  readonly dir: string;
  readonly name: string;
}

/**
 * This process's ticket count, shared by every queue in it: two managers of one process (the extension's and a
 * broker's, or two in a test) that join in the same millisecond must still be ordered by who came first, not by
 * their random nonces.
 */
let seq = 0;

export class WaitQueue {
  constructor(
    private readonly lockDir: string,
    private readonly me: { pid: number; pidStart: string | null; hostTag: string },
  ) {}

  /** The folder of the line for a lock file. */
  dirOf(lockFile: string): string {
    return path.join(this.lockDir, QUEUE_DIR, path.basename(lockFile));
  }

  /** True when someone other than `mine` waits for this lock (one stat when nobody does). */
  othersWaiting(lockFile: string, mine?: Ticket): boolean {
    const dir = this.dirOf(lockFile);
    if (!fs.statSync(dir, { throwIfNoEntry: false })) return false;
    return this.line(dir).some((n) => n !== mine?.name);
  }

  /** Takes a ticket at the end of the line. */
  join(lockFile: string): Ticket {
    const dir = this.dirOf(lockFile);
    const name = `${Date.now().toString().padStart(14, '0')}.${(++seq).toString().padStart(9, '0')}.${this.me.pid}.${encodeURIComponent(this.me.pidStart ?? '-')}.${this.me.hostTag}.${shortId()}`;
    for (let i = 0; ; i++) {
      try {
        fs.closeSync(fs.openSync(path.join(dir, name), 'wx'));
        return { dir, name };
      } catch (e) {
        // ENOENT: the folder does not exist yet, or the last waiter removed it just now.
        if (!isErrnoException(e, 'ENOENT') || i > 5) throw e;
        fs.mkdirSync(dir, { recursive: true });
      }
    }
  }

  /** Gives the ticket up (acquired, timed out, aborted); the last one out removes the folder. */
  leave(t: Ticket): void {
    fs.rmSync(path.join(t.dir, t.name), { force: true });
    try {
      fs.rmdirSync(t.dir);
    } catch {
      /* others still wait, or it is gone */
    }
  }

  /**
   * Where `t` stands: `ahead` is the live ticket just ahead of it (to watch), undefined at the head; `first` is
   * the lowest ticket (the line moves when it changes). Only the nearest tickets ahead are judged: a dead one is
   * removed and the next is looked at, so each waiter clears the dead just before it, at one liveness check per
   * wake-up in the common case.
   */
  position(t: Ticket): { ahead: string | undefined; first: string | undefined } {
    const names = this.line(t.dir);
    let i = names.findIndex((n) => n >= t.name);
    if (i < 0) i = names.length;
    while (i > 0) {
      const n = names[--i];
      if (!this.dead(n)) return { ahead: path.join(t.dir, n), first: names[0] };
      fs.rmSync(path.join(t.dir, n), { force: true });
    }
    return { ahead: undefined, first: names[0] };
  }

  private line(dir: string): string[] {
    try {
      return fs.readdirSync(dir).sort();
    } catch {
      return [];
    }
  }

  private dead(name: string): boolean {
    const [, , pid, start, host] = name.split('.');
    if (host !== this.me.hostTag || !pid || !/^\d+$/.test(pid)) return false;
    if (Number(pid) === this.me.pid) return false;
    let pidStart: string | null = null;
    try {
      pidStart = start === undefined || start === '-' ? null : decodeURIComponent(start);
    } catch {
      /* judged by pid alone */
    }
    const l = processLiveness(Number(pid), pidStart);
    return l === 'dead' || l === 'zombie' || l === 'reused';
  }
}

/**
 * Resolves when `file` changes or disappears ('event'), after `ms` or when `signal` aborts ('timer'), whichever
 * comes first; at once when `file` is already gone. Never rejects: the caller looks again either way.
 */
export function watchOnce(file: string, ms: number, signal?: AbortSignal): Promise<'event' | 'timer'> {
  return new Promise((resolve) => {
    let w: fs.FSWatcher | undefined;
    // Called only once `t` below is set: from the watch, the timer and the signal, all later.
    const done = (how: 'event' | 'timer' = 'timer') => {
      w?.close();
      clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      resolve(how);
    };
    const onAbort = () => done();
    try {
      w = fs.watch(file, { persistent: true }, () => done('event'));
      w.on('error', () => done());
    } catch {
      // Gone already (ENOENT), or this file system cannot watch: look again after a short pause.
      ms = Math.min(ms, 1);
    }
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    // Gone between the caller's look and the watch: the watch saw nothing, so look again now.
    if (w && !fs.existsSync(file)) done();
  });
}
