import { z } from 'zod';
import { agentId, isoDateTime, taskId } from './common';

export const handoffStatusSchema = z.enum([
  /** The orchestrator gave up on the task and a person must decide. */
  'needs-human',
  /** A person dealt with it; the orchestrator may pick the task up again. */
  'resolved',
]);
export type HandoffStatus = z.infer<typeof handoffStatusSchema>;

/**
 * The YAML front matter of `handoff.md` / `HANDOFF_REPORT.md`: written when automated attempts at a task
 * are exhausted, so a person can take over. Unknown keys are dropped.
 */
export const handoffMetaSchema = z.object({
  /** The task being handed over. */
  taskId,
  /** Whether it still waits for a person. */
  status: handoffStatusSchema,
  /** When the handoff was written. */
  createdAt: isoDateTime,
  /** Why automation stopped (the last failure, a budget, a conflict), in one line or a short paragraph. */
  reason: z.string().refine((s) => s.trim() !== '', 'must not be blank'),
  /** How many automated runs were tried. */
  attempts: z.number().int().nonnegative(),
  /** The agents that tried, in order. */
  agents: z.array(agentId).default([]),
  /** What all the attempts cost together, in US dollars. */
  costUsd: z.number().nonnegative().optional(),
});

/** Parsed handoff front matter, with defaults filled in. */
export type HandoffMeta = z.output<typeof handoffMetaSchema>;
export type HandoffMetaInput = z.input<typeof handoffMetaSchema>;

/** A handoff file: front matter plus the trimmed markdown body (what was tried, what a person should look at). */
export type Handoff = { meta: HandoffMeta; body: string };
