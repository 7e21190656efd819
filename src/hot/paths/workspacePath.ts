import * as fs from 'node:fs';
import * as path from 'node:path';
import { PathError } from '../errors';

/**
 * A normalised workspace-relative path: POSIX separators, no `.`/`..` segments, no leading or trailing
 * slash; the workspace root itself is `.`. Produced only by {@link WorkspacePaths.normalize}.
 */
export type WorkspacePath = string & { readonly __workspacePath: unique symbol };

export const ROOT_PATH = '.' as WorkspacePath;

/** What is at a path: a folder, a file, nothing yet, or something else (socket, device). */
export type PathKind = 'dir' | 'file' | 'missing' | 'other';

/** Folders F-MES owns; nobody locks paths inside them. */
const RESERVED = ['.locks', '.git'];

/**
 * Normalises user and agent input into {@link WorkspacePath}s and refuses anything that would escape the
 * workspace: absolute paths outside it, `..` escapes and symlinks that resolve outside it.
 */
export class WorkspacePaths {
  /** The workspace root as given (absolute). */
  readonly root: string;
  /** The workspace root with symlinks resolved. */
  readonly realRoot: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.realRoot = fs.realpathSync.native(this.root);
  }

  /**
   * Normalises `input`. A relative input is taken relative to the workspace root; an absolute one must lie
   * inside it. Symlinks in the existing part of the path are resolved, so two names for one file map to one
   * lock, and a link that points outside the workspace is refused.
   */
  normalize(input: string): WorkspacePath {
    return this.resolve(input).path;
  }

  /** Like {@link normalize}, also telling what is at the path now (learned on the way, at no extra cost). */
  resolve(input: string): { path: WorkspacePath; kind: PathKind } {
    if (typeof input !== 'string' || input.trim() === '') {
      throw new PathError('empty', String(input), 'A path is required.');
    }
    if (input.includes('\0')) {
      throw new PathError('invalidCharacter', input, `The path ${JSON.stringify(input)} contains a NUL character.`);
    }
    let rel: string;
    if (path.isAbsolute(input)) {
      const abs = path.resolve(input);
      rel = this.relativeInside(abs) ?? this.outside(input);
    } else {
      rel = toPosix(input);
      rel = path.posix.normalize(rel);
      if (rel === '..' || rel.startsWith('../')) this.outside(input);
    }
    rel = trimSlashes(rel);
    if (rel === '' || rel === '.') rel = '.';
    // Resolve symlinks in the part of the path that exists.
    const resolved = this.resolveLinks(rel, input);
    rel = resolved.rel;
    // `./ ` (or a link to a file named ` `) would give ` `, which no input could name again (a blank input is
    // refused above): refused the same way, so a path F-MES hands out always normalises to itself.
    if (rel.trim() === '') throw new PathError('empty', input, `The path ${JSON.stringify(input)} names only blanks.`);
    const first = rel.split('/')[0];
    if (RESERVED.includes(first)) {
      throw new PathError(
        'reserved',
        input,
        `The path ${JSON.stringify(input)} is inside ${first}/, which F-MES does not lock.`,
      );
    }
    return { path: rel as WorkspacePath, kind: resolved.kind };
  }

  /** Absolute path of a workspace path. */
  absolute(p: WorkspacePath): string {
    return p === '.' ? this.root : path.join(this.root, ...p.split('/'));
  }

  private relativeInside(abs: string): string | undefined {
    for (const base of [this.root, this.realRoot]) {
      const r = path.relative(base, abs);
      if (r === '') return '.';
      if (!r.startsWith('..') && !path.isAbsolute(r)) return toPosix(r);
    }
    return undefined;
  }

  private outside(input: string): never {
    throw new PathError(
      'outsideWorkspace',
      input,
      `The path ${JSON.stringify(input)} is outside the workspace ${this.root}.`,
    );
  }

  private resolveLinks(rel: string, input: string): { rel: string; kind: PathKind } {
    if (rel === '.') return { rel, kind: 'dir' };
    const segments = rel.split('/');
    // lstat each existing segment (cheap, no exceptions); only a symbolic link needs a realpath.
    let dir = this.realRoot;
    let kind: PathKind = 'missing';
    for (let i = 0; i < segments.length; i++) {
      const next = path.join(dir, segments[i]);
      const st = fs.lstatSync(next, { throwIfNoEntry: false });
      if (!st) {
        kind = 'missing';
        break;
      }
      if (st.isSymbolicLink()) return this.resolveThroughLink(segments, i, input);
      kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      dir = next;
      // Nothing can exist below a file (lstat would fail with ENOTDIR): the rest is missing.
      if (kind !== 'dir' && i < segments.length - 1) {
        kind = 'missing';
        break;
      }
    }
    return { rel, kind };
  }

  private resolveThroughLink(segments: string[], linkIndex: number, input: string): { rel: string; kind: PathKind } {
    let real: string;
    try {
      real = fs.realpathSync.native(path.join(this.realRoot, ...segments.slice(0, linkIndex + 1)));
    } catch {
      // A dangling link: refuse it, since what it would create is not known to lie inside.
      throw new PathError(
        'symlinkEscape',
        input,
        `The path ${JSON.stringify(input)} goes through a dangling symbolic link.`,
      );
    }
    const r = path.relative(this.realRoot, real);
    if (r.startsWith('..') || path.isAbsolute(r)) {
      throw new PathError(
        'symlinkEscape',
        input,
        `The path ${JSON.stringify(input)} resolves through a symbolic link to ${real}, outside the workspace.`,
      );
    }
    const head = r === '' ? [] : toPosix(r).split('/');
    const rest = [...head, ...segments.slice(linkIndex + 1)];
    // Later segments may be links again.
    return rest.length === 0 ? { rel: '.', kind: 'dir' } : this.resolveLinks(rest.join('/'), input);
  }
}

/** The folders that contain `p`, nearest first, ending with the root `.` (empty for the root itself). */
export function ancestorsOf(p: WorkspacePath): WorkspacePath[] {
  if (p === '.') return [];
  const out: WorkspacePath[] = [];
  let i = p.lastIndexOf('/');
  while (i > 0) {
    out.push(p.slice(0, i) as WorkspacePath);
    i = p.lastIndexOf('/', i - 1);
  }
  out.push(ROOT_PATH);
  return out;
}

/** True when `inner` is `outer` or lies inside it. */
export function covers(outer: string, inner: string): boolean {
  return outer === '.' || outer === inner || inner.startsWith(outer + '/');
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

function trimSlashes(p: string): string {
  let s = p;
  while (s.startsWith('./')) s = s.slice(2);
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  while (s.startsWith('/')) s = s.slice(1);
  return s;
}
