import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { git } from '../git/git';
import { MAX_IGNORED_ENTRIES, walkIgnored } from './ignoredFiles';

/**
 * F-MES's own bookkeeping, written during any run (cost logs, run records, locks, worktrees, plans a person or
 * the planner step adds): not the reader's doing, so not part of what a read-only run must leave alone.
 */
const OWN = /^(\.claude|\.fmes|\.locks|\.trees|\.antigravity|\.gemini|\.codex)\//;

/**
 * Files inside those folders that are not bookkeeping: each makes a CLI run code in the next run (hooks, MCP
 * servers), or sets the rules and settings F-MES checks the next mission by. Fingerprinted wherever git puts
 * them (tracked, untracked, ignored, or inside an ignored folder git lists as one entry).
 */
const GUARDED = [
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.gemini/settings.json',
  '.codex/config.toml',
  '.fmes/rules.yaml',
  '.fmes/config.json',
];

/**
 * What a read-only run must not change: HEAD, each changed or untracked file (`XY path` → content hash), and
 * each git-ignored entry (`!! path` → its fingerprint, see ignoredFiles.ts).
 */
export type WorktreeState = Map<string, string>;

/** Set in a state whose ignored entries were too many to walk: such a state vouches for nothing. */
const TRUNCATED = 'TRUNCATED';

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
 * The worktree as git sees it (`git status`, untracked files included) plus what git ignores: an ignored file
 * (`.env`, `dist/`, a `node_modules/x.js`) changes the build and the next runs as much as a tracked one. A
 * tracked file that is unchanged is covered by HEAD, so only the files status lists are hashed; ignored
 * folders are walked without following symlinks (a linked `node_modules` is one entry: its target).
 */
export async function worktreeState(cwd: string, o: { maxIgnored?: number } = {}): Promise<WorktreeState> {
  const out: WorktreeState = new Map();
  const head = await git(cwd, ['rev-parse', '--verify', '-q', 'HEAD']).catch(() => ({ stdout: '' }));
  out.set('HEAD', head.stdout.trim());
  const { stdout } = await git(cwd, [
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--ignored=matching',
    '--no-renames',
  ]);
  const ignored: string[] = [];
  for (const entry of stdout.split('\0')) {
    const file = entry.slice(3);
    if (!file || OWN.test(file)) continue;
    if (entry.startsWith('!! ')) ignored.push(file);
    else out.set(`${entry.slice(0, 2)} ${file}`, await digest(path.join(cwd, file)));
  }
  for (const f of GUARDED) out.set(`GG ${f}`, await digest(path.join(cwd, f)));
  await gitDirState(cwd, out);
  const max = o.maxIgnored ?? MAX_IGNORED_ENTRIES;
  const walk = await walkIgnored(cwd, ignored, (rel) => OWN.test(rel), max);
  for (const [rel, sig] of walk.entries) out.set(`!! ${rel}`, sig);
  if (walk.truncated) out.set(TRUNCATED, String(max));
  return out;
}

/**
 * The repository's hooks and config (`.git/hooks/`, `.git/config`, a worktree's `config.worktree`): outside
 * what `git status` shows, and each runs code at F-MES's next git command (a hook, `core.fsmonitor`, an alias).
 */
async function gitDirState(cwd: string, out: WorktreeState): Promise<void> {
  // Relative to cwd or absolute, as each git version prints them (`--path-format` needs git 2.31).
  const r = await git(cwd, ['rev-parse', '--git-common-dir', '--git-dir']).catch(() => undefined);
  const [common, own] = (r?.stdout ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => path.resolve(cwd, l.trim()));
  if (!common) return;
  const walk = await walkIgnored(common, ['hooks/', 'config'], () => false);
  for (const [rel, sig] of walk.entries) out.set(`GD .git/${rel}`, sig);
  if (own && own !== common) out.set('GD .git/config.worktree', await digest(path.join(own, 'config.worktree')));
}

/**
 * The paths that differ between two states (HEAD as `HEAD (a commit)`, an ignored folder as `dir/`), sorted.
 * Fails closed: a state whose ignored entries could not all be walked is a change of its own.
 */
export function worktreeChanges(before: WorktreeState, after: WorktreeState): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  const files = new Set<string>();
  for (const k of keys) {
    if (k === TRUNCATED) continue;
    if (before.get(k) !== after.get(k)) files.add(k === 'HEAD' ? 'HEAD (a commit)' : k.slice(3));
  }
  const sorted = [...files].sort();
  if (before.has(TRUNCATED) || after.has(TRUNCATED))
    sorted.push(
      `(more than ${before.get(TRUNCATED) ?? after.get(TRUNCATED)} git-ignored entries: not all could be checked)`,
    );
  return sorted;
}
