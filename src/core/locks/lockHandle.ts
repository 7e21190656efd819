import * as fs from 'node:fs';
import type { LockRecord } from '../schemas/lock';
import type { LockManager } from './lockManager';

/** A lock this process holds. */
export class LockHandle {
  private heartbeat: NodeJS.Timeout | undefined;
  private released = false;

  constructor(
    private readonly manager: LockManager,
    private current: LockRecord,
    readonly file: string,
    /** The descriptor from the O_EXCL create, kept open as proof of identity (see releaseHandle). */
    private fd: number | undefined,
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
    // Renewal replaced the file, so the creation fd no longer names it; identity now comes from the token.
    this.closeFd();
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
   * Lets go of this process's hold on the lock without releasing it: stops the heartbeat and closes the
   * creation fd (release then goes by agent and token). For locks bounded by their TTL alone, whose holder is
   * not this process (the MCP server takes them for agents that release them later).
   */
  forget(): void {
    this.stopHeartbeat();
    this.closeFd();
  }

  release(): void {
    if (this.released) return;
    this.stopHeartbeat();
    this.released = true;
    const fd = this.fd;
    this.fd = undefined;
    this.manager.releaseHandle(this, fd);
  }

  private closeFd(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
