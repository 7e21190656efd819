import * as path from 'node:path';
import { inside, type FsPolicy } from './policy';

/** Where the run's own files appear inside the sandbox (a tmpfs over /run). */
export const SANDBOX_RUN_DIR = '/run/fmes';

export interface BwrapInput {
  policy: FsPolicy;
  /** Working directory inside. */
  cwd: string;
  /** Host files bound read-only at fixed paths inside: the env file, the bridge sockets. */
  files: readonly { host: string; inside: string }[];
  /** FMES_BROKER's socket: bound at the same path when set. */
  brokerSocket?: string;
  /** A mode-000 file on the host that stands in for hidden files. */
  deniedFile: string;
  kind(p: string): 'dir' | 'file' | 'missing';
}

interface Mount {
  path: string;
  how: 'rw' | 'ro' | 'pin';
}

/**
 * bubblewrap's arguments for a policy (everything before `--`): new namespaces for user, pid, ipc, uts, cgroup
 * and network (only loopback), no nested user namespaces, no capabilities, killed with its parent, its own
 * session (no TIOCSTI into the caller's terminal), an empty environment. The root is read-only, whole folders
 * are hidden under an empty tmpfs, then what the run needs is bound back, broadest first, so a narrower bind
 * always wins. Every folder between a writable region and a read-only path in it is bound onto itself (a
 * mount point cannot be renamed away: EBUSY), so the read-only path cannot be swapped for a writable copy.
 */
export function bwrapArgs(i: BwrapInput): string[] {
  const p = i.policy;
  const a = [
    '--die-with-parent',
    '--new-session',
    '--unshare-user',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--unshare-net',
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
  ];
  for (const d of p.hideFirst) a.push('--tmpfs', d);
  for (const d of p.readBack) a.push('--ro-bind', d, d);
  for (const d of p.hideInside) a.push('--tmpfs', d);
  for (const m of mounts(p)) {
    if (m.how === 'ro') a.push('--ro-bind', m.path, m.path);
    else a.push('--bind', m.path, m.path);
  }
  // Read-only only now: the run's own worktree was bound into it above (its mount point made in the tmpfs).
  for (const d of p.hideInside) a.push('--remount-ro', d);
  for (const s of p.hide) {
    const k = i.kind(s);
    if (k === 'dir') a.push('--tmpfs', s, '--remount-ro', s);
    else if (k === 'file') a.push('--ro-bind', i.deniedFile, s);
  }
  for (const f of i.files) a.push('--ro-bind', f.host, f.inside);
  if (i.brokerSocket) a.push('--bind', i.brokerSocket, i.brokerSocket);
  a.push('--clearenv', '--chdir', i.cwd);
  return a;
}

/** The read-write and read-only binds with their pins, in the order they must be applied. */
export function mounts(p: FsPolicy): Mount[] {
  const byPath = new Map<string, Mount>();
  for (const w of p.writable) byPath.set(w, { path: w, how: 'rw' });
  for (const r of p.readOnly) byPath.set(r, { path: r, how: 'ro' });
  for (const r of p.readOnly) {
    // The nearest writable region holding r: pin every folder between it and r.
    const base = p.writable.filter((w) => inside(r, w) && w !== r).sort((x, y) => y.length - x.length)[0];
    if (!base) continue;
    for (let d = path.dirname(r); d !== base && inside(d, base); d = path.dirname(d)) {
      if (byPath.has(d)) continue;
      // Inside a read-only path nothing can be renamed anyway.
      if (p.readOnly.some((o) => inside(d, o))) continue;
      byPath.set(d, { path: d, how: 'pin' });
    }
  }
  const depth = (x: string) => x.split(path.sep).length;
  return [...byPath.values()].sort((x, y) => depth(x.path) - depth(y.path) || (x.path < y.path ? -1 : 1));
}
