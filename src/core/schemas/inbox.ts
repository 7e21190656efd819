import { z } from 'zod';
import { agentId, isoDateTime, relPath, taskId } from './common';
import { reportSchema } from './report';
import { missionProofSchema, missionReviewSchema, rulesCheckSchema } from './verify';
import { schemaError } from '../i18n/schemaText';

export const INBOX_VERSION = 1;

/**
 * `.antigravity/inbox/<task>.json`: written by F-MES (atomically) when a mission's branch is merged, for the
 * planner that wrote the plan to pick up (§6.2): what was merged, by whom, which files, and the report the
 * mission ended with. Unknown keys are dropped.
 */
export const inboxNoteSchema = z.object({
  version: z.literal(INBOX_VERSION).default(INBOX_VERSION),
  /** What happened; only merges so far. */
  event: z.literal('merged'),
  taskId,
  title: z.string(),
  /** The plan the mission ran, workspace-relative. */
  planFile: relPath,
  /** The mission's branch (`fmes/<task>`) and the merge commit. */
  branch: z.string().min(1),
  commit: z.string().regex(/^[0-9a-f]{40,64}$/, schemaError('commitId')),
  mergedAt: isoDateTime,
  /** Who merged: the merge commit's committer (`Name <email>`). */
  mergedBy: z.string().min(1),
  /** The F-MES id that performed the merge (the editor, the CLI, the MCP server). */
  via: z.string().min(1),
  /** True when the mission was in review and a person approved the merge anyway. */
  approved: z.boolean(),
  /** Files the merge changed, workspace-relative. */
  files: z.array(relPath),
  /** The agent whose run was merged, and what the whole mission cost. */
  agent: agentId.optional(),
  costUsd: z.number().nonnegative(),
  /** The report file (under `.claude/outbox/`) and its content, when it could be read. */
  reportFile: relPath.optional(),
  report: reportSchema.optional(),
  /** What the post-run checks found (the reasons of a review the person approved). */
  notes: z.string().optional(),
  rules: rulesCheckSchema.optional(),
  proof: missionProofSchema.optional(),
  review: missionReviewSchema.optional(),
});
export type InboxNote = z.output<typeof inboxNoteSchema>;
export type InboxNoteInput = z.input<typeof inboxNoteSchema>;
