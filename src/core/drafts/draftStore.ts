import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../fs/atomicWrite';

/** Where text typed into a locked file is kept, under the file's own workspace-relative name. */
export const DRAFTS_DIR = path.join('.fmes', 'drafts');

/**
 * Text a person typed into a file while an agent held its lock. The editor refuses the edit (the file stays
 * read-only and its buffer goes back to the disk's text); the text is kept here, named after the file
 * (`.fmes/drafts/src/a.ts` for `src/a.ts`, so it opens with the same language), and offered back when the
 * lock frees. Agents write this workspace too, so every path is checked: a workspace path that leaves the
 * root, or a drafts folder reached through a symlink, is refused rather than followed.
 */
export class DraftStore {
  private readonly dir: string;

  constructor(private readonly root: string) {
    this.dir = path.join(root, DRAFTS_DIR);
  }

  /** The draft file for a workspace-relative path (`/`-separated); undefined for a path outside the workspace. */
  pathOf(rel: string): string | undefined {
    if (rel === '' || rel.includes('\0') || path.isAbsolute(rel)) return undefined;
    const parts = rel.split(/[\\/]/);
    if (parts.some((p) => p === '..' || p === '')) return undefined;
    // A draft of a file inside .fmes/ itself would nest drafts in drafts.
    if (parts[0] === '.fmes') return undefined;
    return path.join(this.dir, ...parts);
  }

  /** Keeps `text` as the draft of `rel`; returns the draft's path, or undefined when the path is refused. */
  write(rel: string, text: string): string | undefined {
    const file = this.pathOf(rel);
    if (!file || !this.noLinkOnTheWay(file)) return undefined;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!this.insideReal(path.dirname(file))) return undefined;
    writeFileAtomicSync(file, text);
    return file;
  }

  read(rel: string): string | undefined {
    const file = this.pathOf(rel);
    if (!file || !this.insideReal(path.dirname(file))) return undefined;
    try {
      const st = fs.lstatSync(file);
      return st.isFile() ? fs.readFileSync(file, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  }

  has(rel: string): boolean {
    return this.read(rel) !== undefined;
  }

  remove(rel: string): void {
    const file = this.pathOf(rel);
    if (!file || !this.insideReal(path.dirname(file))) return;
    fs.rmSync(file, { force: true });
  }

  /** Every draft kept, as the workspace-relative paths of their files (symlinks are skipped). */
  list(): string[] {
    const out: string[] = [];
    const walk = (dir: string, prefix: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(dir, e.name), rel);
        else if (e.isFile() && !(e.name.startsWith('.') && e.name.endsWith('.tmp'))) out.push(rel);
      }
    };
    if (this.insideReal(this.dir)) walk(this.dir, '');
    return out.sort();
  }

  /** No folder between the root and `file` is a symlink (checked before mkdir, which would follow one). */
  private noLinkOnTheWay(file: string): boolean {
    let at = this.root;
    for (const part of path.relative(this.root, path.dirname(file)).split(path.sep)) {
      at = path.join(at, part);
      try {
        if (!fs.lstatSync(at).isDirectory()) return false;
      } catch {
        return true; // from here on the folders are ours to create
      }
    }
    return true;
  }

  /** True when `dir`, with symlinks resolved, is inside the drafts folder (itself not a symlink). */
  private insideReal(dir: string): boolean {
    try {
      const base = fs.realpathSync(this.dir);
      if (base !== path.join(fs.realpathSync(this.root), DRAFTS_DIR)) return false;
      const real = fs.realpathSync(dir);
      return real === base || real.startsWith(base + path.sep);
    } catch {
      return false;
    }
  }
}
