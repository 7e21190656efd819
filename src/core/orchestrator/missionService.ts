import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Disposable } from '../disposable';
import { errorMessage } from '../errors';
import type { Event } from '../event';
import { APPROVALS_DIR, ApprovalStore, type Approval } from '../safety/approvals';
import type { MissionRecord, MissionStateName } from '../schemas/mission';
import type { BusEvent } from '../watch/busEvents';
import { MissionActions, type MergeResult } from './missionActions';
import { MissionRunner } from './missionRunner';
import type { MissionRead, MissionStore, InvalidMission } from './missionStore';
import { allows, check, statesAllowing, type MissionAction } from './missionTable';
import {
  MissionError,
  type MissionDeps,
  type MissionEvent,
  type MissionOutcome,
  type StartOptions,
} from './missionTypes';
import { Orchestrator } from './orchestrator';

export interface LoopOptions {
  /** Missions at a time; default the live `orchestrator.parallel`. */
  parallel?: () => number;
  onOutcome?: (o: MissionOutcome) => void;
  onError?: (file: string, message: string) => void;
}

/**
 * The mission lifecycle, one service for the editor, the CLI and the MCP server (built by
 * `createCore().createMissions()`): the records (store), one plan's run (runner and its post-run steps), what
 * people do next (actions), the continuous loop, and the continuation of missions whose approval a person
 * decided. Every "may this mission do that" goes through the state table (missionTable.ts). Config is read
 * live at each step, so the editor's setting changes apply to the next one.
 */
export class MissionService implements Disposable {
  readonly store: MissionStore;
  /** State changes, notes and the agents' run events of every mission this service drives. */
  readonly onEvent: Event<MissionEvent>;
  private readonly runner: MissionRunner;
  private readonly actions: MissionActions;
  private loop: Orchestrator | undefined;
  /** `<task>:<approval id>` continued by this process: one decision continues its mission once. */
  private readonly continued = new Set<string>();

  constructor(private readonly d: MissionDeps) {
    this.store = d.store;
    this.runner = new MissionRunner(d);
    this.actions = new MissionActions(d, this.runner);
    this.onEvent = this.runner.onEvent;
  }

  get root(): string {
    return this.d.root;
  }

  // --- records and the state table -------------------------------------------------------------------------

  list(): { records: MissionRecord[]; invalid: InvalidMission[] } {
    return this.store.list();
  }

  read(task: string): MissionRead {
    return this.store.read(task);
  }

  /** Whether a mission in `state` (none yet: undefined) may take `action`. */
  allows(state: MissionStateName | undefined, action: MissionAction): boolean {
    return allows(state, action);
  }

  /** The records that may take `action` now (the editor's pickers). */
  candidates(action: MissionAction): MissionRecord[] {
    const states = statesAllowing(action);
    return this.store.list().records.filter((r) => states.includes(r.state));
  }

  // --- one mission -----------------------------------------------------------------------------------------

  /** Runs one plan through the whole loop (see MissionRunner); resolves with where it ended. */
  start(planFile: string, o: StartOptions = {}): Promise<MissionOutcome> {
    return this.runner.start(planFile, o);
  }

  merge(task: string, o: { approved?: boolean } = {}): Promise<MergeResult> {
    return this.actions.merge(task, o);
  }

  abortMerge(task: string): Promise<MissionRecord> {
    return this.actions.abortMerge(task);
  }

  conflicts(task: string): Promise<string[]> {
    return this.actions.conflicts(task);
  }

  predict(task: string): Promise<string[]> {
    return this.actions.predict(task);
  }

  discard(task: string, o: { confirmed: boolean }): ReturnType<MissionActions['discard']> {
    return this.actions.discard(task, o);
  }

  rollBack(task: string): ReturnType<MissionActions['rollBack']> {
    return this.actions.rollBack(task);
  }

  handOff(task: string, reason?: string): ReturnType<MissionActions['handOff']> {
    return this.actions.handOff(task, reason);
  }

  /**
   * Runs a mission that ended without a merge (or waits) again from its plan file: through the loop when it
   * runs (so `parallel` holds), else at once. The state table's `retry` column says which missions may.
   */
  async retry(task: string): Promise<MissionOutcome | undefined> {
    const r = this.store.read(task);
    if (!r.ok)
      throw r.invalid
        ? new MissionError('invalidRecord', task, `${r.invalid.file} is invalid`, { file: r.invalid.file })
        : new MissionError('unknownMission', task, `there is no mission ${task}`);
    check(r.record, 'retry');
    if (!this.loop) return this.start(r.record.planFile);
    this.loop.retry(task);
    return undefined;
  }

