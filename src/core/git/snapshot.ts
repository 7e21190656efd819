import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkoutRoot, git, GitError, gitLine, resolveCommit } from './git';
import { parseNameStatusZ } from './parsers';
import {
  assertRefSafe,
  captureTree,
  commitTree,
  createStampedRef,
  ensureIgnored,
  ignoredAmong,
  stamp,
} from './workState';

export interface Snapshot {
  /** refs/fmes/snapshots/<label>/<stamp> */
  ref: string;
  /** The snapshot commit: its tree is the checkout's files, its parent the HEAD at the time. */
  commit: string;
  /** HEAD when the snapshot was taken. */
  head: string;
  /** ISO time. */
  createdAt: string;
}

export interface RollbackResult {
  /** Files put back to their snapshot content (changed or deleted since). */
  restored: string[];
  /** Files created since the snapshot, moved (never deleted) into `trash`. */
  movedAside: string[];
  /** `.fmes/trash/<stamp>`, relative to the checkout; set when something was moved. */
  trash?: string;
  /** refs/fmes/rolledback/<label>/<stamp>: the commits made since the snapshot, when HEAD had moved. */
  keptCommitsRef?: string;
  /** refs/fmes/rolledback/<label>/<stamp>-state: the files as they were just before the rollback, when they differed from HEAD. */
  stateRef?: string;
}

const SNAPSHOTS = 'refs/fmes/snapshots';
const ROLLEDBACK = 'refs/fmes/rolledback';
const TRASH_DIR = '.fmes/trash';

/**
 * Records the checkout that `cwd` is in (tracked files as on disk, plus untracked files that are not
 * ignored) as a commit under refs/fmes/snapshots/<label>/<stamp>. Touches nothing else: not the index,
 * the files, HEAD or the stash.
 */
export async function takeSnapshot(cwd: string, label: string): Promise<Snapshot> {
  assertRefSafe('snapshot label', label, { allowSlash: true });
  const top = await checkoutRoot(cwd);
  const head = await resolveCommit(top, 'HEAD');
  if (!head) throw new GitError('notFound', `${top} has no commit yet; a snapshot needs one`, ['rev-parse', 'HEAD']);
  await ensureIgnored(top, `${TRASH_DIR}/x`, `/${TRASH_DIR}/`);
  const createdAt = new Date();
  const tree = await captureTree(top);
  const commit = await commitTree(
    top,
    tree,
    [head],
    `F-MES snapshot ${label}\n\nhead ${head}\ncreated ${createdAt.toISOString()}`,
  );
  const ref = await createStampedRef(top, `${SNAPSHOTS}/${label}`, commit, { stamp: stamp(createdAt) });
  return { ref, commit, head, createdAt: createdAt.toISOString() };
}

/**
 * Puts the checkout back as the snapshot found it without destroying anything: commits made since are
 * kept under refs/fmes/rolledback/…, the files as they are now too, files created since are moved into
 * .fmes/trash/<stamp>/, and ignored files are left alone. The index ends up matching HEAD.
 */
export async function rollback(cwd: string, snapshot: Pick<Snapshot, 'ref'>): Promise<RollbackResult> {
  const top = await checkoutRoot(cwd);
  const commit = await resolveCommit(top, snapshot.ref);
  if (!commit) throw new GitError('notFound', `snapshot ${snapshot.ref} does not exist`, ['rev-parse', snapshot.ref]);
  const parent = await resolveCommit(top, `${commit}^1`);
  if (!parent)
    throw new GitError('notFound', `${snapshot.ref} is not an F-MES snapshot (it has no parent)`, [
      'rev-parse',
      `${commit}^1`,
    ]);
  const label = labelOf(snapshot.ref);
  const when = stamp();
  const head = await gitLine(top, ['rev-parse', 'HEAD']);
  const headTree = await gitLine(top, ['rev-parse', 'HEAD^{tree}']);
  const snapTree = await gitLine(top, ['rev-parse', `${commit}^{tree}`]);

  await ensureIgnored(top, `${TRASH_DIR}/x`, `/${TRASH_DIR}/`);
  const nowTree = await captureTree(top);
  const result: RollbackResult = { restored: [], movedAside: [] };
  if (nowTree !== headTree) {
    const state = await commitTree(top, nowTree, [head], `F-MES: state before rolling back to ${snapshot.ref}`);
    result.stateRef = await createStampedRef(top, `${ROLLEDBACK}/${label}`, state, { stamp: `${when}-state` });
  }
  if (head !== parent) {
    result.keptCommitsRef = await createStampedRef(top, `${ROLLEDBACK}/${label}`, head, { stamp: when });
    // Soft: only the branch moves; the files are dealt with below, file by file.
    await git(top, ['reset', '-q', '--soft', parent]);
  }

  const diff = parseNameStatusZ(
    (await git(top, ['diff', '--name-status', '-z', '--no-renames', nowTree, snapTree])).stdout,
  );
  const created = diff.filter((e) => e.status === 'D').map((e) => e.path);
  result.restored = diff
    .filter((e) => e.status !== 'D')
    .map((e) => e.path)
    .sort();

  // A file the ignore rules cover was never in a snapshot's reach, so it may well predate the run: leave it.
  const ignored = await ignoredAmong(top, created);
  const trashRel = `${TRASH_DIR}/${when}`;
  for (const rel of created.sort()) {
    if (ignored.has(rel)) continue;
    const from = path.join(top, rel);
    if (!fs.lstatSync(from, { throwIfNoEntry: false })) continue;
    const to = path.join(top, trashRel, rel);
    await fs.promises.mkdir(path.dirname(to), { recursive: true });
    await fs.promises.rename(from, to);
    result.movedAside.push(rel);
  }
  if (result.movedAside.length > 0) result.trash = trashRel;

  if (result.restored.length > 0) {
    // Overlay checkout writes the listed files from the snapshot and removes nothing.
    await git(top, ['checkout', '-q', commit, '--pathspec-from-file=-', '--pathspec-file-nul'], {
      input: result.restored.join('\0') + '\0',
      // The paths are file names, not patterns: a file called `*.ts` must not pull in every .ts file.
      env: { GIT_LITERAL_PATHSPECS: '1' },
    });
  }
  // Mixed reset with no commit: the index matches HEAD again, the files stay as just restored.
  await git(top, ['reset', '-q']);
  return result;
}

function labelOf(ref: string): string {
  const m = /^refs\/fmes\/snapshots\/(.+)\/[^/]+$/.exec(ref);
  return m ? m[1] : 'other';
}
