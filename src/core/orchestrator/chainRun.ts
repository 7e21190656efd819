// One mission's way down its failover chain: its state, the snapshot it rolls back to, the request each
// agent's run gets, the attempt each run leaves on the mission's record, and what follows a failed run.
import type { RunOutcome, RunRequest } from '../agents/runTypes';
import { resolveCommit } from '../git/git';
import { rollback, takeSnapshot } from '../git/snapshot';
import type { MissionAttempt, MissionRecord, MissionStateName } from '../schemas/mission';
import type { Plan } from '../schemas/plan';
import type { MissionReview } from '../schemas/verify';
import { reviewFeedback } from '../verify/review';
import type { Classification } from './classify';
import { missionPrompt } from './missionPrompt';
import type { MissionDeps } from './missionTypes';

/** One mission's way down its failover chain. */
export interface ChainRun {
  plan: Plan;
  /** The plan file, workspace-relative. */
  planFile: string;
  c: Classification;
  /** Where the agents work: the shadow worktree or the main checkout. */
  cwd: string;
  /** What a failed run is rolled back to. */
  snapshotRef: string;
  worktree: boolean;
  signal?: AbortSignal;
  /** The CLI whose paused session continues (after an approval); the chain starts there. */
  resumeCli?: string;
}

/** The snapshot Roll Back returns to: the one kept from before a paused run, else a new one. */
export async function snapshotFor(
  task: string,
  cwd: string,
  kept: string | undefined,
): Promise<{ ref: string; commit: string }> {
  const commit = kept ? await resolveCommit(cwd, kept) : undefined;
  return kept && commit ? { ref: kept, commit } : takeSnapshot(cwd, `mission/${task}`);
}

export function requestFor(
  d: MissionDeps,
  o: ChainRun,
  a: { cli: string; agent: string; resume: boolean; earlier: readonly MissionAttempt[]; review?: MissionReview },
): RunRequest {
  const prompt = missionPrompt(o.plan, o.planFile, { earlier: [...a.earlier], worktree: o.worktree });
  return {
    cli: a.cli as RunRequest['cli'],
    agentId: a.agent,
    taskId: o.plan.meta.id,
    prompt: a.review ? `${reviewFeedback(a.review)}\n\n${prompt}` : prompt,
    cwd: o.cwd,
    maxTurns: o.c.limits.maxTurns,
    budgetUsd: o.c.limits.budgetUsd,
    timeoutSec: o.c.limits.timeoutSec,
    allowedTools: o.plan.meta.allowedTools,
    resume: a.resume,
    retries: d.config().orchestrator.retries,
    env: d.runEnv,
    // In place, the sandbox lets the agent write only the plan's files and its report's folder.
    writable: o.worktree ? undefined : [...o.plan.meta.files, '.claude/outbox'],
  };
}

/** The run as one of the mission's attempts. */
export function missionAttempt(a: { agent: string; cli: string; outcome: RunOutcome }): MissionAttempt {
  const { outcome } = a;
  return {
    agent: a.agent,
    cli: a.cli,
    runId: outcome.runId,
    ok: outcome.ok,
    reason: outcome.reason,
    message: outcome.message,
    costUsd: outcome.costUsd,
    turns: outcome.turns,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
  };
}

/**
 * After a failed run: a run waiting for approval stops the mission there (its changes stay for the resumed
 * session); any other failure is rolled back, then the mission stops (stopped), ends the chain (the day's
 * budget is spent for every agent) or tries the next agent. `m` records the mission's state and notes.
 */
export async function afterFailure(
  o: ChainRun,
  agent: string,
  outcome: RunOutcome,
  m: {
    set(task: string, state: MissionStateName, change: Partial<MissionRecord>): Promise<unknown>;
    note(taskId: string, message: string): void;
  },
): Promise<'stop' | 'endChain' | 'nextAgent'> {
  const task = o.plan.meta.id;
  if (outcome.reason === 'awaitingApproval') {
    await m.set(task, 'awaitingApproval', {
      reason: `${agent} waits for approval of ${outcome.pendingApprovals.join(', ')} (fmes approve <id>, then run the mission again)`,
      approval: outcome.pendingApprovals[0],
    });
    return 'stop';
  }
  const back = await rollback(o.cwd, { ref: o.snapshotRef });
  m.note(
    task,
    `${agent} failed (${outcome.reason}: ${outcome.message}); rolled back ${back.restored.length} file(s)${back.movedAside.length ? `, moved ${back.movedAside.length} new file(s) to ${back.trash}` : ''}`,
  );
  if (outcome.reason === 'stopped') {
    await m.set(task, 'rolledBack', { reason: outcome.message });
    return 'stop';
  }
  return outcome.reason === 'dailyBudget' ? 'endChain' : 'nextAgent';
}
