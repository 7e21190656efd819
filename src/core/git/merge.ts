import { git, GitError, gitLine, resolveCommit } from './git';
import { isUnmerged, parseMergeTreeZ, parseStatusZ } from './parsers';
import { FMES_IDENTITY } from './workState';

/** What merging `branch` into `into` would give, computed in the object store only (no index, no files). */
export async function predictMerge(
  root: string,
  branch: string,
  into = 'HEAD',
): Promise<{ clean: boolean; conflicts: string[]; tree?: string }> {
  const args = ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', into, branch];
  // Exit 1 means "conflicts", but git also exits 1 for a name that is no commit: tell them apart by the output.
  const r = await git(root, args, { okExitCodes: [0, 1] });
  const { tree, conflicts } = parseMergeTreeZ(r.stdout);
  if (!/^[0-9a-f]{40,64}$/.test(tree)) {
    const missing = !(await resolveCommit(root, into)) || !(await resolveCommit(root, branch));
    throw new GitError(
      missing ? 'notFound' : 'failed',
      `cannot predict merging ${branch} into ${into}: ${r.stderr.trim()}`,
      args,
      r.stderr,
      r.exitCode,
    );
  }
  return { clean: r.exitCode === 0, conflicts, tree };
}

/**
 * Merges `branch` into the main checkout with a merge commit. On conflicts the merge is left in progress,
 * so the editor's 3-way merge can open each file; resolve and commit, or call abortMerge.
 */
export async function mergeBranch(
  root: string,
  branch: string,
  message: string,
): Promise<{ merged: true; commit: string } | { merged: false; conflicts: string[] }> {
  if (await mergeInProgress(root))
    throw new GitError('conflict', 'a merge is already in progress in the main checkout; finish or abort it first', [
      'merge',
    ]);
  const env =
    (await git(root, ['var', 'GIT_COMMITTER_IDENT'], { okExitCodes: [0, 128] })).exitCode === 0
      ? undefined
      : FMES_IDENTITY;
  const args = ['merge', '--no-ff', '--no-edit', '--no-verify', '-m', message, '--end-of-options', branch];
  // Exit 1: stopped with conflicts. Exit 2: the strategy refused to start (local changes in the way).
  const r = await git(root, args, { okExitCodes: [0, 1, 2], env });
  if (r.exitCode === 0) return { merged: true, commit: await gitLine(root, ['rev-parse', 'HEAD']) };
  if (await mergeInProgress(root)) return { merged: false, conflicts: await conflictedFiles(root) };
  throw new GitError(
    r.exitCode === 2 ? 'dirty' : 'failed',
    `cannot merge ${branch}: ${r.stderr.trim().split('\n')[0] ?? ''}`,
    args,
    r.stderr,
    r.exitCode,
  );
}

/** Ends a merge in progress and restores the state before it; does nothing when none is in progress. */
export async function abortMerge(root: string): Promise<void> {
  if (!(await mergeInProgress(root))) return;
  await git(root, ['merge', '--abort']);
}

/** Paths with unresolved conflicts right now. */
export async function conflictedFiles(root: string): Promise<string[]> {
  const out = (await git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=no'])).stdout;
  return parseStatusZ(out)
    .filter(isUnmerged)
    .map((e) => e.path)
    .sort();
}

async function mergeInProgress(root: string): Promise<boolean> {
  return (await resolveCommit(root, 'MERGE_HEAD')) !== undefined;
}
