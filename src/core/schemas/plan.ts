import { z } from 'zod';
import { agentId, relPath, taskId } from './common';
import { schemaError, schemaText } from '../i18n/schemaText';

/** A string that must hold more than whitespace (one issue for empty and blank alike). */
const nonBlank = (max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .max(max)
    .refine((v) => v.trim() !== '', 'must not be blank');

/**
 * The markdown after the front matter of a plan or handoff. Surrounding whitespace is trimmed, so what
 * readers see does not depend on how many blank lines the writer left after the closing `---`.
 */
export const markdownBody = z.string().trim().min(1, schemaError('notEmpty'));

export const planRiskSchema = z.enum(['low', 'medium', 'high']);
export type PlanRisk = z.infer<typeof planRiskSchema>;

export const planComplexitySchema = z.enum(['trivial', 'small', 'medium', 'large']);
export type PlanComplexity = z.infer<typeof planComplexitySchema>;

/** Hosts a proof page may be on: the app F-MES starts in the worktree, never a page elsewhere. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Visual proof: after the run F-MES starts the app in the worktree with `start`, opens `url` in Chromium, waits
 * for `waitFor` (text on the page or a CSS selector) and compares a screenshot with the same page on the base.
 */
export const planProofSchema = z.strictObject({
  /** A shell command that serves the app (`npm run dev`); it runs in the worktree and is killed afterwards. */
  start: nonBlank(2000),
  /** The page, on this machine only (127.0.0.1, localhost or [::1]). */
  url: z
    .string()
    .max(2000)
    .refine((u) => {
      try {
        const x = new URL(u);
        return (x.protocol === 'http:' || x.protocol === 'https:') && LOOPBACK.has(x.hostname);
      } catch {
        return false;
      }
    }, 'must be an http(s) URL on 127.0.0.1, localhost or [::1]'),
  /** Text on the page or a CSS selector that says it is ready. */
  waitFor: nonBlank(500).optional(),
  /** How long the app may take to serve the page, in seconds (default 60). */
  timeoutSec: z.number().int().positive().max(600).optional(),
});
export type PlanProof = z.output<typeof planProofSchema>;

/**
 * The YAML front matter of `active_plan.md` and `.antigravity/plans/*.md`: one task for one agent.
 * Unknown keys are dropped, so planners may add their own.
 */
export const planMetaSchema = z
  .object({
    /** The task id; becomes the branch `fmes/<id>` and the worktree folder, so it is path-safe. */
    id: taskId,
    /** One line saying what the task does. */
    title: nonBlank(200),
    /** Which agent should run it; `auto` lets the orchestrator choose. */
    agent: z.union([z.literal('auto'), agentId]).default('auto'),
    /** Workspace-relative paths the task may touch; these get locked. A trailing `/` marks a folder. */
    files: z.array(relPath).min(1),
    /** How much damage a wrong result could do; high-risk tasks wait for a person. */
    risk: planRiskSchema.default('medium'),
    /** How to undo the change if it goes wrong (a command, a revert, or prose). */
    rollback: nonBlank(),
    /** Free-form category (`refactor`, `bugfix`, …) used for routing and reports. */
    type: z.string().min(1).optional(),
    /** The planner's estimate of size, used to pick a model and default limits. */
    complexity: planComplexitySchema.optional(),
    /** Upper bound on model turns for the run. */
    maxTurns: z.number().int().positive().optional(),
    /** Upper bound on the run's cost in US dollars. */
    budgetUsd: z.number().positive().optional(),
    /** Upper bound on the run's wall-clock time in seconds. */
    timeoutSec: z.number().int().positive().optional(),
    /** Tool names the agent CLI may use (passed through to its allow-list flag). */
    allowedTools: z.array(z.string().min(1)).optional(),
    /** Tasks that must have succeeded before this one starts. */
    dependsOn: z.array(taskId).optional(),
    /** A page to screenshot after the run and compare with the base branch (see {@link planProofSchema}). */
    proof: planProofSchema.optional(),
  })
  .superRefine((m, ctx) => {
    // A self-dependency would never become ready, and the scheduler would wait on it forever.
    const i = m.dependsOn?.indexOf(m.id) ?? -1;
    if (i >= 0) ctx.addIssue({ code: 'custom', path: ['dependsOn', i], message: schemaText('selfDependency') });
  });

/** Parsed plan front matter, with defaults filled in. */
export type PlanMeta = z.output<typeof planMetaSchema>;
/** What a planner may write in the front matter (defaulted fields optional). */
export type PlanMetaInput = z.input<typeof planMetaSchema>;

/** A plan file: its front matter and its trimmed markdown body (the instructions for the agent). */
export type Plan = { meta: PlanMeta; body: string };
