// One attempt of a run: the state its steps share, how it begins (its command line, announced and
// transcribed), and how its end is read (what it cost, why it ended).
import { errorMessage } from '../../errors';
import type { SpawnedProcess } from '../../proc/spawnAgent';
import type { Redactor } from '../../../hot/safety/redact';
import type { AgentAdapter } from '../adapters';
import type { Breach } from '../breaker';
import type { PriceTable } from '../pricing';
import { ToolAudit } from '../toolAudit';
import { zeroUsage, type AgentResult, type RunEndReason, type Usage } from '../types';
import type { RunHost } from './runContext';
import type { RunGuard } from './runSetup';

export interface AttemptResult {
  reason: RunEndReason;
  message: string;
  result: AgentResult | undefined;
  exitCode: number | undefined;
}

/** One attempt's state, shared by its steps (beginAttempt → spawnAttempt and the stream handlers → cost, end). */
export interface Attempt {
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

export type AttemptExit = Awaited<SpawnedProcess['exited']>;

/** The attempt's command line (limits left, session new or resumed, F-MES's guard), announced and transcribed. */
export function beginAttempt(
  h: RunHost,
  o: { prompt: string; resumeId: string | undefined; attempt: number; guard: RunGuard },
): Attempt {
  const { prompt, resumeId, guard } = o;
  const { adapter, config } = h.deps;
  const cfg = config.agents[h.request.cli];
  const newId = resumeId ? undefined : adapter.newSessionId();
  const model = h.request.model ?? (cfg.model || undefined);
  const remainingBudget = Math.max(0.01, h.breaker.limits.budgetUsd - h.tally.loggedUsd);
  const inv = adapter.buildInvocation({
    prompt,
    maxTurns: Math.max(1, h.breaker.limits.maxTurns - h.tally.turns),
    budgetUsd: Math.round(remainingBudget * 100) / 100,
    allowedTools: h.request.allowedTools ?? cfg.allowedTools,
    readOnly: h.request.readOnly,
    model,
    session: resumeId ? { mode: 'resume', id: resumeId } : { mode: 'new', id: newId },
    settingsFile: h.request.settingsFile ?? guard.settingsFile,
    extraArgs: guard.extraArgs,
    config: cfg,
  });
  h.tally.sessionId = resumeId ?? newId;
  const base = h.tally.sessionId ? (h.deps.sessions.get(h.request.taskId, h.agentId)?.totalCostUsd ?? 0) : 0;
  h.fire({
    type: 'attempt',
    attempt: o.attempt,
    command: inv.command,
    args: inv.args.map((x) => h.redactor.redact(x)),
    session: resumeId ? 'resume' : 'new',
    sessionId: h.tally.sessionId,
    cwd: h.cwd,
  });
  h.transcript.write({
    fmes: 'attempt',
    attempt: o.attempt,
    command: inv.command,
    args: inv.args,
    session: resumeId ? 'resume' : 'new',
    sessionId: h.tally.sessionId,
    at: new Date().toISOString(),
  });
  const audit = new ToolAudit({
    root: h.deps.root,
    cli: h.request.cli,
    agent: h.agentId,
    cwd: h.cwd,
    session: () => h.tally.sessionId,
    redactor: h.redactor,
    onError: (e) => h.deps.log.warn(`audit: ${errorMessage(e)}`),
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
    spentElsewhere: h.deps.spentElsewhereToday(h.runId),
  };
}

/**
 * Cost of the attempt: the CLI's own figure when it has one (as a delta over the session's earlier total), else
 * tokens priced with the table, else the live estimate.
 */
export function attemptCost(a: Attempt, adapter: AgentAdapter, prices: PriceTable, liveUsd: number): number {
  const { result } = a;
  if (result?.totalCostUsd !== undefined && adapter.reportsCost) {
    return adapter.cumulativeCost
      ? Math.max(0, result.totalCostUsd - (result.sessionId === a.resumeId ? a.base : 0))
      : result.totalCostUsd;
  }
  if (result?.modelUsage && Object.keys(result.modelUsage).length) return prices.costOfModels(result.modelUsage);
  if (result?.usage) return prices.costOf(result.usage, result.model ?? a.lastModel);
  return liveUsd;
}

/** How the attempt ended: could not start, a limit, a stop, a success, or the adapter's reading of the failure. */
export function classifyAttempt(
  a: Attempt,
  exit: AttemptExit,
  run: {
    cli: string;
    adapter: AgentAdapter;
    breach: Breach | undefined;
    stopRequested: string | undefined;
    redactor: Redactor;
  },
): { reason: RunEndReason; message: string } {
  const { result } = a;
  const exitCode = exit.exitCode;
  const breach = run.breach;
  if (exit.spawnError)
    return { reason: 'spawnFailed', message: `could not start ${a.inv.command}: ${exit.spawnError}` };
  if (breach) return { reason: breach.reason, message: breach.message };
  if (run.stopRequested) return { reason: 'stopped', message: run.stopRequested };
  if (result?.ok && exitCode === 0)
    return { reason: 'success', message: `finished in ${result.turns ?? a.turns} turns` };
  const reason = run.adapter.classifyFailure({ result, stderr: a.stderrTail.join('\n'), exitCode });
  const why =
    result?.text ??
    a.stderrTail
      .filter((l) => l.trim())
      .slice(-3)
      .join(' | ');
  const message = `${run.cli} ${reason === 'apiError' ? 'API error' : 'failed'}${exitCode !== undefined ? ` (exit ${exitCode}${exit.signal ? `, ${exit.signal}` : ''})` : ''}${why ? `: ${run.redactor.redact(why).slice(0, 500)}` : ''}`;
  return { reason, message };
}
