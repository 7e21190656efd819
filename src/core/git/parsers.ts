/**
 * Pure parsers for git's machine-readable (`-z`) output. Kept apart from the runner so they can be tested
 * on captured output. Paths come back as git prints them: relative to the top level, with `/`.
 */

export interface WorktreeEntry {
  path: string;
  head?: string;
  /** Full ref name (`refs/heads/…`); absent when detached or bare. */
  branch?: string;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  prunable: boolean;
}

/** `git worktree list --porcelain -z`: attributes end in NUL, records end in an extra NUL. */
export function parseWorktreeListZ(out: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | undefined;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (cur) entries.push(cur);
      cur = undefined;
      continue;
    }
    const sp = field.indexOf(' ');
    const key = sp < 0 ? field : field.slice(0, sp);
    const value = sp < 0 ? '' : field.slice(sp + 1);
    if (key === 'worktree') {
      if (cur) entries.push(cur);
      cur = { path: value, bare: false, detached: false, locked: false, prunable: false };
      continue;
    }
    if (!cur) continue;
    switch (key) {
      case 'HEAD':
        cur.head = value;
        break;
      case 'branch':
        cur.branch = value;
        break;
      case 'bare':
        cur.bare = true;
        break;
      case 'detached':
        cur.detached = true;
        break;
      case 'locked':
        cur.locked = true;
        break;
      case 'prunable':
        cur.prunable = true;
        break;
    }
  }
  if (cur) entries.push(cur);
  return entries;
}

export interface StatusEntry {
  /** Index status (X). */
  x: string;
  /** Working tree status (Y). */
  y: string;
  path: string;
  /** The source of a rename or copy. */
  origPath?: string;
}

/** `git status --porcelain=v1 -z`: `XY path\0`, and for renames and copies `XY new\0old\0`. */
export function parseStatusZ(out: string): StatusEntry[] {
  const fields = out.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.length < 4) continue;
    const e: StatusEntry = { x: f[0], y: f[1], path: f.slice(3) };
    if (e.x === 'R' || e.x === 'C' || e.y === 'R' || e.y === 'C') e.origPath = fields[++i];
    entries.push(e);
  }
  return entries;
}

const UNMERGED = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);

export function isUnmerged(e: StatusEntry): boolean {
  return UNMERGED.has(e.x + e.y);
}

export interface MergeTreeResult {
  tree: string;
  conflicts: string[];
}

/**
 * `git merge-tree --write-tree --name-only -z`: the tree id, then one conflicted path per field, then
 * (unless --no-messages) an empty field and the informational messages, which are ignored here.
 */
export function parseMergeTreeZ(out: string): MergeTreeResult {
  const fields = out.split('\0');
  const tree = fields[0].trim();
  const conflicts: string[] = [];
  for (let i = 1; i < fields.length && fields[i] !== ''; i++)
    if (!conflicts.includes(fields[i])) conflicts.push(fields[i]);
  return { tree, conflicts };
}

export interface NameStatusEntry {
  /** A, M, D, T, R, C, U… (the score of R/C is dropped). */
  status: string;
  path: string;
  origPath?: string;
}

/** `git diff --name-status -z`: `S\0path\0`, and for renames and copies `Rnnn\0old\0new\0`. */
export function parseNameStatusZ(out: string): NameStatusEntry[] {
  const fields = out.split('\0');
  const entries: NameStatusEntry[] = [];
  for (let i = 0; i + 1 < fields.length;) {
    const status = fields[i++];
    if (status === '') continue;
    const letter = status[0];
    if (letter === 'R' || letter === 'C') {
      const origPath = fields[i++];
      entries.push({ status: letter, path: fields[i++], origPath });
    } else {
      entries.push({ status: letter, path: fields[i++] });
    }
  }
  return entries;
}

/** NUL-separated path lists (`ls-files -z`, `diff --name-only -z`, `ls-tree --name-only -z`). */
export function parseNulList(out: string): string[] {
  return out.split('\0').filter((s) => s !== '');
}
