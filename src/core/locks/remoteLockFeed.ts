import type { Disposable } from '../disposable';
import { Emitter } from '../event';
import type { LockBackend } from '../../hot/locks/lockBackend';
import type { HolderStatus } from '../../hot/locks/lockManager';

/** The state of a remote lock backend as the editor shows it. */
export type BackendState = { ok: true; where: string } | { ok: false; where: string; message: string };

/**
 * Keeps the editor's view of a remote lock backend (Redis) current: its holders (one round trip of the status
 * script) each time the server announces a change on its channel, and every `intervalMs` besides, which covers
 * what no script announces (a lease running out while nobody calls the server) and tells whether it answers.
 * A backend that cannot announce changes is polled every `intervalMs` alone. The file backend needs none of
 * this: the bus watcher sees `.locks/` change.
 */
export class RemoteLockFeed implements Disposable {
  private readonly changed = new Emitter<{ holders: HolderStatus[] | undefined; state: BackendState }>();
  readonly onDidChange = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private watching: { dispose(): void } | undefined;
  private busy = false;
  /** A change was announced while a poll ran: poll once more after it. */
  private again = false;
  private disposed = false;
  private last = '';
  state: BackendState;

  constructor(
    private readonly backend: LockBackend,
    private readonly intervalMs = 1_000,
    /** The poll's interval while the backend announces changes (then the poll is the fallback only). */
    private readonly watchedIntervalMs = 5_000,
  ) {
    this.state = { ok: true, where: backend.where };
  }

  start(): this {
    this.watching = this.backend.watch?.(() => void this.poll());
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.watching ? this.watchedIntervalMs : this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** One poll: fires when the holders or the state changed. */
  async poll(): Promise<void> {
    if (this.disposed) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      const holders = await this.backend.status();
      const key = JSON.stringify(holders);
      const wasDown = !this.state.ok;
      this.state = { ok: true, where: this.backend.where };
      if ((key !== this.last || wasDown) && !this.disposed) {
        this.last = key;
        this.changed.fire({ holders, state: this.state });
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const same = !this.state.ok && this.state.message === message;
      this.state = { ok: false, where: this.backend.where, message };
      this.last = '';
      if (!same && !this.disposed) this.changed.fire({ holders: undefined, state: this.state });
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      await this.poll();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.watching?.dispose();
    if (this.timer) clearInterval(this.timer);
    this.changed.dispose();
  }
}
