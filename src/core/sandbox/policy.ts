import * as path from 'node:path';

/** A lock held when the run starts: its workspace-relative path and its holder. */
export interface LockEntry {
  path: string;
  agent: string | undefined;
}

/** What the policy needs to know about the disk; the launcher passes the real one, tests a fake. */
export interface FsProbe {
  /** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
  realish(this: void, p: string): string;
  kind(this: void, p: string): 'dir' | 'file' | 'missing';
}

export interface PolicyInput {
  /** The main workspace (real path). */
  root: string;
  /** Where the agent works: the workspace or its shadow worktree (real path). */
  cwd: string;
  agentId: string;
  /** In-place mission runs: the plan's declared files and folders (workspace-relative). */
  declared?: readonly string[];
  /** Locks held when the run starts (the lock folder and `.agent_lock` markers). */
  locks: readonly LockEntry[];
  /** The run's HOME and the F-MES process's own home. */
  home: string;
  realHome: string;
  /** The run's temp dir and the CLI's state dirs and files (writable). */
  tmpDir: string;
  stateDirs: readonly string[];
  /** `sandbox.extraWritable`: absolute, or relative to the workspace. */
  extraWritable: readonly string[];
  /** Directories hidden first that the run still needs to read (the CLI's install dir, node). */
  readBack: readonly string[];
  /** Secrets to hide (dirs and files), in and out of HOME. */
  secrets: readonly string[];
  /**
   * Paths inside F-MES's state left writable inside the sandbox: none since the hook reports through the run's
   * broker (FMES_BROKER); kept as a seam for a state file a CLI must write.
   */
  hookWritable: readonly string[];
  /** A worktree's own git dir (`<root>/.git/worktrees/<name>`, named by its `.git` file). */
  gitDir?: string;
  /**
   * A run that only reads (reviewer, auditor, planner): the worktree or the workspace is bound read-only and
   * only the temp dir and the CLI's state stay writable. The CLI's own read-only mode cannot be the guard inside
   * this sandbox: Codex's needs a nested bubblewrap, so Codex runs here with its sandbox off (codexProvider.ts).
   */
  readOnly?: boolean;
}

export interface FsPolicy {
  /** Replaced by an empty tmpfs before anything is bound back. */
  hideFirst: string[];
  /** Bound back read-only, broadest first. */
  readBack: string[];
  /** Hidden inside what was bound back, before the writable binds (other agents' worktrees). */
  hideInside: string[];
  /** Bound read-write, broadest first. */
  writable: string[];
  /** Bound read-only on top of the writable ones (each with its ancestors pinned), broadest first. */
  readOnly: string[];
  /** Locked paths that do not exist yet: an empty directory is created there for the run and bound read-only. */
  placeholders: string[];
  /**
   * Protected files that do not exist when the run starts, inside a writable region (`.mcp.json`, a settings
   * file): the sandbox cannot bind what is not there, so F-MES moves whatever the run created there out of the
   * way when it ends, before any tool on the host reads it.
   */
  missingProtected: string[];
  /** Made unreadable last (dir: empty tmpfs, file: a mode-000 file). */
  hide: string[];
}

/** F-MES's own state and the files that make tools run code on the host: read-only wherever they are writable. */
export const PROTECTED = [
  '.locks',
  '.fmes',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.gemini/settings.json',
  '.codex/config.toml',
  '.mcp.json',
  '.git/hooks',
  '.git/config',
  '.agent_lock',
] as const;

export const inside = (p: string, dir: string): boolean => {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
};

const depth = (p: string) => p.split(path.sep).length;
const broadestFirst = (ps: Iterable<string>) =>
  [...new Set(ps)].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));

/** A workspace-relative path inside `base`, or undefined when it climbs out (`..`) or is absolute. */
function under(base: string, rel: string): string | undefined {
  if (path.isAbsolute(rel)) return undefined;
  const abs = path.resolve(base, rel);
  return inside(abs, base) ? abs : undefined;
}

/**
 * The run's filesystem policy, from the run and the locks held when it starts. Writable: the worktree (a run
 * in place: the plan's declared files' folders, or the workspace without a plan), the temp dir, the CLI's
 * state. Read-only inside those: F-MES's state, the worktree's `.git` file, and every path another agent holds,
 * resolved through symlinks. A writable region that another agent's lock covers is left read-only.
 */
