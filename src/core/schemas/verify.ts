import { z } from 'zod';
import { relPath } from './common';

/** One changed line that breaks a rule of `.fmes/rules.yaml` (or, from the audit agent, a free-text rule). */
export const ruleViolationSchema = z.object({
  /** The rule's id. */
  rule: z.string().min(1),
  /** The rule's own words. */
  message: z.string(),
  file: relPath,
  line: z.number().int().positive(),
  excerpt: z.string().optional(),
  /** `audit` when the audit agent found it; absent for pattern, import and path checks. */
  source: z.literal('audit').optional(),
});

/** The rule check of one mission, on its record (`rules`). */
export const rulesCheckSchema = z.object({
  violations: z.array(ruleViolationSchema),
  /** Rules that could not be checked, each with why (a parser not installed, a pattern that does not parse). */
  unchecked: z.array(z.string()).default([]),
  /** The audit agent's run over the free-text rules, when one ran. */
  audit: z
    .object({
      agent: z.string(),
      runId: z.string().optional(),
      ok: z.boolean(),
      message: z.string(),
    })
    .optional(),
});
export type RulesCheck = z.output<typeof rulesCheckSchema>;

/** One comment of an audit agent or reviewer, tied to a place in the diff. */
export const lineCommentSchema = z.object({
  file: relPath,
  line: z.number().int().positive(),
  message: z.string().min(1).max(4000),
});

/** What the audit agent answers: the free-text rules the diff breaks (empty when none). */
export const auditAnswerSchema = z.object({
  findings: z
    .array(
      lineCommentSchema.extend({
        /** The id of the rule broken. */
        rule: z.string().min(1),
      }),
    )
    .max(200),
});
export type AuditAnswer = z.output<typeof auditAnswerSchema>;

/** What a cross-model reviewer answers. */
export const reviewAnswerSchema = z.object({
  verdict: z.enum(['approve', 'request_changes']),
  summary: z.string().max(4000).default(''),
  comments: z.array(lineCommentSchema).max(200).default([]),
});
export type ReviewAnswer = z.output<typeof reviewAnswerSchema>;

/** A review on the mission record (`review`). */
export const missionReviewSchema = reviewAnswerSchema.extend({
  /** The reviewing agent (`gemini@<task>-review`). */
  agent: z.string(),
  runId: z.string().optional(),
  /** Rounds the author had to answer the comments (0 or 1). */
  rounds: z.number().int().nonnegative().default(0),
});
export type MissionReview = z.output<typeof missionReviewSchema>;

/** The visual proof on the mission record (`proof`). */
export const missionProofSchema = z.object({
  url: z.string(),
  /** The branch's screenshot, workspace-relative (`.claude/outbox/<task>-proof.png`). */
  image: relPath.optional(),
  /** The base branch's screenshot and the difference image. */
  baseImage: relPath.optional(),
  diffImage: relPath.optional(),
  /** Share of pixels that differ from the base branch (0..1); absent when there was nothing to compare. */
  changedShare: z.number().min(0).max(1).optional(),
  /** True when the change is above the threshold: the mission is held for a person. */
  changed: z.boolean().default(false),
  consoleErrors: z.array(z.string()).default([]),
  /** Why no picture could be taken, when none was. */
  error: z.string().optional(),
});
export type MissionProof = z.output<typeof missionProofSchema>;