  // --- the continuous loop ---------------------------------------------------------------------------------

  /**
   * Starts the loop (`fmes watch --orchestrate`, the editor with `fmes.orchestrator.auto`): every valid plan
   * that appears or changes becomes a mission. Started once; later calls return the same loop.
   */
  startLoop(o: LoopOptions = {}): Orchestrator {
    return (this.loop ??= new Orchestrator({
      missions: this.runner,
      store: this.store,
      log: this.d.log.child('orchestrator'),
      parallel: o.parallel ?? (() => this.d.config().orchestrator.parallel),
      onOutcome: o.onOutcome,
      onError: o.onError,
    }));
  }

  /** Stops the loop: its running missions' agents are stopped (their changes rolled back); see idle(). */
  stopLoop(): void {
    this.loop?.dispose();
  }

  /** Feeds a bus event to the loop, when it runs. */
  handle(e: BusEvent): void {
    this.loop?.handle(e);
  }

  /** Resolves when the loop's missions have ended (tests, shutdown). */
  async idle(): Promise<void> {
    await this.loop?.idle();
  }

  // --- approvals -------------------------------------------------------------------------------------------

  /** Missions waiting on an approval a person has decided (approved or rejected), with the decision. */
  decided(): { record: MissionRecord; approval: Approval }[] {
    const approvals = new ApprovalStore(this.d.root);
    const out: { record: MissionRecord; approval: Approval }[] = [];
    for (const record of this.store.list().records) {
      if (!allows(record.state, 'continue') || !record.approval) continue;
      const approval = approvals.get(record.approval);
      if (approval && approval.status !== 'pending') out.push({ record, approval });
    }
    return out;
  }

  /**
   * Continues every mission whose approval was decided since it stopped: an approved plan or call runs, a
   * rejected one is refused (a paused session goes on and is told the note). Through the loop when it runs.
   * Returns the tasks continued now. `o.start` runs a continued mission when no loop runs (the editor shows
   * its progress); default `start`.
   */
  continueDecided(o: { start?: (planFile: string) => Promise<unknown> } = {}): string[] {
    const started: string[] = [];
    for (const { record, approval } of this.decided()) {
      const key = `${record.taskId}:${approval.id}`;
      if (this.continued.has(key) || this.loop?.has(record.taskId)) continue;
      this.continued.add(key);
      started.push(record.taskId);
      this.d.log.info(
        `${record.taskId}: approval ${approval.id} ${approval.status} by ${approval.decidedBy ?? 'someone'}; continuing the mission`,
      );
      if (this.loop) {
        this.loop.retry(record.taskId, 'continue');
        continue;
      }
      void (o.start ?? ((f: string) => this.start(f)))(record.planFile).catch((e: unknown) => {
        this.d.log.warn(`${record.taskId} could not continue: ${errorMessage(e)}`);
        this.continued.delete(key);
      });
    }
    return started;
  }

  /**
   * Continues decided missions as decisions land in `.fmes/approvals/` (from `fmes approve`, the editor or the
   * dashboard), for hosts without a file watcher of their own (the CLI). Checks at once, on every change of the
   * folder, and every `pollMs` in case the folder did not exist yet or a watch event was lost.
   */
  followApprovals(o: { pollMs?: number } = {}): Disposable {
    const check = () => {
      try {
        this.continueDecided();
      } catch (e) {
        this.d.log.warn(`could not check approvals: ${errorMessage(e)}`);
      }
    };
    let watcher: fs.FSWatcher | undefined;
    const watch = () => {
      if (watcher) return;
      try {
        watcher = fs.watch(path.join(this.d.root, APPROVALS_DIR), () => check());
        watcher.on('error', () => {
          watcher?.close();
          watcher = undefined;
        });
      } catch {
        // No approvals folder yet: the poll looks again.
      }
    };
    watch();
    check();
    const timer = setInterval(() => {
      watch();
      check();
    }, o.pollMs ?? 2000);
    timer.unref();
    return {
      dispose: () => {
        clearInterval(timer);
        watcher?.close();
      },
    };
  }

  /** Stops the loop's missions (their agents are stopped and rolled back) and the events. */
  dispose(): void {
    this.loop?.dispose();
    this.runner.dispose();
  }
}
