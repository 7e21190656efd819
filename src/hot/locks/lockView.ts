import type { Clock } from '../clock';
import type { WorkspacePaths } from '../paths/workspacePath';
import type { Holder, HolderReader } from './holders';
import { judgeInvalid, judgeLock, type Staleness } from './staleness';

/** The lock folder, in the main workspace: every worktree shares it. */
export const LOCK_DIR = '.locks';

export interface HolderStatus {
  holder: Holder;
  staleness: Staleness;
}

export interface LockViewOptions {
  /**
   * This host's name: pids are only judged on the host that recorded them. A function is called only for a lock
   * that names a pid (the hook: finding the name loads node:os, which most decisions never need).
   */
  host: string | (() => string);
  clock: Clock;
  /** An empty lock file older than this is a dead writer's trace (see judgeInvalid). */
  invalidGraceMs: number;
}

/**
 * The read-only side of the lock protocol: who holds what, and whether it is stale. LockManager answers these
 * questions through it; the PreToolUse hook uses it alone, so it loads none of the acquire and break machinery
 * (nor node:crypto) for a decision that only reads.
 */
export class LockView {
  constructor(
    private readonly paths: WorkspacePaths,
    readonly reader: HolderReader,
    private readonly options: LockViewOptions,
  ) {}

  staleness(h: Holder): Staleness {
    const now = this.options.clock.now();
    switch (h.kind) {
      case 'lock':
        return judgeLock(h.record, now, this.options.host, h.seen);
      case 'invalid':
        return judgeInvalid(h.size, h.mtimeMs, now, this.options.invalidGraceMs);
      case 'marker':
        return { stale: false };
    }
  }

  /** Every lock file (and, with `markers`, every `.agent_lock` marker) with its staleness, by path. */
  status(options: { markers?: boolean } = {}): HolderStatus[] {
    return this.unsorted(options).sort((a, b) => (a.holder.path ?? '').localeCompare(b.holder.path ?? ''));
  }

  /**
   * What status() returns, in the lock folder's order: for the hook, which only filters it. The first
   * localeCompare of a process loads ICU's collator, about 5 ms, which every hook call would pay once two locks
   * are held (bench/hook.mjs).
   */
  unsorted(options: { markers?: boolean } = {}): HolderStatus[] {
    const holders = this.reader.all();
    if (options.markers) holders.push(...this.reader.markers());
    return holders.map((holder) => ({ holder, staleness: this.staleness(holder) }));
  }

  /** Holders that make `input` unwritable for `agent` (locks at or above it held by someone else). */
  blockersFor(input: string, agent: string | undefined): Holder[] {
    const p = this.paths.normalize(input);
    return this.reader.above(p).filter((h) => agent === undefined || !sameAgent(h, agent));
  }
}

export function sameAgent(h: Holder, agent: string): boolean {
  return (h.kind === 'lock' && h.record.agent === agent) || (h.kind === 'marker' && h.agent === agent);
}
