import { AGENT_KINDS, type AgentKind } from '../agents/types';
import type { OrchestratorConfig } from '../config';
import type { PostRunContext } from '../orchestrator/postRun/postRunStep';
import type { MissionReview } from '../schemas/verify';
import { reviewAnswerSchema } from '../schemas/verify';
import { askAgent } from './agentAnswer';
import { missionDiffText } from './missionDiff';

const isAgentKind = (s: string | undefined): s is AgentKind => (AGENT_KINDS as readonly string[]).includes(s ?? '');

/**
 * Who reviews a mission written by `author`: the configured agent, or with `auto` the first of the mission's
 * chain (then the orchestrator's) that is another vendor. Undefined when no review is configured; `sameVendor`
 * when the only choice is the author's own vendor, which is no cross-model review.
 */
export function pickReviewer(
  cfg: OrchestratorConfig['review'],
  author: string | undefined,
  chain: readonly string[],
): AgentKind | 'sameVendor' | undefined {
  if (cfg.agent === '') return undefined;
  if (cfg.agent !== 'auto') return cfg.agent === author ? 'sameVendor' : cfg.agent;
  const other = [...chain, ...AGENT_KINDS].find((c) => isAgentKind(c) && c !== author);
  return isAgentKind(other) ? other : 'sameVendor';
}

/** The reviewer's prompt: the plan, the diff, the author's report, and the JSON to answer with. */
export function reviewPrompt(ctx: PostRunContext, diff: string): string {
  const { meta, body } = ctx.plan;
  const report = ctx.collected.report;
  return [
    "You review another AI agent's change before it is merged. Do not edit any file; only answer.",
    '',
    `The plan (${meta.id}: ${meta.title}); declared files: ${meta.files.join(', ')}`,
    body,
    '',
    `The author's report (${report.status}): ${report.summary}`,
    '',
    'The change (git diff):',
    '```diff',
    diff,
    '```',
    '',
    'Answer with one JSON object and nothing else:',
    '{"verdict": "approve" | "request_changes", "summary": "<one paragraph>", "comments": [{"file": "<path>", "line": <line in the new file>, "message": "<what to change and why>"}]}',
    'Request changes only for real problems (bugs, the plan not done, broken rules); comments say where.',
  ].join('\n');
}

/** The author's CLI: the one whose successful run the mission ends with. */
export function authorOf(ctx: PostRunContext): string | undefined {
  return ctx.record.attempts.filter((a) => a.ok).at(-1)?.cli;
}

/**
 * Asks the reviewer. Comments on files the mission did not change are kept but say so (a reviewer may point at
 * what is missing). A run that fails or an answer that does not parse is `undefined` with the reason.
 */
export async function runReview(
  ctx: PostRunContext,
  reviewer: AgentKind,
  rounds: number,
): Promise<{ review?: MissionReview; problem?: string; costUsd: number }> {
  const diff = await missionDiffText(ctx);
  const r = await askAgent(ctx, {
    cli: reviewer,
    role: 'review',
    prompt: reviewPrompt(ctx, diff),
    schema: reviewAnswerSchema,
  });
  if (!r.ok || !r.answer) return { problem: r.message, costUsd: r.costUsd };
  return { review: { ...r.answer, agent: r.agent, runId: r.runId, rounds }, costUsd: r.costUsd };
}

/** What the author is told in the review round: the reviewer's verdict and each comment with its place. */
export function reviewFeedback(review: MissionReview): string {
  return [
    `A reviewer (${review.agent}) read your change to this task and requests changes. Address each comment, update the`,
    'report, and keep everything else as it is.',
    review.summary ? `Summary: ${review.summary}` : '',
    ...review.comments.map((c) => `- ${c.file}:${c.line}: ${c.message}`),
  ]
    .filter(Boolean)
    .join('\n');
}
