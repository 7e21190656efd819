import * as fs from 'node:fs';
import * as path from 'node:path';
import { git } from '../git/git';

/** The lines a mission added or changed in one file; `all` when the file is new (or git cannot say). */
export type ChangedLines = { all: true } | { all: false; lines: ReadonlySet<number> };

/**
 * Parses `git diff --unified=0` output into the new-side line numbers of each file. Pure, for captured output.
 * Only `+++ b/<path>` headers name files (a deleted file has `+++ /dev/null` and is left out: nothing of it
 * remains to check). Quoted paths (`"b/sp\303\251cial.ts"`, git's core.quotePath) are unquoted.
 */
export function parseUnifiedZero(diff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = unquote(line.slice(4));
      current = name.startsWith('b/') ? new Set<number>() : undefined;
      if (current) out.set(name.slice(2), current);
      continue;
    }
    const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (h && current) {
      const start = Number(h[1]);
      const count = h[2] === undefined ? 1 : Number(h[2]);
      for (let i = 0; i < count; i++) current.add(start + i);
    }
  }
  return out;
}

function unquote(s: string): string {
  const t = s.replace(/\t.*$/, '');
  if (!t.startsWith('"')) return t;
  const bytes: number[] = [];
  const body = t.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i];
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * What the mission changed, line by line: against `base` in `cwd` (a commit; the working tree is compared, so
 * this serves a committed branch and an in-place run alike). A changed file git does not know (untracked) counts
 * as new: every line of it is the mission's.
 */
export async function changedLines(
  cwd: string,
  base: string,
  files: readonly string[],
): Promise<Map<string, ChangedLines>> {
  const out = new Map<string, ChangedLines>();
  if (files.length === 0) return out;
  const { stdout } = await git(cwd, ['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', base, '--']);
  const parsed = parseUnifiedZero(stdout);
  const { stdout: created } = await git(cwd, ['diff', '--name-only', '--diff-filter=A', '--no-renames', '-z', base]);
  const added = new Set(created.split('\0').filter(Boolean));
  for (const f of files) {
    const lines = parsed.get(f);
    if (added.has(f) || !lines) out.set(f, { all: true });
    else out.set(f, { all: false, lines });
  }
  return out;
}

/** Whether a finding on lines `from..to` (1-based, inclusive) touches what the mission changed. */
export function touches(c: ChangedLines | undefined, from: number, to = from): boolean {
  if (!c) return false;
  if (c.all) return true;
  for (let l = from; l <= to; l++) if (c.lines.has(l)) return true;
  return false;
}

/** Reads a changed file inside `cwd`, or undefined when it is gone, not a regular file, or outside `cwd`. */
export async function readChanged(cwd: string, rel: string, maxBytes = 2 * 1024 * 1024): Promise<string | undefined> {
  const abs = path.resolve(cwd, rel);
  const realRoot = await fs.promises.realpath(cwd);
  const real = await fs.promises.realpath(abs).catch(() => undefined);
  // A symlink the agent left pointing out of the worktree is not read: its target is not the mission's code.
  if (!real || (real !== realRoot && !real.startsWith(realRoot + path.sep))) return undefined;
  const st = await fs.promises.stat(real).catch(() => undefined);
  if (!st?.isFile() || st.size > maxBytes) return undefined;
  return fs.promises.readFile(real, 'utf8');
}
