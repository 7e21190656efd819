// The lock manager's settings (LockConfig), what a caller asks acquire for (LockOwner, AcquireOptions), and what
// one attempt answers (AttemptResult). Types and defaults only: the protocol is lockManager.ts.
import type { Holder } from './holders';
import type { LockHandle } from './lockHandle';

export interface LockConfig {
  /** TTL of a lock bound to a process (renewed by its heartbeat). */
  processTtlMs: number;
  /** TTL of a lock with no process (taken by `fmes lock acquire`). */
  detachedTtlMs: number;
  /** An empty lock file older than this is a dead writer's trace and may be broken as stale. */
  invalidGraceMs: number;
  /** Release and renewal take the generation guard when expiry is closer than this. */
  guardMarginMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How long a waiter lets the head of the line keep a free lock untaken before it tries anyway. */
  stallMs: number;
  /** How long a holder that got the lock through the line may take it again at once while others wait. */
  batchMs: number;
  /** How many acquisitions such a turn holds at most. */
  batchMax: number;
}

export const defaultLockConfig: LockConfig = {
  processTtlMs: 5 * 60_000,
  detachedTtlMs: 30 * 60_000,
  invalidGraceMs: 5_000,
  guardMarginMs: 2_000,
  backoffBaseMs: 2,
  backoffCapMs: 200,
  stallMs: 500,
  batchMs: 25,
  batchMax: 128,
};

export interface LockOwner {
  agent: string;
  intent?: string;
  /**
   * The process whose life bounds the lock: 'self' (default) for this process, a pid, or null for a lock
   * bounded by its TTL only.
   */
  pid?: number | 'self' | null;
  ttlMs?: number;
}

export interface AcquireOptions extends LockOwner {
  /** How long to keep trying while another holder covers the path (0: try once). */
  waitMs?: number;
  signal?: AbortSignal;
  /** Called once, when the first attempt finds the path held and a wait begins. */
  onWait?: (holders: readonly Holder[]) => void;
}

export type AttemptResult = { ok: true; handle: LockHandle; reentered: boolean } | { ok: false; holders: Holder[] };
