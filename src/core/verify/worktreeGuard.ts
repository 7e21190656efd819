import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { git } from '../git/git';

/**
 * F-MES's own bookkeeping, written during any run (cost logs, run records, locks, worktrees, plans a person or
 * the planner step adds): not the reader's doing, so not part of what a read-only run must leave alone.
 */
const OWN = /^(\.claude|\.fmes|\.locks|\.trees|\.antigravity|\.gemini|\.codex)\//;

/** What a read-only run must not change: HEAD, and each changed or untracked file (path → content hash). */
export type WorktreeState = Map<string, string>;

async function digest(file: string): Promise<string> {
  try {
    const st = await fs.lstat(file);
    const data = st.isSymbolicLink() ? Buffer.from(`link:${await fs.readlink(file)}`) : await fs.readFile(file);
    return createHash('sha256').update(data).digest('hex');
  } catch {
    return 'missing';
  }
}

/**
 * The worktree as git sees it (`git status`, untracked files included, ignored ones not): a tracked file that
 * is unchanged is covered by HEAD, so only the files status lists are hashed.
 */
export async function worktreeState(cwd: string): Promise<WorktreeState> {
  const out: WorktreeState = new Map();
  const head = await git(cwd, ['rev-parse', '--verify', '-q', 'HEAD']).catch(() => ({ stdout: '' }));
  out.set('HEAD', head.stdout.trim());
  const { stdout } = await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  for (const entry of stdout.split('\0')) {
    const file = entry.slice(3);
    if (!file || OWN.test(file)) continue;
    out.set(`${entry.slice(0, 2)} ${file}`, await digest(path.join(cwd, file)));
  }
  return out;
}

/** The paths that differ between two states (HEAD as `HEAD`), sorted. */
export function worktreeChanges(before: WorktreeState, after: WorktreeState): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  const files = new Set<string>();
  for (const k of keys) if (before.get(k) !== after.get(k)) files.add(k === 'HEAD' ? 'HEAD (a commit)' : k.slice(3));
  return [...files].sort();
}
