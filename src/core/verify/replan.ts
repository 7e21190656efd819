import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { AgentKind } from '../agents/types';
import { parsePlan } from '../artifacts/parseArtifact';
import { ArtifactError, errorMessage } from '../errors';
import { writeNewFileAtomic } from '../fs/atomicWrite';
import type { PostRunContext } from '../orchestrator/postRun/postRunStep';
import type { MissionAttempt } from '../schemas/mission';
import type { Plan } from '../schemas/plan';
import { askAgent } from './agentAnswer';

/** The id and file of the n-th re-plan of `rootId` (the first mission's task id). */
export function replanName(rootId: string, n: number): { id: string; file: string } {
  const id = `${rootId}-r${n}`;
  return { id, file: `.antigravity/plans/${id}.md` };
}

/** The markdown of a plan in an answer: the whole answer, or the one fenced block that holds the front matter. */
export function planText(answer: string): string {
  const fenced = /```(?:markdown|md)?\s*\n(---\n[\s\S]*?)```/.exec(answer);
  const text = fenced ? fenced[1] : answer.slice(Math.max(0, answer.indexOf('---\n')));
  return text.trim() + '\n';
}

/** The planner's prompt: the plan, what each attempt did wrong and the tail of its log, and the form to answer in. */
export function replanPrompt(o: {
  plan: Plan;
  planFile: string;
  id: string;
  attempts: readonly MissionAttempt[];
  logs: string;
}): string {
  return [
    'You are the planner. Every coding agent failed the plan below. Write a revised plan that can succeed: a',
    'smaller or clearer task, other files, a different approach, whatever the errors point to.',
    '',
    `The plan (${o.planFile}):`,
    '```markdown',
    `id: ${o.plan.meta.id}; title: ${o.plan.meta.title}; files: ${o.plan.meta.files.join(', ')}; risk: ${o.plan.meta.risk}`,
    o.plan.body,
    '```',
    '',
    'The attempts:',
    ...o.attempts.map((a) => `- ${a.agent} (${a.cli}): ${a.reason}: ${a.message}`),
    '',
    'The end of their logs:',
    '```',
    o.logs || '(none)',
    '```',
    '',
    'Answer with the revised plan file only: YAML front matter between --- lines, then the instructions in markdown.',
    `The front matter must have id: ${o.id}, title, files (workspace-relative paths), risk (low|medium|high), rollback.`,
  ].join('\n');
}

/** The last `max` characters of each attempt's transcript, for the planner. */
export function attemptLogs(root: string, task: string, attempts: readonly MissionAttempt[], max = 3000): string {
  return attempts
    .map((a) => {
      const file = path.join(root, '.fmes', 'runs', task, `${a.runId}.jsonl`);
      try {
        const text = fs.readFileSync(file, 'utf8');
        return `# ${a.agent}\n${text.slice(-max)}`;
      } catch {
        return '';
      }
    })
    .filter(Boolean)
    .join('\n');
}

/**
 * Asks the planner for a revised plan and writes it to `.antigravity/plans/<root>-r<n>.md` once it is valid like
 * any plan and carries the expected id (never over an existing file). Returns the file, or why there is none.
 */
export async function writeReplan(
  ctx: Pick<PostRunContext, 'plan' | 'cwd' | 'startRun' | 'runEnv'> & { root: string },
  o: {
    planner: AgentKind;
    planFile: string;
    rootId: string;
    n: number;
    attempts: readonly MissionAttempt[];
    /** Told the file (absolute) and its text before it is written: the caller runs it, not the plan loop. */
    claim?: (file: string, text: string) => void;
  },
): Promise<{ file: string; plan: Plan } | { problem: string }> {
  const { id, file } = replanName(o.rootId, o.n);
  let checked: Plan | undefined;
  const schema = z.string().superRefine((text, c) => {
    const r = parsePlan(text, file);
    if (!r.ok) return c.addIssue({ code: 'custom', message: r.error.message });
    if (r.value.meta.id !== id) return c.addIssue({ code: 'custom', message: `${file}: id: must be ${id}` });
    checked = r.value;
  });
  const logs = attemptLogs(ctx.root, ctx.plan.meta.id, o.attempts);
  const r = await askAgent(ctx, {
    cli: o.planner,
    role: 'replan',
    prompt: replanPrompt({ plan: ctx.plan, planFile: o.planFile, id, attempts: o.attempts, logs }),
    schema,
    read: planText,
  });
  if (!r.ok || !r.answer || !checked) return { problem: r.message };
  try {
    o.claim?.(path.join(ctx.root, file), r.answer);
    await writeNewFileAtomic(path.join(ctx.root, file), r.answer);
  } catch (e) {
    return { problem: `could not write ${file}: ${ArtifactError.is(e) ? e.message : errorMessage(e)}` };
  }
  return { file, plan: checked };
}
