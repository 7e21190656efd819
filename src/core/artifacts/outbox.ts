import * as path from 'node:path';
import type { ArtifactIssue } from '../errors';
import { writeUniqueFileAtomic } from '../fs/atomicWrite';
import { toArtifactIssues } from '../schemas/common';
import { type Report, reportSchema } from '../schemas/report';

/** Where agents put their reports, relative to the workspace root. */
export const OUTBOX_DIR = '.claude/outbox';

export type SubmitResult = { ok: true; file: string; report: Report } | { ok: false; issues: ArtifactIssue[] };

/**
 * Validates a report and writes it atomically as `.claude/outbox/<taskId>-<agent>-<UTC stamp>.json`, never over
 * an existing file (a second report in the same millisecond gets `-2`). Fields the schema does not know are
 * kept after the known ones: readers drop them, and the agent that added them still finds them. Invalid
 * input writes nothing and returns the issues with dotted fields (`tests.passed`).
 */
export async function submitReport(
  root: string,
  input: Record<string, unknown>,
  now = Date.now(),
): Promise<SubmitResult> {
  const r = reportSchema.safeParse(input);
  if (!r.success) return { ok: false, issues: toArtifactIssues(r.error) };
  const report = r.data;
  const extras = Object.fromEntries(Object.entries(input).filter(([k]) => !(k in report)));
  const base = `${report.taskId}-${fileSafe(report.agent)}-${compactStamp(now)}`;
  const abs = await writeUniqueFileAtomic(
    (i) => path.join(root, OUTBOX_DIR, `${base}${i ? `-${i + 1}` : ''}.json`),
    `${JSON.stringify({ ...report, ...extras }, null, 2)}\n`,
  );
  return { ok: true, file: path.relative(root, abs).split(path.sep).join('/'), report };
}

/** `2026-11-22T10:00:00.123Z` → `20261122T100000123Z`: sortable, and legal in file names everywhere. */
export function compactStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

/** Agent ids may hold `:` and `@` (`human:ann`), which Windows does not allow in file names. */
export function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
