import type { LockEntry } from '../sandbox/policy';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { FmesConfig } from '../config';
import { appendCostRecord } from '../cost/costWriter';
import { errorMessage } from '../errors';
import { Emitter } from '../event';
import type { Logger } from '../log';
import { spawnAgent, type SpawnedProcess } from '../proc/spawnAgent';
import { openRunSandbox, type RunLauncher } from '../sandbox/runSandbox';
import type { AgentAdapter } from './adapters';
import { CircuitBreaker, type Breach } from './breaker';
import { agentEnv } from './env';
import { openRunBroker, type RunBroker } from '../broker/runBroker';
import { lockBackendSettingsOf, lockConfigOf } from '../config';
import { codexHookArgs } from './cliHooks';
import { prepareGeminiHome } from './geminiHome';
import { hookSettings } from './hookSettings';
import { RunSetupError } from './runSetupError';
import { ToolAudit } from './toolAudit';
import { ApprovalStore } from '../safety/approvals';
import type { PriceTable } from './pricing';
import { Redactor } from '../../hot/safety/redact';
import type { RunEvent, RunOutcome, RunRequest, RunSnapshot, RunState } from './runTypes';
import type { SessionStore } from './sessionStore';
import {
  BREACHES,
  addUsage,
  zeroUsage,
  type AgentEvent,
  type AgentResult,
  type RunEndReason,
  type Usage,
} from './types';

export const RUNS_DIR = '.fmes/runs';

export interface AgentRunDeps {
  root: string;
  config: FmesConfig;
  adapter: AgentAdapter;
  sessions: SessionStore;
  prices: PriceTable;
  log: Logger;
  clock: Clock;
  /** Spend today outside this run: the day's cost log plus other live runs. */
  spentElsewhereToday(runId: string): number;
  parentEnv: Readonly<Record<string, string | undefined>>;
  /** How to start F-MES's hook (dist/hook.cjs); without it sessions get no F-MES hooks. */
  hook?: { script: string; node: string; electronAsNode?: boolean };
  /**
   * With a remote lock backend (Redis), its holders when the run starts: the sandbox makes them read-only beside
   * what `.locks/` and `.agent_lock` markers of this checkout hold.
   */
  remoteLocks?: () => Promise<LockEntry[]>;
}

interface AttemptResult {
  reason: RunEndReason;
  message: string;
  result: AgentResult | undefined;
  exitCode: number | undefined;
}

