// One run of one agent CLI on one task: its state, the retry loop, each attempt's named steps, the kill and
// the outcome. The steps' bodies live in run/ (setup, attempt, stream, cost log, transcript).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../errors';
import { Emitter } from '../event';
import { spawnAgent, type SpawnedProcess } from '../proc/spawnAgent';
import type { RunLauncher } from '../sandbox/runSandbox';
import { CircuitBreaker, type Breach } from './breaker';
import { agentEnv } from './env';
import { openRunBroker, type RunBroker } from '../broker/runBroker';
import { lockBackendSettingsOf, lockConfigOf } from '../config';
import { RunSetupError } from './runSetupError';
import { Redactor } from '../../hot/safety/redact';
import type { RunEvent, RunOutcome, RunRequest, RunSnapshot, RunState } from './runTypes';
import { BREACHES, type AgentResult, type Usage } from './types';
import {
  attemptCost,
  beginAttempt,
  classifyAttempt,
  type Attempt,
  type AttemptExit,
  type AttemptResult,
} from './run/attempt';
import { logAttemptCost } from './run/attemptCostLog';
import { onStderrLine, onStdoutLine } from './run/attemptStream';
import { tallyCostUsd, type RunHost, type RunTally } from './run/runContext';
import type { AgentRunDeps } from './run/runDeps';
import { runOutcome } from './run/runOutcome';
import { openSandbox, prepareGuard, type RunGuard } from './run/runSetup';
import { RunTranscript } from './run/runTranscript';
import { seededPrompt } from './run/seededPrompt';

export const RUNS_DIR = '.fmes/runs';

/**
 * One run of one agent CLI on one task: up to 1 + retries attempts, each a process whose stream is parsed,
 * priced, checked by the circuit breaker and written to a redacted transcript. Ends with an outcome; never
 * throws.
 */
