import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../fs/atomicWrite';
import { git } from '../git/git';
import { parseNulList } from '../git/parsers';
import { parseReport } from '../artifacts/parseArtifact';
import { type InboxNote, inboxNoteSchema } from '../schemas/inbox';
import type { MissionRecord } from '../schemas/mission';

/** The planner's inbox, workspace-relative. */
export const INBOX_DIR = '.antigravity/inbox';

export function inboxFile(task: string): string {
  return `${INBOX_DIR}/${task}.json`;
}

/**
 * Writes the note of a merge for the planner (`.antigravity/inbox/<task>.json`, temp file + rename, so a
 * planner watching the folder never reads half a note). The note is validated before it is written: F-MES
 * checks its own artifacts like anyone's. A later merge of the same task replaces it.
 */
export async function writeInboxNote(
  root: string,
  rec: MissionRecord,
  o: { commit: string; via: string; approved: boolean; now: number },
): Promise<string> {
  const [who, files] = await Promise.all([
    git(root, ['log', '-1', '--format=%cn <%ce>', o.commit]),
    git(root, ['diff', '--name-only', '--no-renames', '-z', `${o.commit}^1`, o.commit]),
  ]);
  const report = rec.report ? await readReport(root, rec.report) : undefined;
  const merged = [...rec.attempts].reverse().find((a) => a.ok);
  const note: InboxNote = inboxNoteSchema.parse({
    event: 'merged',
    taskId: rec.taskId,
    title: rec.title,
    planFile: rec.planFile,
    branch: rec.branch ?? `fmes/${rec.taskId}`,
    commit: o.commit,
    mergedAt: new Date(o.now).toISOString(),
    mergedBy: who.stdout.trim() || o.via,
    via: o.via,
    approved: o.approved,
    files: parseNulList(files.stdout),
    agent: merged?.agent,
    costUsd: rec.costUsd,
    reportFile: rec.report,
    report,
    notes: rec.reason,
    rules: rec.rules,
    proof: rec.proof,
    review: rec.review,
  });
  const rel = inboxFile(rec.taskId);
  await writeFileAtomic(path.join(root, rel), `${JSON.stringify(note, null, 2)}\n`);
  return rel;
}

async function readReport(root: string, rel: string) {
  // A report that is gone or invalid leaves the note without one; its file name still says where it was.
  const text = await readFile(path.join(root, rel), 'utf8').catch(() => undefined);
  const r = text === undefined ? undefined : parseReport(text, rel);
  return r?.ok ? r.value : undefined;
}
