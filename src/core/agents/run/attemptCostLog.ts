// An attempt's cost, written down: a line in the day's cost log and the session's new cumulative total.
import { appendCostRecord } from '../../cost/costWriter';
import { errorMessage } from '../../errors';
import type { AgentResult, AgentKind, Usage } from '../types';
import type { AgentRunDeps } from './runDeps';

/** Logs the attempt's cost and keeps the session's total for the next resume; a failure is logged, never thrown. */
export async function logAttemptCost(
  deps: AgentRunDeps,
  run: { agentId: string; taskId: string; cli: AgentKind },
  a: {
    sessionId: string;
    costUsd: number;
    result: AgentResult | undefined;
    usage: Usage;
    turns: number;
    model: string | undefined;
    base: number;
  },
): Promise<void> {
  const { sessionId, costUsd, result, turns, model, base } = a;
  const u = result?.usage ?? a.usage;
  // The new cumulative base: the CLI's figure, or (when the attempt was killed before its result) the old
  // base plus our estimate, so the next resume's delta does not count the killed part twice.
  const total = result?.totalCostUsd ?? base + costUsd;
  try {
    await appendCostRecord(deps.root, {
      ts: new Date(deps.clock.now()).toISOString(),
      agent: run.agentId,
      sessionId,
      taskId: run.taskId,
      costUsd,
      totalCostUsd: deps.adapter.cumulativeCost ? total : undefined,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheReadTokens: u.cacheReadTokens,
      cacheWriteTokens: u.cacheWriteTokens,
      turns: result?.turns ?? turns,
      model: result?.model ?? model,
      source: run.cli,
    });
    const entry = deps.sessions.get(run.taskId, run.agentId);
    await deps.sessions.put(run.taskId, run.agentId, {
      ...(entry ?? {}),
      cli: run.cli,
      sessionId,
      totalCostUsd: deps.adapter.cumulativeCost ? total : 0,
      updatedAt: undefined,
    });
  } catch (e) {
    deps.log.error(`could not record the cost of ${run.taskId}: ${errorMessage(e)}`);
  }
}
