import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlan } from '../core/artifacts/parseArtifact';
import { PLANS_DIR, type InvalidPlanEntry, type PlanEntry, type PlanListing } from '../core/artifacts/plans';
import { errorMessage, isErrnoException } from '../core/errors';

/** Larger files are not served: a plan or TODO.md is a few KiB; this bounds what one call makes the server hold. */
export const MAX_SERVED_FILE_BYTES = 4 * 1024 * 1024;

export type InsideRead = { ok: true; text: string } | { ok: false; reason: string; missing?: boolean };

/** A plan file not served, and why (it leads outside the workspace, it is not a regular file, …). */
export interface RefusedPlanEntry {
  /** Workspace-relative, with `/` separators. */
  file: string;
  reason: string;
}

export interface ServedPlanListing extends PlanListing {
  refused: RefusedPlanEntry[];
}

/** Whether `real` (symlinks resolved) is `realRoot` or inside it. */
export function isWithin(realRoot: string, real: string): boolean {
  const rel = path.relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Reads a file only if what was read lies inside the workspace under every spelling: the file is opened first,
 * then its real path (symlinks anywhere on the way, a symlinked folder, `..`) must be inside `realRoot` and
 * name the very inode that was opened. Checking the opened file rather than the name leaves no window for a
 * link swapped between the check and the read. Opened non-blocking, so a FIFO planted there cannot hang the server.
 */
export async function readInside(realRoot: string, abs: string): Promise<InsideRead> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return {
      ok: false,
      reason: `cannot read it (${errorMessage(e)})`,
      missing: isErrnoException(e, 'ENOENT') || undefined,
    };
  }
  try {
    const st = await fh.stat({ bigint: true });
    if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
    let real: string;
    try {
      real = await fs.promises.realpath(abs);
    } catch {
      return { ok: false, reason: 'it changed while being read' };
    }
    if (!isWithin(realRoot, real)) return { ok: false, reason: 'it leads outside the workspace (a symbolic link)' };
    const named = await fs.promises.stat(real, { bigint: true }).catch(() => undefined);
    if (named?.ino !== st.ino || named.dev !== st.dev) return { ok: false, reason: 'it changed while being read' };
    if (st.size > BigInt(MAX_SERVED_FILE_BYTES))
      return { ok: false, reason: `larger than ${MAX_SERVED_FILE_BYTES} bytes` };
    return { ok: true, text: await fh.readFile('utf8') };
  } finally {
    await fh.close();
  }
}

/**
 * `.antigravity/plans/*.md` as readPlans lists them (name order, dot files skipped), each read through
 * readInside: a plan that leads outside the workspace is listed as refused, never parsed or served.
 */
export async function readPlansInside(root: string, realRoot: string): Promise<ServedPlanListing> {
  let names: string[];
  try {
    names = await fs.promises.readdir(path.join(root, PLANS_DIR));
  } catch {
    return { valid: [], invalid: [], refused: [] };
  }
  const valid: PlanEntry[] = [];
  const invalid: InvalidPlanEntry[] = [];
  const refused: RefusedPlanEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort()) {
    const file = `${PLANS_DIR}/${name}`;
    const r = await readInside(realRoot, path.join(root, file));
    if (!r.ok) {
      refused.push({ file, reason: r.reason });
      continue;
    }
    const parsed = parsePlan(r.text, file);
    if (parsed.ok) valid.push({ file, plan: parsed.value });
    else invalid.push({ file, issues: parsed.error.issues });
  }
  return { valid, invalid, refused };
}
