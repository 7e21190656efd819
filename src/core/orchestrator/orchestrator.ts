import type { Disposable } from '../disposable';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { MissionStore } from './missionStore';
import type { MissionRunner } from './missionRunner';
import { allows, check } from './missionTable';
import { MissionError, type MissionOutcome } from './missionTypes';
import type { BusEvent } from '../watch/busEvents';

/**
 * The continuous loop (`fmes watch --orchestrate`, and the editor when `fmes.orchestrator.auto` is on):
 * every valid plan that appears or changes in `.antigravity/plans/` becomes a mission, at most `parallel` at
 * a time, one at a time per task. A plan whose mission already ran to the end is left alone until its id
 * changes; one that waits for approval is tried again when the plan file changes, when its approval is
 * decided (MissionService.continueDecided) or when `retry()` is called. Which states it takes up is the
 * state table's `auto` (plan events) and `retry` columns.
 */
export class Orchestrator implements Disposable {
  private readonly queue: string[] = [];
  private readonly active = new Map<string, Promise<MissionOutcome | undefined>>();
  private readonly files = new Map<string, string>();
  private disposed = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly o: {
      missions: MissionRunner;
      store: MissionStore;
      log: Logger;
      parallel: () => number;
      onOutcome?: (o: MissionOutcome) => void;
      onError?: (file: string, message: string) => void;
    },
  ) {}

  /** Feed bus events here. */
  handle(e: BusEvent): void {
    if (e.type !== 'plan.added' && e.type !== 'plan.changed') return;
    // A re-plan is started by the mission that wrote it; its file appearing is not a plan to take up again.
    if (this.o.missions.ownPlanWrite(e.file)) return;
    const task = e.plan.meta.id;
    if (!allows(this.o.store.get(task)?.state, 'auto')) return;
    this.enqueue(task, e.file);
  }

  /**
   * Puts a mission that ended without a merge (or waits) back in the queue, to run again from its plan file;
   * refused with the state table's reason otherwise.
   */
  retry(task: string, action: 'retry' | 'continue' = 'retry'): void {
    const r = this.o.store.read(task);
    if (!r.ok)
      throw r.invalid
        ? new MissionError('invalidRecord', task, `${r.invalid.file} is invalid`, { file: r.invalid.file })
        : new MissionError('unknownMission', task, `there is no mission ${task}`);
    check(r.record, action);
    this.enqueue(task, r.record.planFile);
  }

  /** Whether a mission of `task` is queued or running in this loop. */
  has(task: string): boolean {
    return this.active.has(task) || this.queue.includes(task);
  }

  private enqueue(task: string, file: string): void {
    this.files.set(task, file);
    if (!this.queue.includes(task) && !this.active.has(task)) this.queue.push(task);
    this.pump();
  }

  /** Missions in flight. */
  get running(): string[] {
    return [...this.active.keys()];
  }

  /** Resolves when every started mission has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.queue.length > 0) await Promise.race(this.active.values());
  }

  private pump(): void {
    while (!this.disposed && this.active.size < Math.max(1, this.o.parallel()) && this.queue.length > 0) {
      const task = this.queue.shift()!;
      const file = this.files.get(task)!;
      const p = this.o.missions
        .start(file, { signal: this.controller.signal })
        .then((out) => {
          this.o.onOutcome?.(out);
          return out;
        })
        .catch((e: unknown) => {
          this.o.log.warn(`${file}: ${errorMessage(e)}`);
          this.o.onError?.(file, errorMessage(e));
          return undefined;
        })
        .finally(() => {
          this.active.delete(task);
          this.pump();
        });
      this.active.set(task, p);
    }
  }

  /** Stops the running missions' agents (their changes are rolled back) and starts no more. */
  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.controller.abort();
  }
}
