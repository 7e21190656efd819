import type { LockRecord } from '../../core/schemas/lock';
import type { WorkspacePath } from '../paths/workspacePath';
import type { BreakRecord } from './breaker';
import type { Holder } from './holders';
import type { LockClaim } from './lockClaim';
import type { HolderStatus } from './lockManager';
import type { AcquireOptions } from './lockOptions';

/**
 * A lock this process holds, whatever keeps it: the file backend's LockHandle, or a Redis lease. Release and
 * renewal go by its token; a lock bound to this process is kept alive by startHeartbeat.
 */
export interface LockLease {
  readonly record: LockRecord;
  readonly path: string;
  /** Where the lock lives, for messages: the lock file, or `redis://host:port/db <path>`. */
  readonly file: string;
  /** The release key of a lock not bound to this process (shown once); undefined otherwise. */
  readonly key?: string;
  /**
   * The fencing token of this acquisition (Redis backend): a decimal integer that grows with every acquire in
   * the namespace, so a storage that remembers the largest one it saw can refuse a write from an older holder.
   */
  readonly fence?: string;
  /** Renews it once, for `ttlMs` or its own TTL (a lease: the backend's lease); LockError when it is gone. */
  renew(ttlMs?: number): LockRecord | Promise<LockRecord>;
  /** Renews every `intervalMs` until released; `onLost` is called once when the lock is gone. */
  startHeartbeat(intervalMs: number, onLost?: (e: unknown) => void): void;
  stopHeartbeat(): void;
  /** Lets go of this process's hold without releasing the lock (it lives on until its TTL). */
  forget(): void;
  release(): void | Promise<void>;
}

/** Whether the backend can be reached, and if not, what to tell a person. */
export type BackendHealth = { ok: true } | { ok: false; message: string };

/**
 * Where locks live: `.locks/` in the main workspace (the file backend, the default) or a Redis server shared by
 * every clone of the repository (src/core/locks/redis/). Both keep the same protocol: per-path locks covering
 * folders both ways, release and renewal by token only, breaks recorded with who and why.
 */
export interface LockBackend {
  readonly kind: 'file' | 'redis';
  /** For messages: `.locks/ in <root>` or `redis://host:port/db` (never the password). */
  readonly where: string;
  normalize(input: string): WorkspacePath;
  /** Throws LockError('held') with the holders when `waitMs` runs out; LockBackendError when unreachable. */
  acquire(input: string, options: AcquireOptions): Promise<LockLease>;
  release(input: string, who: LockClaim): Promise<LockRecord>;
  renew(input: string, who: LockClaim & { ttlMs?: number }): Promise<LockRecord>;
  forceBreak(input: string, who: { by: string; reason: string }): Promise<BreakRecord>;
  /**
   * By path; `unsorted`: in the backend's own order, for a caller that only filters (the first localeCompare of a
   * process loads ICU's collator, ~5 ms: the hook asks unsorted).
   */
  status(options?: { markers?: boolean; unsorted?: boolean }): Promise<HolderStatus[]>;
  blockersFor(input: string, agent: string | undefined): Promise<Holder[]>;
  health(): Promise<BackendHealth>;
  /**
   * Calls `onChange` soon after any lock of the namespace changes, from any machine (Redis: a subscription to the
   * channel its scripts publish on). Absent for the file backend, whose changes the bus watcher sees.
   */
  watch?(onChange: () => void): { dispose(): void };
  dispose(): void;
}
