import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isErrnoException } from '../errors';
import { commonDir, git, GitError, gitDir, gitLine, type GitRunOptions } from './git';

/**
 * Helpers that record a checkout's state in git without touching its index, working tree, HEAD or stash:
 * a private index file, `git add -A`, `write-tree`, `commit-tree`, and refs under refs/fmes/.
 */

/** Commits F-MES makes for its own bookkeeping (snapshots, backups) need no user identity to succeed. */
export const FMES_IDENTITY: Record<string, string> = {
  GIT_AUTHOR_NAME: 'F-MES',
  GIT_AUTHOR_EMAIL: 'fmes@localhost',
  GIT_COMMITTER_NAME: 'F-MES',
  GIT_COMMITTER_EMAIL: 'fmes@localhost',
};

/**
 * The tree of everything in the checkout that git would see: tracked files as they are on disk plus
 * untracked files that are not ignored. Starts from a copy of the real index so unchanged files are not
 * hashed again; the real index is never written.
 */
export async function captureTree(checkout: string, o?: GitRunOptions): Promise<string> {
  const dir = await gitDir(checkout, o);
  const tmp = path.join(dir, `fmes-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    try {
      await fs.promises.copyFile(path.join(dir, 'index'), tmp);
    } catch (e) {
      if (!isErrnoException(e, 'ENOENT')) throw e;
    }
    const env = { ...o?.env, GIT_INDEX_FILE: tmp };
    await git(checkout, ['add', '-A', '--', ':/'], { ...o, env });
    return await gitLine(checkout, ['write-tree'], { ...o, env });
  } finally {
    await fs.promises.rm(tmp, { force: true });
    await fs.promises.rm(`${tmp}.lock`, { force: true });
  }
}

export async function commitTree(
  cwd: string,
  tree: string,
  parents: readonly string[],
  message: string,
  o?: GitRunOptions,
): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message];
  return gitLine(cwd, args, { ...o, env: { ...FMES_IDENTITY, ...o?.env } });
}

/** A sortable, ref-safe UTC time stamp: 20250131T120501123Z. */
export function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A label or task id usable as ref path segments (and as a folder name). */
export function isRefSafeName(name: string, o: { allowSlash?: boolean } = {}): boolean {
  const segments = o.allowSlash ? name.split('/') : [name];
  return (
    name.length > 0 &&
    name.length <= 200 &&
    segments.every((s) => SEGMENT.test(s) && !s.includes('..') && !s.endsWith('.lock') && !s.endsWith('.'))
  );
}

export function assertRefSafe(what: string, name: string, o: { allowSlash?: boolean } = {}): void {
  if (!isRefSafeName(name, o))
    throw new GitError(
      'failed',
      `invalid ${what} "${name}": use letters, digits, '_', '.', '-'${o.allowSlash ? " and '/'" : ''}`,
      [],
    );
}

/**
 * Points a new ref `<prefix>/<stamp>` at `commit`. The empty old value makes git refuse to move an
 * existing ref, so two records made in the same millisecond get distinct names instead of one lost.
 */
export async function createStampedRef(
  cwd: string,
  prefix: string,
  commit: string,
  o?: GitRunOptions & { stamp?: string },
): Promise<string> {
  const base = `${prefix}/${o?.stamp ?? stamp()}`;
  for (let n = 0; n < 20; n++) {
    const ref = n === 0 ? base : `${base}-${n}`;
    const r = await git(cwd, ['update-ref', '--create-reflog', ref, commit, ''], { ...o, okExitCodes: [0, 1, 128] });
    if (r.exitCode === 0) return ref;
  }
  throw new GitError('failed', `could not create a ref under ${base}`, ['update-ref', base]);
}

/**
 * Makes sure git ignores `probe` (a path relative to the checkout) in every worktree, by adding `pattern`
 * to the shared info/exclude when nothing ignores it yet. info/exclude is never committed, so F-MES's own
 * folders stay out of `git status` without editing the project's .gitignore.
 */
export async function ensureIgnored(
  checkout: string,
  probe: string,
  pattern: string,
  o?: GitRunOptions,
): Promise<void> {
  const ignored = await git(checkout, ['check-ignore', '-q', '--no-index', '--', probe], { ...o, okExitCodes: [0, 1] });
  if (ignored.exitCode === 0) return;
  const file = path.join(await commonDir(checkout, o), 'info', 'exclude');
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  let text = '';
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if (!isErrnoException(e, 'ENOENT')) throw e;
  }
  if (text.split(/\r?\n/).includes(pattern)) return;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  await fs.promises.appendFile(file, `${sep}# added by F-MES\n${pattern}\n`);
  o?.log?.info(`added ${pattern} to ${file}`);
}

/** Which of `paths` git ignores (by the ignore rules alone, whether tracked or not). */
export async function ignoredAmong(
  checkout: string,
  paths: readonly string[],
  o?: GitRunOptions,
): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await git(checkout, ['check-ignore', '--no-index', '-z', '--stdin'], {
    ...o,
    input: paths.join('\0') + '\0',
    okExitCodes: [0, 1],
  });
  return new Set(r.stdout.split('\0').filter((s) => s !== ''));
}
