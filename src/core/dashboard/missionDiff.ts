import { git } from '../git/git';
import type { MissionDiffView } from '../../shared/protocol';

/** More files than this in one mission are cut, with `truncated` set: the list is a table of contents. */
export const MAX_DIFF_FILES = 200;

export interface DiffFile {
  file: string;
  /** Lines added; undefined for a binary file. */
  added?: number;
  removed?: number;
}

/**
 * Parses `git diff --numstat -z --no-renames` output: `added TAB removed TAB path NUL` per file, `-` for both
 * counts of a binary file. Paths are taken verbatim (-z: no quoting), so names with tabs or newlines survive.
 */
export function parseNumstat(stdout: string): DiffFile[] {
  const out: DiffFile[] = [];
  for (const rec of stdout.split('\0')) {
    if (rec === '') continue;
    const m = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(rec.replace(/^\n/, ''));
    if (!m) continue;
    out.push({
      file: m[3],
      added: m[1] === '-' ? undefined : Number(m[1]),
      removed: m[2] === '-' ? undefined : Number(m[2]),
    });
  }
  return out;
}

/** What the mission's branch changed since the commit it started from, file by file. */
export async function missionDiff(root: string, base: string, branch: string): Promise<MissionDiffView> {
  // `--` after the revisions: a branch named like a path must not be read as one. Revisions that start with
  // `-` are refused by the caller's schema (they come from mission records, which agents could write).
  const r = await git(root, ['diff', '--numstat', '-z', '--no-renames', `${base}...${branch}`, '--'], {
    timeoutMs: 15_000,
  });
  const files = parseNumstat(r.stdout);
  return {
    base,
    branch,
    files: files.slice(0, MAX_DIFF_FILES),
    truncated: files.length > MAX_DIFF_FILES,
  };
}

/** A revision we are willing to pass to git: a commit id or a branch name, never an option. */
export function safeRev(rev: string | undefined): rev is string {
  return rev !== undefined && /^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$/.test(rev) && !rev.includes('..');
}
