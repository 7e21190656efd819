import * as fs from 'node:fs';
import * as path from 'node:path';
import { isErrnoException } from '../errors';
import type { Logger } from '../log';
import { git, GitError, gitDir, gitLine, isAncestor, resolveCommit, type GitRunOptions } from './git';
import { parseNameStatusZ, parseStatusZ, parseWorktreeListZ } from './parsers';
import { assertRefSafe, captureTree, commitTree, createStampedRef, ensureIgnored, FMES_IDENTITY } from './workState';

export interface WorktreeInfo {
  task: string;
  agent: string;
  /** Absolute. */
  path: string;
  /** `.trees/<agent>-<task>`, relative to the main checkout. */
  relPath: string;
  /** `fmes/<task>`. */
  branch: string;
  /** The commit the branch started from. */
  baseCommit: string;
}

const TREES_DIR = '.trees';
const BRANCH_PREFIX = 'fmes/';
/** Kept in the worktree's own admin dir, so it goes away with the worktree and needs no shared lock. */
const BASE_FILE = 'fmes-base';
/** Per main checkout: the last create in flight. */
const createQueue = new Map<string, Promise<unknown>>();

/**
 * Shadow worktrees: one per task, at `.trees/<agent>-<task>` on branch `fmes/<task>`. Folders too heavy
 * to reinstall (node_modules) are symlinked from the main checkout. Nothing here ever drops work that
 * is not in the main checkout's HEAD without first keeping it under a ref.
 */
export class Worktrees {
  private readonly root: string;
  private readonly log: Logger | undefined;
  private readonly linkDirs: readonly string[];

  constructor(o: { root: string; log?: Logger; linkDirs?: readonly string[] }) {
    this.root = path.resolve(o.root);
    this.log = o.log;
    this.linkDirs = o.linkDirs ?? ['node_modules'];
  }

  private get run(): GitRunOptions {
    return { log: this.log };
  }

  async create(o: { agent: string; task: string; base?: string }): Promise<WorktreeInfo> {
    assertRefSafe('agent', o.agent);
    assertRefSafe('task', o.task);
    // Two `git worktree add` of one path race inside git itself; serialise them within this process.
    const prev = createQueue.get(this.root) ?? Promise.resolve();
    const next = prev.then(() => this.createNow(o));
    const tail = next.catch(() => undefined);
    createQueue.set(this.root, tail);
    void tail.then(() => {
      if (createQueue.get(this.root) === tail) createQueue.delete(this.root);
    });
    return next;
  }

  private async createNow(o: { agent: string; task: string; base?: string }): Promise<WorktreeInfo> {
    await ensureIgnored(this.root, `${TREES_DIR}/x`, `/${TREES_DIR}/`, this.run);
    const existing = await this.find(o.task);
    if (existing && fs.existsSync(existing.path)) {
      await this.linkShared(existing.path);
      return existing;
    }
    // A worktree whose folder was deleted by hand is still registered; prune it so its branch can be checked out again.
    if (existing) await git(this.root, ['worktree', 'prune'], this.run);
    const relPath = `${TREES_DIR}/${o.agent}-${o.task}`;
    const abs = path.join(this.root, relPath);
    const branch = BRANCH_PREFIX + o.task;
    const branchTip = await resolveCommit(this.root, `refs/heads/${branch}`, this.run);
    let baseCommit: string;
    if (branchTip) {
      // The branch survives from an earlier worktree: continue on it rather than start over.
      await git(this.root, ['worktree', 'add', abs, branch], this.run);
      baseCommit = await this.mergeBase(branchTip);
    } else {
      const base = await resolveCommit(this.root, o.base ?? 'HEAD', this.run);
      if (!base)
        throw new GitError(
          'notFound',
          `base ${o.base ?? 'HEAD'} is not a commit`,
          ['rev-parse', o.base ?? 'HEAD'],
          '',
          undefined,
          {
            subject: o.base ?? 'HEAD',
          },
        );
      try {
        await git(this.root, ['worktree', 'add', '--no-track', '-b', branch, abs, base], this.run);
      } catch (e) {
        // Another process created the same task's worktree meanwhile: use that one.
        const raced = GitError.is(e) ? await this.find(o.task) : undefined;
        if (raced && fs.existsSync(raced.path)) return raced;
        throw e;
      }
      baseCommit = base;
    }
    await fs.promises.writeFile(path.join(await gitDir(abs, this.run), BASE_FILE), `${baseCommit}\n`);
    await this.linkShared(abs);
    this.log?.info(`worktree ${relPath} on ${branch} at ${baseCommit.slice(0, 10)}`);
    return { task: o.task, agent: o.agent, path: abs, relPath, branch, baseCommit };
  }

  async find(task: string): Promise<WorktreeInfo | undefined> {
    return (await this.list()).find((w) => w.task === task);
  }

