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
 * Undefined when the path lies outside the workspace.
 */
export function logicalPath(abs: string, mainRoot: string): string | undefined {
  const rel = path.relative(mainRoot, path.resolve(abs));
  if (rel === '' ) return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const parts = rel.split(path.sep);
  if (parts[0] === TREES_DIR && parts.length >= 2) {
    const inner = parts.slice(2).join('/');
    return inner === '' ? '.' : inner;
  }
  return parts.join('/');
}