/** One attempt's state, shared by its steps (beginAttempt → spawnAttempt and the stream handlers → cost, end). */
interface Attempt {
  inv: ReturnType<AgentAdapter['buildInvocation']>;
  /** The session resumed, if any. */
  resumeId: string | undefined;
  /** The session's cumulative cost before this attempt (CLIs that report a running total). */
  base: number;
  parser: ReturnType<AgentAdapter['createParser']>;
  audit: ToolAudit;
  result: AgentResult | undefined;
  usage: Usage;
  lastModel: string | undefined;
  /** Turns of this attempt, as the stream numbers them. */
  turns: number;
  stderrTail: string[];
  lastSpentCheck: number;
  spentElsewhere: number;
}

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
  private readonly transcriptFile: string;
  private readonly startedAt: string;
  private readonly startMs: number;
  private sessionId: string | undefined;
  private loggedUsd = 0;
  private liveUsd = 0;
  private turns = 0;
  private attempt = 0;
  private outcome: RunOutcome | undefined;
  private readonly env: Record<string, string>;
  private readonly cwd: string;
  /** The run's broker (src/core/broker/): locks, approvals and audit from inside the run go through it. */
  private readonly broker: RunBroker | undefined;
  /** F-MES's guard for this run: Claude's settings file, Codex's hook arguments (Gemini's is in `env`). */
  private guard: { settingsFile?: string; extraArgs?: string[] } = {};
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
    this.transcriptFile = path.join(deps.root, RUNS_DIR, request.taskId, `${this.id}.jsonl`);
    const limits = this.limits();
    this.breaker = new CircuitBreaker(limits);
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
      sessionId: this.sessionId,
      costUsd: this.costUsd,
      turns: this.turns,
      attempt: this.attempt,
      startedAt: this.startedAt,
      outcome: this.outcome,
      sandboxed: this.launcher?.sandboxed,
    };
  }

  /** Cost so far: logged attempts plus the live estimate of the current one. */
  get costUsd(): number {
    return this.loggedUsd + this.liveUsd;
  }

  get liveCostUsd(): number {
    return this.liveUsd;
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
    await fs.promises.mkdir(path.dirname(this.transcriptFile), { recursive: true });
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
      this.guard = this.prepareGuard();
      this.launcher = await openRunSandbox({
        root: this.deps.root,
        cwd: this.cwd,
        cli: this.request.cli,
        agentId: this.agentId,
        command: this.deps.config.agents[this.request.cli].command,
        cliArgs: this.deps.config.agents[this.request.cli].args,
        declared: this.request.writable,
        readOnly: this.request.readOnly,
        remoteLocks: this.deps.remoteLocks,
        env: this.env,
        config: this.deps.config.sandbox,
        readBack: this.deps.hook ? [path.dirname(this.deps.hook.script), path.dirname(this.deps.hook.node)] : [],
        redactor: this.redactor,
        session: () => this.sessionId,
        keepDir: path.dirname(this.transcriptFile),
        keepPrefix: this.id,
        onNotice: (line) => {
          this.transcript({ fmes: 'sandbox', line });
          this.fire({ type: 'stderr', line: this.redactor.redact(line) });
        },
      });
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
      resumeId = this.sessionId ?? resumeId;
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
    // Cost of this attempt: the CLI's own figure when it has one (as a delta over the session's earlier
    // total), else tokens priced with the table.
    const costUsd = this.attemptCost(a);
    const sessionId = a.result?.sessionId ?? this.sessionId;
    this.sessionId = sessionId;
    await this.recordCost(sessionId, costUsd, a.result, a.usage, a.turns, a.lastModel, a.base);
    this.liveUsd = 0;
    const { reason, message } = this.classifyAttempt(a, exit);
    this.transcript({
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

  /** The attempt's command line (limits left, session new or resumed, F-MES's guard), announced and transcribed. */
  private beginAttempt(prompt: string, resumeId: string | undefined): Attempt {
    this.attempt++;
    this.state = 'running';
    const { adapter, config } = this.deps;
    const cfg = config.agents[this.request.cli];
    const newId = resumeId ? undefined : adapter.newSessionId();
    const model = this.request.model ?? (cfg.model || undefined);
    const remainingBudget = Math.max(0.01, this.breaker.limits.budgetUsd - this.loggedUsd);
    const inv = adapter.buildInvocation({
      prompt,
      maxTurns: Math.max(1, this.breaker.limits.maxTurns - this.turns),
      budgetUsd: Math.round(remainingBudget * 100) / 100,
      allowedTools: this.request.allowedTools ?? cfg.allowedTools,
      readOnly: this.request.readOnly,
      model,
      session: resumeId ? { mode: 'resume', id: resumeId } : { mode: 'new', id: newId },
      settingsFile: this.request.settingsFile ?? this.guard.settingsFile,
      extraArgs: this.guard.extraArgs,
      config: cfg,
    });
    this.sessionId = resumeId ?? newId;
    const base = this.sessionId ? (this.deps.sessions.get(this.request.taskId, this.agentId)?.totalCostUsd ?? 0) : 0;
    this.fire({
      type: 'attempt',
      attempt: this.attempt,
      command: inv.command,
      args: inv.args.map((x) => this.redactor.redact(x)),
      session: resumeId ? 'resume' : 'new',
      sessionId: this.sessionId,
      cwd: this.cwd,
    });
    this.transcript({
      fmes: 'attempt',
      attempt: this.attempt,
      command: inv.command,
      args: inv.args,
      session: resumeId ? 'resume' : 'new',
      sessionId: this.sessionId,
      at: new Date().toISOString(),
    });
    const audit = new ToolAudit({
      root: this.deps.root,
      cli: this.request.cli,
      agent: this.agentId,
      cwd: this.cwd,
      session: () => this.sessionId,
      redactor: this.redactor,
      onError: (e) => this.deps.log.warn(`audit: ${errorMessage(e)}`),
    });
    return {
      inv,
      resumeId,
      base,
      parser: adapter.createParser(model),
      audit,
      result: undefined,
      usage: zeroUsage(),
      lastModel: model,
      turns: 0,
      stderrTail: [],
      lastSpentCheck: 0,
      spentElsewhere: this.deps.spentElsewhereToday(this.id),
    };
  }

  /** Runs the process to its end, following its streams; the circuit breaker's clock ticks meanwhile. */
  private async spawnAttempt(a: Attempt): Promise<Awaited<SpawnedProcess['exited']>> {
    this.proc = spawnAgent(
      this.launcher!.wrap({
        command: a.inv.command,
        args: a.inv.args,
        cwd: this.cwd,
        env: this.env,
        stdin: a.inv.stdin,
        onStdoutLine: (line) => this.onStdoutLine(a, line),
        onStderrLine: (line) => this.onStderrLine(a, line),
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

  private onStdoutLine(a: Attempt, line: string): void {
    this.transcriptRaw(line);
    for (const ev of a.parser.parseLine(line)) {
      a.audit.onEvent(ev);
      this.launcher?.observe(ev);
      this.onAgentEvent(a, ev);
      this.fire({ type: 'agent', event: redactEvent(ev, this.redactor) });
    }
  }

  /** Session id, turns and spend as the stream reports them, each checked against the limits. */
  private onAgentEvent(a: Attempt, ev: AgentEvent): void {
    switch (ev.type) {
      case 'init':
        this.sessionId = ev.sessionId;
        a.lastModel = ev.model ?? a.lastModel;
        void this.deps.sessions
          .put(this.request.taskId, this.agentId, {
            cli: this.request.cli,
            sessionId: ev.sessionId,
            totalCostUsd: ev.sessionId === a.resumeId ? a.base : 0,
          })
          .catch((e: unknown) => this.deps.log.warn(`session store: ${errorMessage(e)}`));
        break;
      case 'turn':
        a.turns = ev.n;
        this.turns++;
        this.checkBreach(this.breaker.onTurn(this.turns));
        break;
      case 'usage': {
        a.usage = addUsage(a.usage, ev.usage);
        a.lastModel = ev.model ?? a.lastModel;
        this.liveUsd = this.deps.prices.costOf(a.usage, a.lastModel);
        const now = this.deps.clock.now();
        if (now - a.lastSpentCheck > 1000) {
          a.lastSpentCheck = now;
          a.spentElsewhere = this.deps.spentElsewhereToday(this.id);
        }
        this.fire({ type: 'cost', costUsd: this.costUsd, turns: this.turns });
        this.checkBreach(this.breaker.onCost(this.costUsd, a.spentElsewhere));
        break;
      }
      case 'result':
        a.result = ev.result;
        break;
      case 'unknown':
        this.deps.log.debug(`${this.request.cli} stream: ${ev.why}: ${this.redactor.redact(ev.line).slice(0, 200)}`);
        break;
      default:
        break;
    }
  }

  private onStderrLine(a: Attempt, line: string): void {
    const red = this.redactor.redact(line);
    a.stderrTail.push(red);
    if (a.stderrTail.length > 200) a.stderrTail.shift();
    this.transcript({ fmes: 'stderr', line: red });
    this.fire({ type: 'stderr', line: red });
  }

  /** A limit was crossed: said, and the process tree is killed. */
  private checkBreach(b: Breach | undefined): void {
    if (!b) return;
    this.fire({ type: 'breach', breach: b });
    this.deps.log.warn(`${this.request.taskId}: ${b.message}; killing the ${this.request.cli} process tree`);
    void this.killTree();
  }

  private attemptCost(a: Attempt): number {
    const { result } = a;
    if (result?.totalCostUsd !== undefined && this.deps.adapter.reportsCost) {
      return this.deps.adapter.cumulativeCost
        ? Math.max(0, result.totalCostUsd - (result.sessionId === a.resumeId ? a.base : 0))
        : result.totalCostUsd;
    }
    if (result?.modelUsage && Object.keys(result.modelUsage).length)
      return this.deps.prices.costOfModels(result.modelUsage);
    if (result?.usage) return this.deps.prices.costOf(result.usage, result.model ?? a.lastModel);
    return this.liveUsd;
  }

  /** How the attempt ended: could not start, a limit, a stop, a success, or the adapter's reading of the failure. */
  private classifyAttempt(
    a: Attempt,
    exit: Awaited<SpawnedProcess['exited']>,
  ): { reason: RunEndReason; message: string } {
    const { result } = a;
    const exitCode = exit.exitCode;
    const breach = this.breaker.breach;
    if (exit.spawnError)
      return { reason: 'spawnFailed', message: `could not start ${a.inv.command}: ${exit.spawnError}` };
    if (breach) return { reason: breach.reason, message: breach.message };
    if (this.stopRequested) return { reason: 'stopped', message: this.stopRequested };
    if (result?.ok && exitCode === 0)
      return { reason: 'success', message: `finished in ${result.turns ?? a.turns} turns` };
    const reason = this.deps.adapter.classifyFailure({ result, stderr: a.stderrTail.join('\n'), exitCode });
    const why =
      result?.text ??
      a.stderrTail
        .filter((l) => l.trim())
        .slice(-3)
        .join(' | ');
    const message = `${this.request.cli} ${reason === 'apiError' ? 'API error' : 'failed'}${exitCode !== undefined ? ` (exit ${exitCode}${exit.signal ? `, ${exit.signal}` : ''})` : ''}${why ? `: ${this.redactor.redact(why).slice(0, 500)}` : ''}`;
    return { reason, message };
  }

  /**
   * F-MES's hooks for the run (lock and deny-list enforcement, audit log), given without touching the user's
   * files: Claude through a per-run `--settings` file, Gemini through a per-workspace GEMINI_CLI_HOME overlay
   * (added to the run's environment), Codex through `-c hooks.*` arguments. None when the hook script is not
   * known or `safety.hooks` is off. Throws RunSetupError when the run cannot be guarded.
   */
  private prepareGuard(): { settingsFile?: string; extraArgs?: string[] } {
    const hook = this.deps.hook;
    if (!hook || !this.deps.config.safety.hooks) return {};
    const program = { node: hook.node, electronAsNode: hook.electronAsNode, hookScript: hook.script };
    switch (this.request.cli) {
      case 'claude': {
        const file = this.transcriptFile.replace(/\.jsonl$/, '.settings.json');
        const settings = hookSettings({ ...program, agent: this.agentId, workspace: this.deps.root });
        fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
        return { settingsFile: file };
      }
      case 'gemini':
        Object.assign(
          this.env,
          prepareGeminiHome({
            root: this.deps.root,
            cwd: this.cwd,
            env: this.env,
            args: this.deps.config.agents.gemini.args,
            hook: program,
          }),
        );
        return {};
      case 'codex':
        return { extraArgs: codexHookArgs(program) };
    }
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
    this.loggedUsd += costUsd;
    // Nothing happened (the CLI never started, or died before its first reply): nothing to log.
    if (!sessionId || (costUsd === 0 && !(result?.turns ?? turns))) return;
    const u = result?.usage ?? usage;
    // The new cumulative base: the CLI's figure, or (when the attempt was killed before its result) the old
    // base plus our estimate, so the next resume's delta does not count the killed part twice.
    const total = result?.totalCostUsd ?? base + costUsd;
    try {
      await appendCostRecord(this.deps.root, {
        ts: new Date(this.deps.clock.now()).toISOString(),
        agent: this.agentId,
        sessionId,
        taskId: this.request.taskId,
        costUsd,
        totalCostUsd: this.deps.adapter.cumulativeCost ? total : undefined,
        inputTokens: u.inputTokens,
        outputTokens: u.outputTokens,
        cacheReadTokens: u.cacheReadTokens,
        cacheWriteTokens: u.cacheWriteTokens,
        turns: result?.turns ?? turns,
        model: result?.model ?? model,
        source: this.request.cli,
      });
      const entry = this.deps.sessions.get(this.request.taskId, this.agentId);
      await this.deps.sessions.put(this.request.taskId, this.agentId, {
        ...(entry ?? {}),
        cli: this.request.cli,
        sessionId,
        totalCostUsd: this.deps.adapter.cumulativeCost ? total : 0,
        updatedAt: undefined,
      });
    } catch (e) {
      this.deps.log.error(`could not record the cost of ${this.request.taskId}: ${errorMessage(e)}`);
    }
    this.fire({ type: 'cost', costUsd: this.costUsd, turns: this.turns });
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
    const pendingApprovals = new ApprovalStore(this.deps.root)
      .list()
      .approvals.filter((x) => x.runId === this.id && x.status === 'pending')
      .map((x) => x.id);
    if (pendingApprovals.length && a.reason === 'success') {
      a = {
        ...a,
        reason: 'awaitingApproval',
        message: `waiting for approval of ${pendingApprovals.join(', ')} (fmes approve <id>, then resume the task)`,
      };
    }
    const outcome: RunOutcome = {
      runId: this.id,
      agentId: this.agentId,
      cli: this.request.cli,
      taskId: this.request.taskId,
      ok: a.reason === 'success',
      reason: a.reason,
      message: a.message,
      sessionId: this.sessionId,
      costUsd: this.loggedUsd,
      turns: this.turns,
      attempts: this.attempt,
      exitCode: a.exitCode,
      resultText: a.result?.text ? this.redactor.redact(a.result.text) : undefined,
      denials: a.result?.denials.length ?? 0,
      pendingApprovals,
      transcript: path.relative(this.deps.root, this.transcriptFile),
      startedAt: this.startedAt,
      finishedAt: new Date(this.deps.clock.now()).toISOString(),
    };
    this.transcript({ fmes: 'outcome', ...outcome });
    this.outcome = outcome;
    this.state = 'done';
    void this.launcher?.dispose();
    this.fire({ type: 'end', outcome });
    return outcome;
  }

  private fire(e: RunEvent): void {
    this.emitter.fire(e);
  }

  private transcript(obj: object): void {
    this.transcriptRaw(JSON.stringify(obj));
  }

  private transcriptRaw(line: string): void {
    try {
      fs.appendFileSync(this.transcriptFile, `${this.redactor.redact(line)}\n`);
    } catch (e) {
      this.deps.log.warn(`transcript ${this.transcriptFile}: ${errorMessage(e)}`);
    }
  }
}

function seededPrompt(req: RunRequest, summary: string | undefined, lastOutcome: string | undefined): string {
  const parts = [
    `You are continuing task ${req.taskId}. The earlier session could not be resumed, so this is a fresh session.`,
  ];
  if (lastOutcome) parts.push(`How the earlier attempt ended: ${lastOutcome}`);
  if (summary) parts.push(`What the earlier attempt reported:\n${summary}`);
  parts.push('Check the current state of the files before changing anything.', '', req.prompt);
  return parts.join('\n');
}

function redactEvent<E>(e: E, r: Redactor): E {
  return JSON.parse(r.redact(JSON.stringify(e))) as E;
}

function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const end = Date.now() + ms;
    const tick = () => (stop() || Date.now() >= end ? resolve() : setTimeout(tick, Math.min(100, end - Date.now())));
    tick();
  });
}