  /** Only F-MES worktrees (on a `fmes/*` branch). */
  async list(): Promise<WorktreeInfo[]> {
    const out = (await git(this.root, ['worktree', 'list', '--porcelain', '-z'], this.run)).stdout;
    const result: WorktreeInfo[] = [];
    for (const e of parseWorktreeListZ(out)) {
      const branch = e.branch?.replace(/^refs\/heads\//, '');
      if (!branch?.startsWith(BRANCH_PREFIX)) continue;
      const task = branch.slice(BRANCH_PREFIX.length);
      const abs = path.resolve(e.path);
      const name = path.basename(abs);
      const agent = name.endsWith(`-${task}`) ? name.slice(0, -task.length - 1) : '';
      const relPath = path.relative(this.root, abs).split(path.sep).join('/');
      result.push({ task, agent, path: abs, relPath, branch, baseCommit: await this.baseOf(abs, e.head ?? branch) });
    }
    return result;
  }

  /** Commits every uncommitted change in the worktree; undefined when there was nothing to commit. */
  async commitAll(
    task: string,
    message: string,
    author?: { name: string; email: string },
  ): Promise<string | undefined> {
    const wt = await this.require(task);
    await git(wt.path, ['add', '-A', '--', ':/'], this.run);
    const staged = await git(wt.path, ['diff', '--cached', '--quiet'], { ...this.run, okExitCodes: [0, 1] });
    if (staged.exitCode === 0) return undefined;
    const env = author
      ? {
          GIT_AUTHOR_NAME: author.name,
          GIT_AUTHOR_EMAIL: author.email,
          GIT_COMMITTER_NAME: author.name,
          GIT_COMMITTER_EMAIL: author.email,
        }
      : await this.identityFallback(wt.path);
    // Hooks are the project's checks for people; running them here could block the orchestrator's bookkeeping.
    await git(wt.path, ['commit', '--no-verify', '-q', '-m', message], { ...this.run, env });
    return gitLine(wt.path, ['rev-parse', 'HEAD'], this.run);
  }

  /** Paths changed since the merge-base with the main HEAD: committed, staged, unstaged and untracked. */
  async changedFiles(task: string): Promise<string[]> {
    const wt = await this.require(task);
    const [base, tree] = await Promise.all([this.mergeBase('HEAD', wt.path), captureTree(wt.path, this.run)]);
    const out = (await git(wt.path, ['diff', '--name-status', '-z', '-M', base, tree], this.run)).stdout;
    const files = new Set<string>();
    for (const e of parseNameStatusZ(out)) {
      if (e.origPath !== undefined) files.add(e.origPath);
      files.add(e.path);
    }
    return [...files].sort();
  }

  /** `git diff --stat` from the merge-base, uncommitted and untracked files included. */
  async diffStat(task: string): Promise<string> {
    const wt = await this.require(task);
    const [base, tree] = await Promise.all([this.mergeBase('HEAD', wt.path), captureTree(wt.path, this.run)]);
    return (
      await git(wt.path, ['-c', 'core.quotePath=false', 'diff', '--stat', '-M', base, tree], this.run)
    ).stdout.replace(/\n$/, '');
  }

  /** True when the branch tip is in the main HEAD and the worktree holds nothing uncommitted. */
  async isMerged(task: string): Promise<boolean> {
    const wt = await this.require(task);
    const tip = await this.tip(wt);
    if (!(await isAncestor(this.root, tip, 'HEAD', this.run))) return false;
    return !fs.existsSync(wt.path) || !(await this.hasLocalChanges(wt.path));
  }

  /**
   * Removes the worktree and its branch. Refuses (GitError 'unmerged') while either holds work that is
   * not in the main HEAD, unless `discard`; then that work is first committed under
   * refs/fmes/discarded/<task>/<stamp>, which is returned.
   */
  async remove(task: string, o: { discard?: boolean } = {}): Promise<{ backupRef?: string }> {
    const wt = await this.find(task);
    const branch = BRANCH_PREFIX + task;
    const tip = wt ? await this.tip(wt) : await resolveCommit(this.root, `refs/heads/${branch}`, this.run);
    if (!tip)
      throw new GitError(
        'notFound',
        `no F-MES worktree or branch for task ${task}`,
        ['worktree', 'list'],
        '',
        undefined,
        {
          subject: task,
        },
      );
    const present = wt !== undefined && fs.existsSync(wt.path);
    const dirty = present && (await this.hasLocalChanges(wt.path));
    const unmergedCommits = !(await isAncestor(this.root, tip, 'HEAD', this.run));
    let backupRef: string | undefined;
    if (dirty || unmergedCommits) {
      if (!o.discard) {
        const what = [unmergedCommits && 'commits not in HEAD', dirty && 'uncommitted changes']
          .filter(Boolean)
          .join(' and ');
        throw new GitError(
          'unmerged',
          `task ${task} has ${what}; merge it or remove it with discard`,
          ['worktree', 'remove'],
          '',
          undefined,
          { subject: task },
        );
      }
      const commit = dirty
        ? await commitTree(
            this.root,
            await captureTree(wt.path, this.run),
            [tip],
            `F-MES: discarded work of ${task}`,
            this.run,
          )
        : tip;
      backupRef = await createStampedRef(this.root, `refs/fmes/discarded/${task}`, commit, this.run);
      this.log?.info(`kept the discarded work of ${task} at ${backupRef}`);
    }
    if (wt && !present) await git(this.root, ['worktree', 'prune'], this.run);
    if (wt && present) {
      await this.unlinkShared(wt.path);
      // --force only once everything is kept: without it git itself re-checks for changes made since.
      const force = backupRef !== undefined ? ['--force', '--force'] : [];
      try {
        await git(this.root, ['worktree', 'remove', ...force, wt.path], this.run);
      } catch (e) {
        await this.linkShared(wt.path);
        if (GitError.is(e, 'failed') && (await this.hasLocalChanges(wt.path))) {
          throw new GitError(
            'unmerged',
            `task ${task} gained uncommitted changes while being removed`,
            e.args,
            e.stderr,
            e.exitCode,
          );
        }
        throw e;
      }
    }
    // The expected old value makes git refuse if the branch moved since it was checked.
    await git(this.root, ['update-ref', '-d', `refs/heads/${branch}`, tip], this.run);
    return backupRef ? { backupRef } : {};
  }

  private async require(task: string): Promise<WorktreeInfo> {
    const wt = await this.find(task);
    if (!wt)
      throw new GitError('notFound', `no F-MES worktree for task ${task}`, ['worktree', 'list'], '', undefined, {
        subject: task,
      });
    return wt;
  }

  private async tip(wt: WorktreeInfo): Promise<string> {
    const tip = await resolveCommit(this.root, `refs/heads/${wt.branch}`, this.run);
    if (!tip)
      throw new GitError('notFound', `branch ${wt.branch} does not exist`, ['rev-parse', wt.branch], '', undefined, {
        subject: wt.branch,
      });
    return tip;
  }

  private async mergeBase(rev: string, cwd = this.root): Promise<string> {
    const mainHead = await gitLine(this.root, ['rev-parse', 'HEAD'], this.run);
    const r = await git(cwd, ['merge-base', mainHead, rev], { ...this.run, okExitCodes: [0, 1] });
    // Unrelated histories: everything on the branch counts as changed.
    return r.exitCode === 0
      ? r.stdout.trim()
      : gitLine(cwd, ['hash-object', '-t', 'tree', '--stdin'], { ...this.run, input: '' });
  }

  private async baseOf(abs: string, rev: string): Promise<string> {
    try {
      const dir = await gitDir(abs, this.run);
      const text = (await fs.promises.readFile(path.join(dir, BASE_FILE), 'utf8')).trim();
      if (/^[0-9a-f]{40,64}$/.test(text)) return text;
    } catch (e) {
      if (!isErrnoException(e) && !GitError.is(e)) throw e;
    }
    return this.mergeBase(rev);
  }

  private async hasLocalChanges(cwd: string): Promise<boolean> {
    const out = (await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all'], this.run)).stdout;
    return parseStatusZ(out).length > 0;
  }

  /** Uses the configured identity when git has one; F-MES's own otherwise, so a commit never fails for lack of it. */
  private async identityFallback(cwd: string): Promise<Record<string, string> | undefined> {
    const r = await git(cwd, ['var', 'GIT_COMMITTER_IDENT'], { ...this.run, okExitCodes: [0, 128] });
    return r.exitCode === 0 ? undefined : FMES_IDENTITY;
  }

  private async linkShared(wtPath: string): Promise<void> {
    for (const dir of this.linkDirs) {
      const source = path.join(this.root, dir);
      const target = path.join(wtPath, dir);
      if (!isDirectory(source) || exists(target)) continue;
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.symlink(source, target, process.platform === 'win32' ? 'junction' : 'dir');
      // A symlink is not a directory to git, so a `node_modules/` rule does not hide it: add one without the slash.
      await ensureIgnored(wtPath, dir, `/${dir}`, this.run);
    }
  }

  /** Drops our symlinks first so nothing that removes the worktree can ever follow them into the main checkout. */
  private async unlinkShared(wtPath: string): Promise<void> {
    for (const dir of this.linkDirs) {
      const target = path.join(wtPath, dir);
      if (fs.lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) await fs.promises.unlink(target);
    }
  }
}

function isDirectory(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function exists(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}
