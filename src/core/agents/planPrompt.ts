import type { Plan } from '../schemas/plan';
import type { RunRequest } from './runTypes';

/** The prompt an agent gets for a plan: the plan's instructions, framed by its scope and its way back. */
export function planPrompt(plan: Plan, planFile: string): string {
  const m = plan.meta;
  return [
    `Task ${m.id}: ${m.title}`,
    `(plan: ${planFile}; risk: ${m.risk}${m.type ? `; type: ${m.type}` : ''})`,
    '',
    `Only change these paths (a trailing / is a folder): ${m.files.join(', ')}.`,
    'Other agents may be working in this repository: do not touch files outside that list.',
    `If the change goes wrong, the rollback is: ${m.rollback}`,
    '',
    plan.body,
  ].join('\n');
}

/** Run limits and tools a plan asks for, as a run request (the caller adds cli, cwd and env). */
export function planRunRequest(
  plan: Plan,
  planFile: string,
): Pick<RunRequest, 'taskId' | 'prompt' | 'maxTurns' | 'budgetUsd' | 'timeoutSec' | 'allowedTools'> {
  const m = plan.meta;
  return {
    taskId: m.id,
    prompt: planPrompt(plan, planFile),
    maxTurns: m.maxTurns,
    budgetUsd: m.budgetUsd,
    timeoutSec: m.timeoutSec,
    allowedTools: m.allowedTools,
  };
}
