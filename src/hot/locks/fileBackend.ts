import type { LockRecord } from '../../core/schemas/lock';
import type { WorkspacePath } from '../paths/workspacePath';
import type { BreakRecord } from './breaker';
import type { Holder } from './holders';
import type { BackendHealth, LockBackend, LockLease } from './lockBackend';
import type { LockClaim } from './lockClaim';
import type { HolderStatus, LockManager } from './lockManager';
import type { AcquireOptions } from './lockOptions';

/**
 * The embedded backend: today's `.locks/` protocol (lockManager.ts), unchanged, behind the backend interface.
 * Every call is the manager's own; the promises only give it the interface's shape.
 */
export class FileLockBackend implements LockBackend {
  readonly kind = 'file';
  readonly where: string;

  constructor(
    readonly manager: LockManager,
    /** False when the manager belongs to the caller (createCore), who disposes it. */
    private readonly owned = true,
  ) {
    this.where = `${manager.dir}`;
  }

  normalize(input: string): WorkspacePath {
    return this.manager.normalize(input);
  }
  acquire(input: string, options: AcquireOptions): Promise<LockLease> {
    return this.manager.acquire(input, options);
  }
  async release(input: string, who: LockClaim): Promise<LockRecord> {
    return this.manager.release(input, who);
  }
  async renew(input: string, who: LockClaim & { ttlMs?: number }): Promise<LockRecord> {
    return this.manager.renew(input, who);
  }
  async forceBreak(input: string, who: { by: string; reason: string }): Promise<BreakRecord> {
    return this.manager.forceBreak(input, who);
  }
  async status(options: { markers?: boolean; unsorted?: boolean } = {}): Promise<HolderStatus[]> {
    return options.unsorted ? this.manager.view.unsorted(options) : this.manager.status(options);
  }
  async blockersFor(input: string, agent: string | undefined): Promise<Holder[]> {
    return this.manager.blockersFor(input, agent);
  }
  async health(): Promise<BackendHealth> {
    return { ok: true };
  }
  dispose(): void {
    if (this.owned) this.manager.dispose();
  }
}
