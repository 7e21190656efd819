import { planPrompt } from '../agents/planPrompt';
import type { Plan } from '../schemas/plan';
import type { MissionAttempt } from '../schemas/mission';

/**
 * The prompt an agent gets for a mission: the plan, the report protocol (the seeds' handshake: the agent says
 * it is done by writing `.claude/outbox/report.json`), and, on failover, what the agents before it tried.
 */
export function missionPrompt(
  plan: Plan,
  planFile: string,
  o: { earlier?: readonly MissionAttempt[]; worktree?: boolean } = {},
): string {
  const parts = [planPrompt(plan, planFile)];
  if (o.earlier?.length) {
    const lines = o.earlier.map((a) => `- ${a.agent}: ${a.reason}: ${a.message}`);
    parts.push(
      `Earlier attempts at this task failed and their changes were rolled back:\n${lines.join('\n')}\nAvoid what made them fail.`,
    );
  }
  parts.push(
    [
      'When you are done (or cannot go on), write the report file `.claude/outbox/report.json` (create the folder) with this JSON:',
      `{"agent": "<your agent id>", "taskId": "${plan.meta.id}", "status": "success|failure|partial", "summary": "<what you did and what is left>",`,
      ' "changedFiles": ["<workspace-relative paths you changed>"], "tests": {"run": 0, "passed": 0, "failed": 0},',
      ' "startedAt": "<ISO time>", "finishedAt": "<ISO time>"}',
      'Leave out "tests" when you ran none.' +
        (o.worktree ? ' You work in a shadow git worktree; do not commit, F-MES commits your changes.' : ''),
    ].join('\n'),
  );
  return parts.join('\n\n');
}
