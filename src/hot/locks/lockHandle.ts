import type { LockRecord } from '../../core/schemas/lock';
import type { LockManager } from './lockManager';
import type { Spare } from './spares';

/**
 * What proves that the file at the lock path is still the one this process created, without reading it:
 * the descriptor of an O_EXCL create, or the spare linked there (spares.ts). Both pin the inode.
 */
export type CreationProof = { kind: 'fd'; fd: number } | { kind: 'spare'; spare: Spare };

/** A lock this process holds. */
export class LockHandle {
  private heartbeat: NodeJS.Timeout | undefined;
  private released = false;

  constructor(
    private readonly manager: LockManager,
    private current: LockRecord,
    readonly file: string,
    /** Kept as proof of identity until release (see LockManager.releaseHandle). */
    private proof: CreationProof | undefined,
    /**
     * The secret that releases this lock from any process (`fmes lock release --token`), for a lock not bound
     * to this process; only its hash is in the lock file. Undefined for process-bound locks and re-entries.
     */
    readonly key?: string,
  ) {}

  get record(): LockRecord {
    return this.current;
  }
  get path(): string {
    return this.current.path;
  }
  get token(): string {
    return this.current.token;
  }
  get isReleased(): boolean {
    return this.released;
  }

  renew(ttlMs?: number): LockRecord {
    const ttl = ttlMs ?? Date.parse(this.current.expiresAt) - Date.parse(this.current.acquiredAt);
    this.current = this.manager.renewRecord(this.current, Math.max(1000, ttl));
    // Renewal replaced the file, so the proof no longer names it; identity now comes from the token.
    this.dropProof(false);
    return this.current;
  }

  /** Renews every `intervalMs` until released; a failed renewal (lock broken) stops it and reports once. */
  startHeartbeat(intervalMs: number, onLost?: (e: unknown) => void): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      try {
        this.renew();
      } catch (e) {
        this.stopHeartbeat();
        onLost?.(e);
      }
    }, intervalMs);
    this.heartbeat.unref();
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /**
   * Lets go of this process's hold on the lock without releasing it: stops the heartbeat and drops the
   * creation proof (release then goes by agent and token). For locks bounded by their TTL alone, whose holder is
   * not this process (the MCP server takes them for agents that release them later).
   */
  forget(): void {
    this.stopHeartbeat();
    this.dropProof(true);
  }

  release(): void {
    if (this.released) return;
    this.stopHeartbeat();
    this.released = true;
    const proof = this.proof;
    this.proof = undefined;
    this.manager.releaseHandle(this, proof);
  }

  /** `stillLinked`: the lock file may still be the spare's inode, so the spare must not be reused. */
  private dropProof(stillLinked: boolean): void {
    const proof = this.proof;
    this.proof = undefined;
    if (proof) this.manager.dropProof(proof, stillLinked);
  }
}