export class AgentRun {
  readonly id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 6)}`;
  readonly agentId: string;
  private readonly emitter = new Emitter<RunEvent>();
  readonly onEvent = this.emitter.event;
  readonly done: Promise<RunOutcome>;
  private state: RunState = 'starting';
  private proc: SpawnedProcess | undefined;
  /** The kill in progress, awaited before an attempt's outcome so `killed` is reported before `end`. */
  private killing: Promise<void> | undefined;
  private stopRequested: string | undefined;
  private breaker: CircuitBreaker;
  private readonly redactor: Redactor;
  private readonly transcriptLog: RunTranscript;
  private readonly startedAt: string;
  private readonly startMs: number;
  /** Session, turns and spend, shared with the steps in run/. */
  private readonly tally: RunTally = { sessionId: undefined, turns: 0, loggedUsd: 0, liveUsd: 0 };
  /** What the steps in run/ see of this run. */
  private readonly host: RunHost;
  private attempt = 0;
  private outcome: RunOutcome | undefined;
  private readonly env: Record<string, string>;
  private readonly cwd: string;
  /** The run's broker (src/core/broker/): locks, approvals and audit from inside the run go through it. */
  private readonly broker: RunBroker | undefined;
  /** F-MES's guard for this run: Claude's settings file, Codex's hook arguments (Gemini's is in `env`). */
  private guard: RunGuard = {};
  /** How the run's processes start: inside the OS sandbox, or plainly (see src/core/sandbox/). */
  private launcher: RunLauncher | undefined;

  constructor(
    readonly request: RunRequest,
    private readonly deps: AgentRunDeps,
  ) {
    this.agentId = request.agentId ?? request.cli;
    this.startMs = deps.clock.now();
    this.startedAt = new Date(this.startMs).toISOString();
    const cfg = deps.config.agents[request.cli];
    this.cwd = request.cwd ?? deps.root;
    const run = { agent: this.agentId, runId: this.id, taskId: request.taskId };
    const lockConfig = lockConfigOf(deps.config);
    this.broker = openRunBroker({
      root: deps.root,
      run,
      log: deps.log,
      lockConfig,
      lockBackend: lockBackendSettingsOf(deps.config),
      env: deps.parentEnv,
      redactor: () => this.redactor,
    });
    this.env = agentEnv({
      kind: request.cli,
      parent: deps.parentEnv,
      passEnv: cfg.passEnv,
      env: { ...cfg.env, ...request.env },
      fmes: { agent: this.agentId, task: request.taskId, runId: this.id, workspace: deps.root },
      broker: this.broker?.env,
    });
    this.redactor = new Redactor({ ...deps.parentEnv, ...this.env });
    this.transcriptLog = new RunTranscript(
      path.join(deps.root, RUNS_DIR, request.taskId, `${this.id}.jsonl`),
      this.redactor,
      deps.log,
    );
    const limits = this.limits();
    this.breaker = new CircuitBreaker(limits);
    this.host = {
      runId: this.id,
      agentId: this.agentId,
      request,
      deps,
      cwd: this.cwd,
      env: this.env,
      redactor: this.redactor,
      transcript: this.transcriptLog,
      breaker: this.breaker,
      tally: this.tally,
      launcher: () => this.launcher,
      fire: (e) => this.fire(e),
      checkBreach: (b) => this.checkBreach(b),
    };
    this.done = this.run().catch((e: unknown) =>
      this.finish({
        reason: 'agentError',
        message: `F-MES failed: ${errorMessage(e)}`,
        result: undefined,
        exitCode: undefined,
      }),
    );
    void this.done.then(() => this.broker?.close());
  }

  get snapshot(): RunSnapshot {
    return {
      runId: this.id,
      agentId: this.agentId,
      cli: this.request.cli,
      taskId: this.request.taskId,
      state: this.state,
      sessionId: this.tally.sessionId,
      costUsd: this.costUsd,
      turns: this.tally.turns,
      attempt: this.attempt,
      startedAt: this.startedAt,
      outcome: this.outcome,
      sandboxed: this.launcher?.sandboxed,
    };
  }

  /** Cost so far: logged attempts plus the live estimate of the current one. */
  get costUsd(): number {
    return tallyCostUsd(this.tally);
  }

  get liveCostUsd(): number {
    return this.tally.liveUsd;
  }

  /** Stops the run: kills the process tree; the outcome's reason is `stopped`. */
  async stop(why = 'stopped by the user'): Promise<RunOutcome> {
    if (this.state !== 'done') {
      this.stopRequested = why;
      this.state = 'stopping';
      await this.killTree();
    }
    return this.done;
  }

  private limits() {
    const r = this.deps.config.run;
    return {
      maxTurns: this.request.maxTurns ?? r.maxTurns,
      budgetUsd: this.request.budgetUsd ?? r.budgetUsd,
      timeoutMs: (this.request.timeoutSec ?? r.timeoutSec) * 1000,
      dailyBudgetUsd: this.deps.config.budget.dailyUsd,
    };
  }

  private async run(): Promise<RunOutcome> {
    await fs.promises.mkdir(path.dirname(this.transcriptLog.file), { recursive: true });
    const early = CircuitBreaker.canStart(this.breaker.limits, this.deps.spentElsewhereToday(this.id));
    if (early)
      return this.finish({ reason: early.reason, message: early.message, result: undefined, exitCode: undefined });
    const retries = this.request.retries ?? this.deps.config.run.retries;
    const stored = this.request.resume ? this.deps.sessions.get(this.request.taskId, this.agentId) : undefined;
    let prompt = this.request.prompt;
    let resumeId = stored && stored.cli === this.request.cli ? stored.sessionId : undefined;
    if (this.request.resume && !resumeId) {
      this.fire({
        type: 'fallback',
        message: `no stored ${this.request.cli} session for task ${this.request.taskId}: starting a fresh one`,
      });
      if (stored?.summary) prompt = seededPrompt(this.request, stored.summary, stored.lastOutcome);
    }
    try {
      this.guard = prepareGuard(this.host);
      this.launcher = await openSandbox(this.host);
    } catch (e) {
      if (!RunSetupError.is(e)) throw e;
      return this.finish({
        reason: 'refused',
        message: `F-MES did not start ${this.request.cli}: ${e.message}`,
        result: undefined,
        exitCode: undefined,
      });
    }
    let last: AttemptResult | undefined;
    let fallbackUsed = false;
    for (let failures = 0; ;) {
      last = await this.runAttempt(prompt, resumeId);
      if (
        last.reason === 'success' ||
        BREACHES.includes(last.reason) ||
        last.reason === 'stopped' ||
        last.reason === 'spawnFailed' ||
        last.reason === 'refused'
      )
        break;
      if (last.reason === 'sessionNotFound' && !fallbackUsed) {
        // The CLI lost the session (another machine, cleaned history): start anew, told what happened before.
        fallbackUsed = true;
        this.fire({
          type: 'fallback',
          message: `session ${resumeId} is unknown to ${this.request.cli}: starting a fresh session seeded with the earlier attempt's summary`,
        });
        prompt = seededPrompt(this.request, stored?.summary, stored?.lastOutcome);
        resumeId = undefined;
        continue;
      }
      if (++failures > retries) break;
      const delayMs = Math.min(30_000, 1000 * 2 ** (failures - 1));
      this.fire({ type: 'retry', attempt: this.attempt + 1, reason: last.reason, delayMs, message: last.message });
      await sleepUnless(delayMs, () => this.stopRequested !== undefined);
      if (this.stopRequested)
        return this.finish({
          reason: 'stopped',
          message: this.stopRequested,
          result: last.result,
          exitCode: last.exitCode,
        });
      // Retry with the error fed back, in the same session when there is one.
      prompt = `The previous attempt at this task failed: ${last.message}\nContinue the task and finish it.\n\n${this.request.prompt}`;
      resumeId = this.tally.sessionId ?? resumeId;
    }
    return this.finish(last);
  }

  /**
   * One process of the run, in named steps: build the invocation, spawn it and follow its streams, price it,
   * classify how it ended, and keep the session's outcome for a later resume.
   */
  private async runAttempt(prompt: string, resumeId: string | undefined): Promise<AttemptResult> {
    const a = this.beginAttempt(prompt, resumeId);
    const exit = await this.spawnAttempt(a);
    this.launcher?.afterAttempt();
    const costUsd = attemptCost(a, this.deps.adapter, this.deps.prices, this.tally.liveUsd);
    const sessionId = a.result?.sessionId ?? this.tally.sessionId;
    this.tally.sessionId = sessionId;
    await this.recordCost(sessionId, costUsd, a.result, a.usage, a.turns, a.lastModel, a.base);
    this.tally.liveUsd = 0;
    const { reason, message } = classifyAttempt(a, exit, {
      cli: this.request.cli,
      adapter: this.deps.adapter,
      breach: this.breaker.breach,
      stopRequested: this.stopRequested,
      redactor: this.redactor,
    });
    this.transcriptLog.write({
      fmes: 'attemptEnd',
      attempt: this.attempt,
      reason,
      message,
      exitCode: exit.exitCode,
      signal: exit.signal,
      costUsd,
    });
    // A session the CLI does not know keeps its stored summary: the fresh session is seeded from it.
    if (sessionId && reason !== 'sessionNotFound' && this.deps.sessions.get(this.request.taskId, this.agentId)) {
      await this.deps.sessions
        .setOutcome(
          this.request.taskId,
          this.agentId,
          reason,
          a.result?.text ? this.redactor.redact(a.result.text) : message,
        )
        .catch(() => undefined);
    }
    return { reason, message, result: a.result, exitCode: exit.exitCode };
  }

  /** Counts the attempt, then builds its command line (run/attempt.ts `beginAttempt`). */
  private beginAttempt(prompt: string, resumeId: string | undefined): Attempt {
    this.attempt++;
    this.state = 'running';
    return beginAttempt(this.host, { prompt, resumeId, attempt: this.attempt, guard: this.guard });
  }

  /** Runs the process to its end, following its streams; the circuit breaker's clock ticks meanwhile. */
  private async spawnAttempt(a: Attempt): Promise<AttemptExit> {
    this.proc = spawnAgent(
      this.launcher!.wrap({
        command: a.inv.command,
        args: a.inv.args,
        cwd: this.cwd,
        env: this.env,
        stdin: a.inv.stdin,
        onStdoutLine: (line) => onStdoutLine(this.host, a, line),
        onStderrLine: (line) => onStderrLine(this.host, a, line),
      }),
    );
    const timer = setInterval(() => this.checkBreach(this.breaker.onTime(this.deps.clock.now() - this.startMs)), 250);
    if (this.stopRequested) void this.killTree();
    try {
      const exit = await this.proc.exited;
      await this.killing;
      return exit;
    } finally {
      clearInterval(timer);
      this.proc = undefined;
      this.killing = undefined;
    }
  }

  /** A limit was crossed: said, and the process tree is killed. */
  private checkBreach(b: Breach | undefined): void {
    if (!b) return;
    this.fire({ type: 'breach', breach: b });
    this.deps.log.warn(`${this.request.taskId}: ${b.message}; killing the ${this.request.cli} process tree`);
    void this.killTree();
  }

  private async recordCost(
    sessionId: string | undefined,
    costUsd: number,
    result: AgentResult | undefined,
    usage: Usage,
    turns: number,
    model: string | undefined,
    base: number,
  ): Promise<void> {
    this.tally.loggedUsd += costUsd;
    // Nothing happened (the CLI never started, or died before its first reply): nothing to log.
    if (!sessionId || (costUsd === 0 && !(result?.turns ?? turns))) return;
    await logAttemptCost(
      this.deps,
      { agentId: this.agentId, taskId: this.request.taskId, cli: this.request.cli },
      { sessionId, costUsd, result, usage, turns, model, base },
    );
    this.fire({ type: 'cost', costUsd: this.costUsd, turns: this.tally.turns });
  }

  private killTree(): Promise<void> {
    // Between attempts there is nothing to kill; the run loop sees stopRequested.
    if (!this.proc) return Promise.resolve();
    this.killing ??= this.doKillTree();
    return this.killing;
  }

  private async doKillTree(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const t0 = Date.now();
    const r = await p.kill(this.deps.config.run.killGraceSec * 1000);
    this.fire({ type: 'killed', forced: r.forced, survivors: r.survivors, ms: Date.now() - t0 });
    if (r.survivors) this.deps.log.error(`${r.survivors} process(es) of ${this.request.taskId} survived SIGKILL`);
  }

  private finish(a: AttemptResult): RunOutcome {
    const outcome = runOutcome(this.host, a, { attempts: this.attempt, startedAt: this.startedAt });
    this.transcriptLog.write({ fmes: 'outcome', ...outcome });
    this.outcome = outcome;
    this.state = 'done';
    void this.launcher?.dispose();
    this.fire({ type: 'end', outcome });
    return outcome;
  }

  private fire(e: RunEvent): void {
    this.emitter.fire(e);
  }
}

function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const end = Date.now() + ms;
    const tick = () => (stop() || Date.now() >= end ? resolve() : setTimeout(tick, Math.min(100, end - Date.now())));
    tick();
  });
}
