import { z } from 'zod';
import { AGENT_ID, TASK_ID } from './patterns';
import { schemaError } from '../i18n/schemaText';

export { toArtifactIssues } from './issues';

/** An ISO-8601 timestamp with a timezone (what `new Date().toISOString()` writes). */
export const isoDateTime = z.iso.datetime({ offset: true });

/** An agent identifier: letters, digits and `._:@-`, as used in lock files, branch names and logs. */
export const agentId = z.string().min(1).max(AGENT_ID.max).regex(AGENT_ID.re, schemaError('agentId'));

/** A task identifier, used in branch names (`fmes/<task>`) and worktree folders, so it is path-safe. */
export const taskId = z.string().min(1).max(TASK_ID.max).regex(TASK_ID.re, schemaError('identifier'));

/** A workspace-relative POSIX path as written in artifacts (validated again by WorkspacePaths before use). */
export const relPath = z
  .string()
  .min(1)
  .refine((s) => !s.includes('\0'), schemaError('noNul'))
  .refine((s) => !s.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(s), schemaError('relative'))
  .refine((s) => !s.split(/[\\/]/).includes('..'), schemaError('noDotDot'));