export function sandboxPolicy(i: PolicyInput, fsp: FsProbe): FsPolicy {
  const inWorktree = i.cwd !== i.root;
  const others = i.locks.filter((l) => l.agent !== i.agentId);

  // The regions the run may write, before locks.
  let regions: string[];
  if (inWorktree) regions = [i.cwd];
  else if (i.declared && i.declared.length > 0)
    regions = i.declared.flatMap((d) => {
      const abs = under(i.root, d);
      if (!abs) return [];
      // Tools write a file through a temp file beside it and a rename: its folder must be writable.
      return [fsp.kind(abs) === 'dir' ? abs : path.dirname(abs)];
    });
  else regions = [i.root];
  regions = regions.map((r) => fsp.realish(r));
  const extra = i.extraWritable
    .map((e) => fsp.realish(path.isAbsolute(e) ? e : path.resolve(i.root, e)))
    // A reader writes nothing of the checkout, whatever `sandbox.extraWritable` opens for writers.
    .filter((e) => !i.readOnly || !(inside(e, i.root) || inside(e, i.cwd)));

  // Locked paths, as this run sees them: in its worktree, and in the workspace when it runs in place.
  const bases = inWorktree ? [i.cwd] : [i.root];
  const locked = others.flatMap((l) =>
    bases.flatMap((b) => {
      const abs = under(b, l.path === '.' ? '' : l.path);
      return abs ? [fsp.realish(abs)] : [];
    }),
  );
  // A region inside (or equal to) a locked path stays read-only as a whole.
  regions = regions.filter((r) => !locked.some((p) => inside(r, p)));
  // A worktree's git dir holds its index: `git status`, `add`, `reset` and `checkout -- f` work inside. Commits
  // do not (objects and refs are the main repository's, read-only): F-MES commits after the run.
  const gitDir = inWorktree && i.gitDir ? fsp.realish(i.gitDir) : undefined;
  const ownGitDir =
    gitDir &&
    inside(gitDir, path.join(i.root, '.git', 'worktrees')) &&
    gitDir !== path.join(i.root, '.git', 'worktrees')
      ? [gitDir]
      : [];
  const writable = broadestFirst([
    ...(i.readOnly ? [] : [...regions, ...ownGitDir]),
    fsp.realish(i.tmpDir),
    ...i.stateDirs.map(fsp.realish),
    ...extra,
  ]);
  const hookWritable = i.hookWritable.map((p) => fsp.realish(p));

  const protectedPaths = [...new Set([i.root, i.cwd])].flatMap((b) =>
    PROTECTED.map((p) => fsp.realish(path.join(b, p))),
  );
  // A worktree's `.git` is a file naming the main repository's gitdir: rewriting it points git elsewhere.
  if (inWorktree) protectedPaths.push(fsp.realish(path.join(i.cwd, '.git')));
  // Where the worktree's HEAD points (F-MES commits there after the run), where its common dir and its own
  // config are: rewritten, they would send F-MES's later git commands elsewhere.
  for (const g of ownGitDir)
    protectedPaths.push(...['HEAD', 'commondir', 'gitdir', 'config.worktree'].map((f) => path.join(g, f)));

  // A reader's worktree is hidden with the others (`.trees`): it comes back read-only.
  const readOnly: string[] = i.readOnly && inWorktree ? [i.cwd] : [];
  const placeholders: string[] = [];
  const missingProtected: string[] = [];
  const writableNow = writable.filter((w) => !hookWritable.includes(w));
  for (const p of [...protectedPaths, ...locked]) {
    if (!writableNow.some((w) => inside(p, w) && p !== w)) continue;
    if (fsp.kind(p) !== 'missing') readOnly.push(p);
    else if (locked.includes(p) && inWorktree) {
      // A path another agent holds that does not exist yet: an empty directory stands in for it in the
      // worktree (git never sees an empty directory), so nothing can be created there.
      placeholders.push(p);
      readOnly.push(p);
    } else if (locked.includes(p)) {
      // In place, a placeholder would show in the shared checkout: its nearest existing folder is read-only.
      let d = path.dirname(p);
      while (fsp.kind(d) === 'missing') d = path.dirname(d);
      if (writableNow.some((w) => inside(d, w))) readOnly.push(d);
    } else missingProtected.push(p);
  }
  // /var/run is a link to /run on the distributions bubblewrap ships with.
  const hideFirst = broadestFirst(['/tmp', '/run', ...[i.realHome, i.home].filter((p) => fsp.kind(p) === 'dir')]);
  const readBack = broadestFirst([i.home, i.root, ...i.readBack].filter((p) => hideFirst.some((h) => inside(p, h))));
  const trees = path.join(i.root, '.trees');
  const hideInside = fsp.kind(trees) === 'dir' ? [trees] : [];
  const keep = [...writable, ...readBack, ...hookWritable];
  // A secret that holds something the run needs would hide it: such a secret is left to the read-only binds.
  const hide = i.secrets.filter((s) => fsp.kind(s) !== 'missing' && !keep.some((k) => inside(k, s)));
  return {
    hideFirst,
    readBack,
    hideInside,
    // Writable again on top of `.fmes` (empty: the hook reports through the broker).
    writable: broadestFirst([...writable, ...hookWritable]),
    readOnly: broadestFirst(readOnly),
    placeholders,
    missingProtected: [...new Set(missingProtected)],
    hide,
  };
}
