import * as path from 'node:path';
import type { ArtifactIssue } from '../errors';
import { writeUniqueFileAtomic } from '../fs/atomicWrite';
import { toArtifactIssues } from '../schemas/common';
import { type Handoff, type HandoffMetaInput, handoffMetaSchema } from '../schemas/handoff';
import { compactStamp } from './outbox';
import { formatFrontMatter } from './frontMatter';
import { parseHandoff } from './parseArtifact';

/** The handoff people look for first, at the workspace root. */
export const HANDOFF_FILE = 'HANDOFF_REPORT.md';

export interface HandoffRequest {
  taskId: string;
  /** The agent asking for a person. */
  agent: string;
  /** Why automation stops here. */
  reason: string;
  /** Where the work stands: what is done, what is not, what to look at (markdown). */
  state?: string;
  /** Automated attempts so far (default 1: the one asking). */
  attempts?: number;
  costUsd?: number;
}

export type HandoffResult = { ok: true; file: string; handoff: Handoff } | { ok: false; issues: ArtifactIssue[] };

/**
 * Writes a handoff (status `needs-human`) atomically. It never replaces one: the first goes to
 * `HANDOFF_REPORT.md`; while that exists, each further one gets its own `HANDOFF_REPORT-<task>-<stamp>.md`,
 * which artifactKindOf and listBusArtifacts treat as handoffs too. Rewriting or appending to the
 * existing file would either lose its front matter or put a second task's state under the first one's
 * `status`, which readers act on.
 */
export async function writeHandoff(root: string, req: HandoffRequest, now = Date.now()): Promise<HandoffResult> {
  const createdAt = new Date(now).toISOString();
  const input: HandoffMetaInput = {
    taskId: req.taskId,
    status: 'needs-human',
    createdAt,
    reason: req.reason,
    attempts: req.attempts ?? 1,
    agents: [req.agent],
    costUsd: req.costUsd,
  };
  const meta = handoffMetaSchema.safeParse(input);
  if (!meta.success) return { ok: false, issues: toArtifactIssues(meta.error) };
  const attempts = meta.data.attempts;
  const body = [
    `# Handoff: ${req.taskId}`,
    `${req.agent} asks for a person at ${createdAt}, after ${attempts} automated attempt${attempts === 1 ? '' : 's'}.`,
    `## Reason\n\n${req.reason.trim()}`,
    `## State\n\n${req.state?.trim() || 'Not described.'}`,
  ].join('\n\n');
  // Drop undefined keys: YAML would write them as `null`, which the schema rejects for costUsd.
  const text = formatFrontMatter(JSON.parse(JSON.stringify(meta.data)) as Record<string, unknown>, body);
  // The file must read back as what was asked for; a mismatch is a bug here, reported rather than written.
  const check = parseHandoff(text, HANDOFF_FILE);
  if (!check.ok) return { ok: false, issues: [...check.error.issues] };
  const extra = `HANDOFF_REPORT-${req.taskId}-${compactStamp(now)}`;
  const abs = await writeUniqueFileAtomic(
    (i) => path.join(root, i === 0 ? HANDOFF_FILE : `${extra}${i > 1 ? `-${i}` : ''}.md`),
    text,
  );
  return { ok: true, file: path.basename(abs), handoff: check.value };
}
