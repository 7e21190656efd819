import * as path from 'node:path';
import type * as ExecaModule from 'execa';
import { FmesError } from '../errors';
import type { Logger } from '../log';
import { parseWorktreeListZ } from './parsers';

export type GitErrorReason =
  /** The folder is not inside a git repository. */
  | 'notARepo'
  /** A worktree or branch holds work that is not in the main checkout's HEAD (commits or uncommitted files). */
  | 'unmerged'
  /** Local uncommitted changes stand in the way (git refused to overwrite them). */
  | 'dirty'
  /** A merge with conflicts is in progress. */
  | 'conflict'
  /** The worktree, branch, ref or commit does not exist. */
  | 'notFound'
  /** Anything else: see exitCode and stderr. */
  | 'failed';

/** A git command failed or F-MES refused a git operation. Keeps what git said, for the log. */
export class GitError extends FmesError<GitErrorReason> {
  readonly kind = 'git';
  constructor(
    reason: GitErrorReason,
    message: string,
    readonly args: readonly string[],
    readonly stderr: string = '',
    readonly exitCode?: number,
    options?: { cause?: unknown; subject?: string },
  ) {
    super(reason, message, options);
    this.subject = options?.subject;
  }
  /** What the error is about (a task id, branch, ref or folder), for adapters that word it in another language. */
  readonly subject?: string;
  static is(e: unknown, reason?: GitErrorReason): e is GitError {
    return e instanceof GitError && (reason === undefined || e.reason === reason);
  }
}

export interface GitRunOptions {
  signal?: AbortSignal;
  /** Default 60 s; git on a huge repo can be slow, but a hung credential prompt must not hang the orchestrator. */
  timeoutMs?: number;
  /** Set on top of the inherited environment. */
  env?: Record<string, string>;
  input?: string;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). Default [0]. */
  okExitCodes?: readonly number[];
  log?: Logger;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * execa is ESM-only and some of its dependencies export no `require` condition, so a static import
 * breaks wherever this file runs as CommonJS (the unit tests under tsx). A dynamic import works in both;
 * esbuild still bundles it.
 */
let execaModule: Promise<typeof ExecaModule> | undefined;
const loadExeca = () => (execaModule ??= import('execa'));

/**
 * Variables that would point git at another repository or index than the one in `cwd`. They leak in
 * when F-MES itself runs from a git hook, so they are dropped unless a caller sets them explicitly.
 */
const REPO_SELECTING_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_PREFIX',
  'GIT_NAMESPACE',
];

function gitEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !REPO_SELECTING_VARS.includes(k)) env[k] = v;
  // Stable (English) messages for the error mapping below, and never a prompt that waits for a person.
  env.LC_ALL = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_MERGE_AUTOEDIT = 'no';
  return { ...env, ...extra };
}

/** Like VS Code git's getGitErrorCode: the only place git's stderr text is interpreted. */
function reasonOf(exitCode: number | undefined, stderr: string): GitErrorReason {
  if (exitCode === 128 && /not a git repository/i.test(stderr)) return 'notARepo';
  if (/would be overwritten by (merge|checkout)/i.test(stderr)) return 'dirty';
  if (
    /unknown revision|not a valid object name|bad revision|invalid reference|not something we can merge|needed a single revision/i.test(
      stderr,
    )
  )
    return 'notFound';
  return 'failed';
}

/** Runs one git command. Never goes through a shell; logs the argv at debug level. */
export async function git(cwd: string, args: readonly string[], o: GitRunOptions = {}): Promise<GitResult> {
  o.log?.debug(`git ${args.join(' ')} (in ${cwd})`);
  const { execa } = await loadExeca();
  const r = await execa('git', [...args], {
    cwd,
    env: gitEnv(o.env),
    extendEnv: false,
    input: o.input ?? '',
    timeout: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    cancelSignal: o.signal,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
    windowsHide: true,
  });
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const ok = o.okExitCodes ?? [0];
  if (r.exitCode !== undefined && !r.timedOut && !r.isCanceled && ok.includes(r.exitCode))
    return { stdout, stderr, exitCode: r.exitCode };
  const what = r.timedOut
    ? 'timed out'
    : r.isCanceled
      ? 'was cancelled'
      : r.exitCode === undefined
        ? `could not run (${r.shortMessage})`
        : `exited with ${r.exitCode}`;
  const err = new GitError(
    r.timedOut || r.isCanceled ? 'failed' : reasonOf(r.exitCode, stderr),
    `git ${args.join(' ')} ${what}${stderr.trim() ? `: ${stderr.trim().split('\n')[0]}` : ''}`,
    args,
    stderr,
    r.exitCode,
    { cause: r.cause },
  );
  o.log?.debug(err.message);
  throw err;
}

/** stdout without the trailing newline, for one-value commands. */
export async function gitLine(cwd: string, args: readonly string[], o?: GitRunOptions): Promise<string> {
  return (await git(cwd, args, o)).stdout.replace(/\r?\n$/, '');
}

/** The commit a revision names, or undefined when it names none. */
export async function resolveCommit(cwd: string, rev: string, o?: GitRunOptions): Promise<string | undefined> {
  const r = await git(cwd, ['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`], {
    ...o,
    okExitCodes: [0, 1],
  });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Is `ancestor` reachable from `descendant`? */
export async function isAncestor(
  cwd: string,
  ancestor: string,
  descendant: string,
  o?: GitRunOptions,
): Promise<boolean> {
  return (
    (await git(cwd, ['merge-base', '--is-ancestor', ancestor, descendant], { ...o, okExitCodes: [0, 1] })).exitCode ===
    0
  );
}

/** The top level of the checkout (main or linked worktree) that `cwd` is in. */
export async function checkoutRoot(cwd: string, o?: GitRunOptions): Promise<string> {
  return path.resolve(await gitLine(cwd, ['rev-parse', '--show-toplevel'], o));
}

/** This checkout's own git dir (`.git`, or `.git/worktrees/<id>` in a linked worktree), absolute. */
export async function gitDir(cwd: string, o?: GitRunOptions): Promise<string> {
  return path.resolve(cwd, await gitLine(cwd, ['rev-parse', '--path-format=absolute', '--git-dir'], o));
}

/** The git dir shared by all worktrees (where refs, objects and info/exclude live), absolute. */
export async function commonDir(cwd: string, o?: GitRunOptions): Promise<string> {
  return path.resolve(cwd, await gitLine(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir'], o));
}

/** The main worktree's top level, even when `cwd` is inside a linked worktree (`.trees/…`). */
export async function repoRoot(cwd: string): Promise<string> {
  const out = (await git(cwd, ['worktree', 'list', '--porcelain', '-z'])).stdout;
  // git lists the main worktree first.
  const main = parseWorktreeListZ(out)[0];
  if (!main || main.bare)
    throw new GitError('notARepo', `${cwd} is not in a repository with a main worktree`, ['worktree', 'list']);
  return path.resolve(main.path);
}
