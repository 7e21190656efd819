import type { LockBackend, LockLease } from '../hot/locks/lockBackend';
import type * as vscode from 'vscode';

/**
 * Locks this editor window holds for its person ("Lock for Me", Acquire Lock). They are bound to the
 * extension host's process, so they turn stale if the editor dies, renewed by a heartbeat, and released
 * when the window closes.
 */
export class HeldLocks implements vscode.Disposable {
  private readonly handles = new Map<string, LockLease>();

  constructor(
    private readonly locks: Pick<LockBackend, 'acquire'>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async acquire(input: string, agent: string, intent: string, waitMs = 0): Promise<LockLease> {
    const h = await this.locks.acquire(input, { agent, intent, pid: 'self', waitMs });
    this.handles.get(h.path)?.stopHeartbeat();
    this.handles.set(h.path, h);
    const ttl = Date.parse(h.record.expiresAt) - Date.parse(h.record.acquiredAt);
    h.startHeartbeat(Math.max(1000, ttl / 3), (e) => {
      this.handles.delete(h.path);
      this.log.warn(`lost the lock on ${h.path}: ${String(e)}`);
    });
    return h;
  }

  /** Releases a lock this window took; false when it did not take it. */
  release(path: string): boolean {
    const h = this.handles.get(path);
    if (!h) return false;
    this.handles.delete(path);
    this.settle(path, h);
    return true;
  }

  get paths(): string[] {
    return [...this.handles.keys()];
  }

  dispose(): void {
    for (const [p, h] of this.handles) this.settle(p, h);
    this.handles.clear();
  }

  /** Releases, synchronously on the file backend; a remote backend's failure is logged. */
  private settle(p: string, h: LockLease): void {
    const warn = (e: unknown) => this.log.warn(`could not release ${p}: ${String(e)}`);
    try {
      void h.release()?.catch(warn);
    } catch (e) {
      warn(e);
    }
  }
}
