import * as fs from 'node:fs';
import * as path from 'node:path';
import { FINE_MARGIN_MS, timestampMargin } from '../fs/timestampMargin';
import { ancestorsOf, type PathKind, type WorkspacePath, type WorkspacePaths } from '../paths/workspacePath';
import { AGENT_MARKER } from './agentMarker';

/**
 * A memo of what the acquire hot path learns about the folders above a path, so that repeated acquisitions
 * of `a/b/c.ts` do not pay an lstat per segment (symlink resolution) plus a stat of `.agent_lock` in every
 * folder above it on each call.
 *
 * Everything remembered about `a/b/c.ts` below the root is a fact about the *entries* of the folders `a` and
 * `a/b`: that `b` and `c.ts` are not symbolic links, what `c.ts` is, and that neither folder has an
 * `.agent_lock`. Any change to a folder's entries (create, unlink, rename, symlink, mkdir) sets that folder's
 * ctime to the current time, and ctime cannot be set from user space (utimes stamps it with now). So one
 * lstat per folder re-proves the memo: same device, inode and ctime as when remembered means the entries
 * are unchanged. The lstat of `a` also re-proves the root's entry `a` (a folder, not a link, the same inode);
 * the root's own `.agent_lock` is still stat'ed on every acquire by the coverage check, which costs less than
 * an lstat of the root.
 *
 * Why an unchanged ctime proves it, given coarse clocks: the kernel stamps ctime from a clock that lags real
 * time by at most one tick, and a file system may round it down to its granularity. A folder is remembered
 * only if its ctime was older than `t0 - margin`, where t0 is read before anything is looked at and the margin
 * exceeds tick plus granularity. Any change after t0 is stamped at least `t0 - tick`, later than the
 * remembered ctime, so it cannot go unnoticed; a change before t0 is already in what was looked at.
 * Folders changed within the margin are simply not remembered (the full checks run). File systems whose
 * attributes are cached by the client (NFS) weaken this exactly as they already weaken the plain stat checks.
 *
 * The memo is only about naming and the foreign `.agent_lock` convention; it is not part of the lock
 * protocol's exclusion argument (lock files are still created exclusively and ancestors' lock files are still
 * stat'ed after the create, see conflictCheck.ts).
 */

const MAX_ENTRIES = 512;

interface FolderStamp {
  abs: string;
  dev: number;
  ino: number;
  ctimeMs: number;
}

interface Entry {
  path: WorkspacePath;
  kind: PathKind;
  /** The folders between the root and the path, outermost first. */
  folders: FolderStamp[];
}

export interface MemoResolved {
  path: WorkspacePath;
  kind: PathKind;
  /** True when the folders above `path`, except the root, are known to have no `.agent_lock`. */
  markerFreeBelowRoot: boolean;
}

export class PathMemo {
  private readonly entries = new Map<string, Entry>();
  /** Inputs whose folders changed too recently to remember, and when to try again. */
  private readonly retryAt = new Map<string, number>();
  /** Acquisitions served from the memo (diagnostics and tests). */
  hits = 0;

  constructor(private readonly paths: WorkspacePaths) {}

  /** Resolves `input` like {@link WorkspacePaths.resolve}, from the memo when its folders are unchanged. */
  resolve(input: string): MemoResolved {
    const known = this.entries.get(input);
    if (known) {
      if (known.folders.every(unchanged)) {
        this.hits++;
        return { path: known.path, kind: known.kind, markerFreeBelowRoot: true };
      }
      this.entries.delete(input);
    }
    const t0 = Date.now();
    const r = this.paths.resolve(input);
    if ((this.retryAt.get(input) ?? 0) > t0) return { ...r, markerFreeBelowRoot: false };
    const entry = this.remember(input, r.path, r.kind, t0);
    if (!entry) {
      this.bounded(this.retryAt).set(input, t0 + FINE_MARGIN_MS);
      return { ...r, markerFreeBelowRoot: false };
    }
    this.retryAt.delete(input);
    this.bounded(this.entries).set(input, entry);
    return { ...r, markerFreeBelowRoot: true };
  }

  /** Forgets everything (tests; callers never need it for correctness). */
  clear(): void {
    this.entries.clear();
    this.retryAt.clear();
  }

  private remember(input: string, p: WorkspacePath, kind: PathKind, t0: number): Entry | undefined {
    // Only plain inputs of files below a folder: a folder lock scans below itself anyway, a path at the root
    // gains nothing, and an input that went through a link depends on folders outside its own chain.
    if (kind !== 'file' && kind !== 'missing') return undefined;
    if (input !== p && input !== path.join(this.paths.realRoot, p)) return undefined;
    const dirs = ancestorsOf(p).slice(0, -1).reverse();
    if (dirs.length === 0) return undefined;
    const folders: FolderStamp[] = [];
    for (const d of dirs) {
      const abs = path.join(this.paths.realRoot, d);
      const st = fs.lstatSync(abs, { throwIfNoEntry: false });
      if (!st?.isDirectory()) return undefined;
      if (st.ctimeMs > t0 - timestampMargin(st.ctimeMs)) return undefined;
      // Anything at all named .agent_lock (even a dangling link, whose target could appear unnoticed) keeps
      // this path on the full checks.
      if (fs.lstatSync(path.join(abs, AGENT_MARKER), { throwIfNoEntry: false })) return undefined;
      folders.push({ abs, dev: st.dev, ino: st.ino, ctimeMs: st.ctimeMs });
    }
    return { path: p, kind, folders };
  }

  private bounded<V>(m: Map<string, V>): Map<string, V> {
    if (m.size >= MAX_ENTRIES) m.clear();
    return m;
  }
}

function unchanged(f: FolderStamp): boolean {
  const st = fs.lstatSync(f.abs, { throwIfNoEntry: false });
  return st !== undefined && st.isDirectory() && st.ino === f.ino && st.dev === f.dev && st.ctimeMs === f.ctimeMs;
}
