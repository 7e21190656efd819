import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where shadow worktrees live: `<workspace>/.trees/<agent>-<task>/`. */
export const TREES_DIR = '.trees';

/**
 * The main workspace of a path that may lie in a shadow worktree: `/repo/.trees/claude-T1/src` → `/repo`.
 * Locks live in the main workspace's `.locks/` only, so every worktree shares them.
 */
export function mainWorkspaceOf(dir: string): string {
  const abs = path.resolve(dir);
  const marker = `${path.sep}${TREES_DIR}${path.sep}`;
  const i = abs.indexOf(marker);
  return i >= 0 ? abs.slice(0, i) : abs;
}

/**
 * The logical workspace path of an absolute path: relative to the main workspace, with a worktree's
 * `.trees/<name>/` prefix removed, so `src/a.ts` in any worktree is the same `src/a.ts` that locks name.
 * Undefined when the path lies outside the workspace. String comparison only: see WorkspaceLocator for paths
 * that may be spelled another way.
 */
export function logicalPath(abs: string, mainRoot: string): string | undefined {
  const rel = path.relative(mainRoot, path.resolve(abs));
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return logicalOfRelative(rel.split(path.sep));
}

function logicalOfRelative(parts: readonly string[]): string {
  if (parts[0] === TREES_DIR && parts.length >= 2) {
    const inner = parts.slice(2).join('/');
    return inner === '' ? '.' : inner;
  }
  return parts.join('/');
}

interface Anchor {
  dev: number;
  ino: number;
  logical: string;
}

/**
 * Finds the logical workspace path of a resolved absolute path, also when it reaches the workspace through
 * another name than its real path (a bind mount, another mount of the same file system): the folders above the
 * path are compared with the workspace root by device and inode, not by string prefix. Extra anchors (locked
 * folders, protected folders) can be added, so that another name for one of them maps to it as well.
 */
export class WorkspaceLocator {
  readonly realRoot: string;
  private readonly anchors: Anchor[] = [];

  constructor(root: string) {
    this.realRoot = fs.realpathSync.native(root);
    const st = fs.statSync(this.realRoot);
    this.anchors.push({ dev: st.dev, ino: st.ino, logical: '.' });
  }

  /** Another folder of the workspace (by its logical path) whose other names should map to it. */
  addAnchor(logical: string): void {
    if (logical === '.' || this.anchors.some((a) => a.logical === logical)) return;
    try {
      const st = fs.statSync(path.join(this.realRoot, logical));
      if (st.isDirectory()) this.anchors.push({ dev: st.dev, ino: st.ino, logical });
    } catch {
      // Not there: nothing else can name it.
    }
  }

  /** The logical path of `realAbs` (already resolved by resolveReal), or undefined outside the workspace. */
  logical(realAbs: string): string | undefined {
    if (realAbs === this.realRoot) return '.';
    if (realAbs.startsWith(this.realRoot + '/'))
      return logicalOfRelative(realAbs.slice(this.realRoot.length + 1).split('/'));
    // Another name: look for an anchor among the existing folders above (and at) the path.
    let dir = realAbs;
    const tail: string[] = [];
    for (;;) {
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(dir);
      } catch {
        st = undefined;
      }
      if (st) {
        const a = this.anchors.find((x) => x.dev === st.dev && x.ino === st.ino);
        if (a) {
          const parts = [...(a.logical === '.' ? [] : a.logical.split('/')), ...tail.reverse()];
          return parts.length === 0 ? '.' : logicalOfRelative(parts);
        }
      }
      const up = path.dirname(dir);
      if (up === dir) return undefined;
      tail.push(path.basename(dir));
      dir = up;
    }
  }
}
