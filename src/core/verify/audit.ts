import type { AgentKind } from '../agents/types';
import type { PostRunContext } from '../orchestrator/postRun/postRunStep';
import { auditAnswerSchema, type RulesCheck } from '../schemas/verify';
import { askAgent } from './agentAnswer';
import { missionDiffText } from './missionDiff';
import type { Rule, RuleViolation } from './rulesSchema';

/** The audit agent's prompt: the free-text rules, the diff, and the exact JSON to answer with. */
export function auditPrompt(rules: readonly Rule[], diff: string): string {
  return [
    "You audit a code change against a team's architecture rules. Do not edit any file; only answer.",
    '',
    'Rules (id: rule):',
    ...rules.map((r) => `- ${r.id}: ${r.text} (${r.message})`),
    '',
    'The change (git diff):',
    '```diff',
    diff,
    '```',
    '',
    'Answer with one JSON object and nothing else:',
    '{"findings": [{"rule": "<rule id>", "file": "<path from the diff>", "line": <line in the new file>, "message": "<what breaks the rule>"}]}',
    'An empty "findings" array means the change keeps every rule.',
  ].join('\n');
}

/**
 * Asks the audit agent about the free-text rules. Findings on rules it was not given, or on files the mission
 * did not change, are dropped (a model's invention is not a violation); a failed run or a bad answer is
 * `audit.ok: false`, which holds the mission.
 */
export async function runAudit(
  ctx: PostRunContext,
  cli: AgentKind,
  rules: readonly Rule[],
): Promise<{ violations: RuleViolation[]; audit: NonNullable<RulesCheck['audit']> }> {
  const diff = await missionDiffText(ctx);
  const r = await askAgent(ctx, { cli, role: 'audit', prompt: auditPrompt(rules, diff), schema: auditAnswerSchema });
  const byId = new Map(rules.map((x) => [x.id, x]));
  const violations = (r.answer?.findings ?? []).flatMap((f) => {
    const rule = byId.get(f.rule);
    if (!rule || !ctx.changed.includes(f.file)) return [];
    return [{ rule: rule.id, message: `${rule.message} — ${f.message}`, file: f.file, line: f.line }];
  });
  return { violations, audit: { agent: r.agent, runId: r.runId, ok: r.ok, message: r.message } };
}
