import { covers } from '../../hot/paths/workspacePath';

/** Something that keeps a plan from starting now. */
export interface Blocker {
  /** The plan's declared path that is in the way. */
  path: string;
  /** Who holds it: the lock's agent (`unknown` for a lock file that names none) or the running mission's task id. */
  by: string;
  kind: 'lock' | 'mission';
  /** The path the lock or the running mission holds. */
  heldPath: string;
}

export type OverlapVerdict = { ok: true } | { ok: false; blockers: Blocker[] };

/**
 * The form `covers()` compares: POSIX separators, no `./` prefix, no trailing `/` (plans mark folders with
 * one; locks never carry it); the root is `.`.
 */
export function comparablePath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  s = s.replace(/\/+$/, '');
  return s === '' ? '.' : s;
}

/** True when one path is, contains or lies inside the other. */
export function pathsOverlap(a: string, b: string): boolean {
  const x = comparablePath(a);
  const y = comparablePath(b);
  return covers(x, y) || covers(y, x);
}

/**
 * Whether a plan's files are free: a lock or a running mission blocks a declared path when either covers the
 * other (a lock on `src/` blocks `src/a.ts`; a plan declaring `src/` is blocked by a lock on `src/a.ts`).
 * Locks held by `me` do not block (the orchestrator may already hold what it is about to run). A lock file
 * that names no path (unreadable) is skipped here, as the lock manager does when it takes a lock by path.
 */
export function checkOverlap(
  files: readonly string[],
  o: {
    locks: ReadonlyArray<{ path: string | undefined; agent: string | undefined }>;
    running: ReadonlyArray<{ taskId: string; files: readonly string[] }>;
    me: string;
  },
): OverlapVerdict {
  const blockers: Blocker[] = [];
  const seen = new Set<string>();
  const add = (b: Blocker) => {
    const key = JSON.stringify([b.path, b.by, b.kind, b.heldPath]);
    if (!seen.has(key)) blockers.push(b);
    seen.add(key);
  };
  for (const path of files) {
    for (const lock of o.locks) {
      if (lock.path === undefined || lock.agent === o.me || !pathsOverlap(path, lock.path)) continue;
      add({ path, by: lock.agent ?? 'unknown', kind: 'lock', heldPath: lock.path });
    }
    for (const mission of o.running) {
      for (const held of mission.files)
        if (pathsOverlap(path, held)) add({ path, by: mission.taskId, kind: 'mission', heldPath: held });
    }
  }
  return blockers.length === 0 ? { ok: true } : { ok: false, blockers };
}
