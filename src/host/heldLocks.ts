import type { LockHandle } from '../hot/locks/lockHandle';
import type { LockManager } from '../hot/locks/lockManager';
import type * as vscode from 'vscode';

/**
 * Locks this editor window holds for its person ("Lock for Me", Acquire Lock). They are bound to the
 * extension host's process, so they turn stale if the editor dies, renewed by a heartbeat, and released
 * when the window closes.
 */
export class HeldLocks implements vscode.Disposable {
  private readonly handles = new Map<string, LockHandle>();

  constructor(
    private readonly locks: LockManager,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async acquire(input: string, agent: string, intent: string, waitMs = 0): Promise<LockHandle> {
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
    h.release();
    return true;
  }

  get paths(): string[] {
    return [...this.handles.keys()];
  }

  dispose(): void {
    for (const [p, h] of this.handles) {
      try {
        h.release();
      } catch (e) {
        this.log.warn(`could not release ${p}: ${String(e)}`);
      }
    }
    this.handles.clear();
  }
}
