import type { z } from 'zod';
import type { AgentKind } from '../agents/types';
import { ArtifactError, errorMessage } from '../errors';
import type { PostRunContext } from '../orchestrator/postRun/postRunStep';
import { toArtifactIssues } from '../schemas/common';
import { worktreeChanges, worktreeState } from './worktreeGuard';
import { schemaText } from '../i18n/schemaText';

/**
 * The JSON object in an agent's final text: the last ```json fence, else the outermost `{…}`. Models wrap
 * answers in prose and fences however they like; the schema, not the wrapping, decides.
 */
export function extractJson(text: string): unknown {
  const fences = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)];
  const candidates = [
    ...fences.reverse().map((m) => m[1]),
    text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1),
    text,
  ];
  for (const c of candidates) {
    if (!c.trim()) continue;
    try {
      return JSON.parse(c);
    } catch {
      // try the next candidate
    }
  }
  throw new ArtifactError('syntax', 'answer', [{ field: '', message: schemaText('noJsonInAnswer') }]);
}

function parseValue<T extends z.ZodType>(value: unknown, schema: T, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ArtifactError('schema', what, toArtifactIssues(r.error));
  return r.data;
}

/** Parses an agent's answer against `schema`; an ArtifactError names `what` and each bad field. */
export function parseAnswer<T extends z.ZodType>(text: string, schema: T, what: string): z.output<T> {
  let json: unknown;
  try {
    json = extractJson(text);
  } catch {
    throw new ArtifactError('syntax', what, [{ field: '', message: schemaText('noJsonInAnswer') }]);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new ArtifactError('schema', what, toArtifactIssues(r.error));
  return r.data;
}

export interface AskResult<T> {
  agent: string;
  runId?: string;
  ok: boolean;
  /** One line for people: what came back, or why nothing usable did. */
  message: string;
  answer?: T;
  costUsd: number;
}

/**
 * One question to an agent as a run of its own (`<cli>@<task>-<role>`: cost log, breaker, sandbox and audit
 * like any mission run), answered in JSON that `schema` validates. Never throws: a failed run or an answer
 * that does not parse is a result with `ok: false`, which the caller turns into a hold.
 */
export async function askAgent<T extends z.ZodType>(
  ctx: Pick<PostRunContext, 'plan' | 'cwd' | 'startRun' | 'runEnv'>,
  q: {
    cli: AgentKind;
    role: string;
    prompt: string;
    schema: T;
    maxTurns?: number;
    /** Turns the final text into the value the schema checks (default: the JSON object in it). */
    read?: (text: string) => unknown;
  },
): Promise<AskResult<z.output<T>>> {
  const task = ctx.plan.meta.id;
  const agent = `${q.cli}@${task}-${q.role}`.slice(0, 64);
  if (!ctx.startRun) return { agent, ok: false, message: 'no agent runner here', costUsd: 0 };
  try {
    // Fail closed: the CLI's read-only mode is the first guard, this comparison the second. A reader that changed
    // the worktree anyway (a tool the read-only list missed, a shell) has its answer voided.
    const before = await worktreeState(ctx.cwd);
    const run = await ctx.startRun({
      cli: q.cli,
      agentId: agent,
      taskId: `${task}-${q.role}`.slice(0, 64),
      prompt: q.prompt,
      cwd: ctx.cwd,
      maxTurns: q.maxTurns ?? 4,
      env: ctx.runEnv,
      readOnly: true,
    });
    const outcome = await run.done;
    const base = { agent, runId: outcome.runId, costUsd: outcome.costUsd };
    const touched = worktreeChanges(before, await worktreeState(ctx.cwd));
    if (touched.length)
      return {
        ...base,
        ok: false,
        message: `${q.role} by ${agent} is void: it changed the worktree, which it may only read (${touched.join(', ')})`,
      };
    if (!outcome.ok)
      return { ...base, ok: false, message: `${q.role} run failed: ${outcome.reason}: ${outcome.message}` };
    try {
      const what = `${q.role} answer of ${agent}`;
      const answer = q.read
        ? parseValue(q.read(outcome.resultText ?? ''), q.schema, what)
        : parseAnswer(outcome.resultText ?? '', q.schema, what);
      return { ...base, ok: true, message: `${q.role} by ${agent}`, answer };
    } catch (e) {
      return { ...base, ok: false, message: errorMessage(e) };
    }
  } catch (e) {
    return { agent, ok: false, message: `${q.role} could not start: ${errorMessage(e)}`, costUsd: 0 };
  }
}
