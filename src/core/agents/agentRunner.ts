import type { LockEntry } from '../sandbox/policy';
import type { Clock } from '../clock';
import type { FmesConfig } from '../config';
import { summarizeCostDay } from '../cost/costLedger';
import { Emitter } from '../event';
import type { Disposable } from '../disposable';
import type { Logger } from '../log';
import type { CostRecord } from '../schemas/costLog';
import { parseCostLog } from '../artifacts/parseArtifact';
import { ADAPTERS } from './adapters';
import { AgentRun } from './agentRun';
import { PriceTable } from './pricing';
import type { RunRequest, RunSnapshot } from './runTypes';
import { SessionStore } from './sessionStore';
import { formatIssues } from '../errors';

export interface AgentRunnerOptions {
  root: string;
  config: () => FmesConfig;
  log: Logger;
  clock: Clock;
  /** The environment agents inherit from (filtered); process.env by default. */
  parentEnv?: Readonly<Record<string, string | undefined>>;
  /** How to start dist/hook.cjs for the Claude sessions F-MES starts (see AgentRunDeps.hook). */
  hook?: { script: string; node: string; electronAsNode?: boolean };
  /** The holders of a remote lock backend (Redis), which the sandbox makes read-only (see AgentRunDeps). */
  remoteLocks?: () => Promise<LockEntry[]>;
}

/**
 * Starts agent runs and keeps track of the live ones: the terminal, the panel, the cost meter and the CLI
 * all go through here. Spend checks count the day's log plus every other live run of this process.
 */
export class AgentRunner implements Disposable {
  private readonly runs = new Map<string, AgentRun>();
  private readonly changed = new Emitter<void>();
  /** Fires when a run starts, ends, or its cost or turn count moves. */
  readonly onDidChange = this.changed.event;
  readonly sessions: SessionStore;

  constructor(private readonly o: AgentRunnerOptions) {
    this.sessions = new SessionStore(o.root, (file, issues) => o.log.warn(`${file}: ${formatIssues(issues)}`));
  }

  start(request: RunRequest): AgentRun {
    const config = this.o.config();
    const run = new AgentRun(request, {
      root: this.o.root,
      config,
      adapter: ADAPTERS[request.cli],
      sessions: this.sessions,
      prices: new PriceTable(config.prices),
      log: this.o.log.child(`run:${request.taskId}`),
      clock: this.o.clock,
      parentEnv: this.o.parentEnv ?? process.env,
      hook: this.o.hook,
      remoteLocks: this.o.remoteLocks,
      spentElsewhereToday: (runId) => this.spentToday() + this.liveUsd(runId),
    });
    this.runs.set(run.id, run);
    const sub = run.onEvent((e) => {
      if (e.type === 'cost' || e.type === 'attempt' || e.type === 'end') this.changed.fire();
    });
    void run.done.then(() => {
      sub.dispose();
      this.runs.delete(run.id);
      this.changed.fire();
    });
    this.changed.fire();
    return run;
  }

  get active(): AgentRun[] {
    return [...this.runs.values()];
  }

  get snapshots(): RunSnapshot[] {
    return this.active.map((r) => r.snapshot);
  }

  find(runId: string): AgentRun | undefined {
    return this.runs.get(runId);
  }

  /** The not-yet-logged cost of live runs, as cost records for the meter (logged attempts are in the day's file). */
  liveCostRecords(): CostRecord[] {
    const ts = new Date(this.o.clock.now()).toISOString();
    return this.active
      .filter((r) => r.liveCostUsd > 0)
      .map((r) => ({
        ts,
        agent: r.agentId,
        sessionId: r.snapshot.sessionId ?? r.id,
        taskId: r.request.taskId,
        costUsd: r.liveCostUsd,
        turns: undefined,
        source: r.request.cli,
      }));
  }

  async stopAll(why: string): Promise<void> {
    await Promise.all(this.active.map((r) => r.stop(why)));
  }

  private spentToday(): number {
    return summarizeCostDay(this.o.root, this.o.clock.now(), parseCostLog).totalUsd;
  }

  private liveUsd(except: string): number {
    return this.active.filter((r) => r.id !== except).reduce((s, r) => s + r.liveCostUsd, 0);
  }

  dispose(): void {
    void this.stopAll('F-MES is shutting down');
    this.changed.dispose();
  }
}
