import { z } from 'zod';
import { agentId, isoDateTime, taskId } from './common';

/** Which agent CLI produced the figures; decides how its token fields were mapped. */
export const costSourceSchema = z.enum(['claude', 'gemini', 'codex', 'other']);
export type CostSource = z.infer<typeof costSourceSchema>;

const tokens = z.number().int().nonnegative();

/**
 * One line of `.claude/cost_logs/<YYYY-MM-DD>.jsonl`: the cost of one agent run (or one step of a resumed
 * session). Lines are only ever appended, so summing `costUsd` over a day's file gives that day's spend.
 * Unknown fields are dropped.
 */
export const costRecordSchema = z.object({
  /** When the cost was recorded. */
  ts: isoDateTime,
  /** The agent that spent it. */
  agent: agentId,
  /** The agent CLI's session id; with `totalCostUsd` it lets a reader check the deltas of one session. */
  sessionId: z.string().min(1),
  /** The task the run worked on, when there was one. */
  taskId: taskId.optional(),
  /**
   * This run's cost in US dollars: a delta, never the CLI's running total. CLIs that resume a session
   * report the session's cumulative cost, and summing those would count earlier runs again.
   */
  costUsd: z.number().nonnegative(),
  /** The CLI's cumulative figure for the session that `costUsd` was derived from, kept for auditing. */
  totalCostUsd: z.number().nonnegative().optional(),
  /** Prompt tokens that were not served from the cache. */
  inputTokens: tokens.optional(),
  /** Completion tokens. */
  outputTokens: tokens.optional(),
  /** Prompt tokens read from the provider's cache. */
  cacheReadTokens: tokens.optional(),
  /** Prompt tokens written to the provider's cache. */
  cacheWriteTokens: tokens.optional(),
  /** Model turns in this run. */
  turns: z.number().int().nonnegative().optional(),
  /** The model name as the CLI reported it. */
  model: z.string().min(1).optional(),
  /** Which CLI produced the line; `other` when unknown. */
  source: costSourceSchema.default('other'),
});

/** A parsed cost log line, with defaults filled in. */
export type CostRecord = z.output<typeof costRecordSchema>;
/** What a writer appends (defaulted fields optional). */
export type CostRecordInput = z.input<typeof costRecordSchema>;
