import { LockError } from '../../../hot/errors';
import type { LockLease } from '../../../hot/locks/lockBackend';
import type { LockRecord } from '../../schemas/lock';
import type { RedisLockBackend } from './redisBackend';

/**
 * A lock held on the Redis backend. A lock bound to a process holds a short lease (locks.leaseSec, 10 s by
 * default) that startHeartbeat renews, so a holder that crashes, hangs or loses its network frees the path
 * within one lease for every machine.
 *
 * A heartbeat that cannot reach the server keeps trying; once a whole lease has passed since the last renewal
 * that the server confirmed, the lock is reported lost. A renewal the server refuses (the lock is gone: it ran
 * out, was broken, or the server restarted without its data) reports it lost at once. Lost locks are never
 * taken again behind the holder's back: someone else may have held the path in between, and only the holder's
 * code can decide whether its work still stands (the fence tells a store to refuse its late writes).
 */
export class RedisLease implements LockLease {
  private heartbeat: NodeJS.Timeout | undefined;
  /** Told when the lock is gone: by the heartbeat, or by a pipelined release the server refused. */
  private onLost: ((e: unknown) => void) | undefined;
  private released = false;
  private lastRenewed: number;
  /** The length of each renewal: the lease (or TTL) it was taken with, or the last one asked for. */
  private ttlMs: number;

  constructor(
    private readonly backend: RedisLockBackend,
    private current: LockRecord,
    readonly fence: string,
    readonly key?: string,
    /** When the server last confirmed the lock, by this machine's clock (a lease taken back: its original's). */
    confirmedAt = Date.now(),
  ) {
    this.lastRenewed = confirmedAt;
    this.ttlMs = Math.max(1000, Date.parse(current.expiresAt) - Date.parse(current.acquiredAt));
  }

  /** The length of the lease, and when the server last confirmed it (this machine's clock). */
  get leaseState(): { ttlMs: number; confirmedAt: number } {
    return { ttlMs: this.ttlMs, confirmedAt: this.lastRenewed };
  }

  get record(): LockRecord {
    return this.current;
  }
  get path(): string {
    return this.current.path;
  }
  get file(): string {
    return `${this.backend.where} ${this.current.path}`;
  }
  get token(): string {
    return this.current.token;
  }

  async renew(ttlMs?: number): Promise<LockRecord> {
    // Not expiresAt - acquiredAt of the current record: acquiredAt stays the first one, so that would grow the
    // lease by every renewal, and a crashed holder's lock would outlive its lease.
    if (ttlMs !== undefined) this.ttlMs = Math.max(1000, ttlMs);
    const claim = { agent: this.current.agent, token: this.current.token, ttlMs: this.ttlMs };
    this.current = { ...(await this.backend.renew(this.current.path, claim)), acquiredAt: this.current.acquiredAt };
    this.lastRenewed = Date.now();
    return this.current;
  }

  startHeartbeat(intervalMs: number, onLost?: (e: unknown) => void): void {
    this.stopHeartbeat();
    this.onLost = onLost;
    let busy = false;
    this.heartbeat = setInterval(() => {
      if (busy) return;
      busy = true;
      this.renew(this.ttlMs)
        .catch((e: unknown) => {
          if (this.released) return;
          const gone = LockError.is(e);
          if (gone || Date.now() - this.lastRenewed >= this.ttlMs) {
            this.stopHeartbeat();
            onLost?.(
              gone ? e : new LockError('notHeld', this.path, `${String((e as Error).message ?? e)}; the lease ran out`),
            );
          }
        })
        .finally(() => {
          busy = false;
        });
    }, intervalMs);
    this.heartbeat.unref();
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  forget(): void {
    this.stopHeartbeat();
  }

  /** @internal A new lease on this lock, released but not yet told to the server (RedisLockBackend.attempt). */
  takenBack(): RedisLease {
    const again = new RedisLease(this.backend, this.current, this.fence, undefined, this.lastRenewed);
    again.ttlMs = this.ttlMs;
    return again;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.stopHeartbeat();
    await this.backend.releaseLease(this, this.onLost);
  }
}
