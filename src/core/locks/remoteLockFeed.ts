import type { Disposable } from '../disposable';
import { Emitter } from '../event';
import type { LockBackend } from '../../hot/locks/lockBackend';
import type { HolderStatus } from '../../hot/locks/lockManager';

/** The state of a remote lock backend as the editor shows it. */
export type BackendState = { ok: true; where: string } | { ok: false; where: string; message: string };

/**
 * Keeps the editor's view of a remote lock backend (Redis) current: its holders every `intervalMs` (a short poll,
 * one round trip of the status script), and whether it answers. The file backend needs none of this: the bus
 * watcher sees `.locks/` change.
 */
export class RemoteLockFeed implements Disposable {
  private readonly changed = new Emitter<{ holders: HolderStatus[] | undefined; state: BackendState }>();
  readonly onDidChange = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private last = '';
  state: BackendState;

  constructor(
    private readonly backend: LockBackend,
    private readonly intervalMs = 1_000,
  ) {
    this.state = { ok: true, where: backend.where };
  }

  start(): this {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** One poll: fires when the holders or the state changed. */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const holders = await this.backend.status();
      const key = JSON.stringify(holders);
      const wasDown = !this.state.ok;
      this.state = { ok: true, where: this.backend.where };
      if (key !== this.last || wasDown) {
        this.last = key;
        this.changed.fire({ holders, state: this.state });
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const same = !this.state.ok && this.state.message === message;
      this.state = { ok: false, where: this.backend.where, message };
      this.last = '';
      if (!same) this.changed.fire({ holders: undefined, state: this.state });
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.changed.dispose();
  }
}
