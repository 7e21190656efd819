import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { isErrnoException } from '../errors';
import { backoffDelay, sleep } from '../locks/backoff';

export interface GuardedUpdate {
  /** `written`: the change landed; `unchanged`: it changed nothing; `busy`: the file changed under every attempt. */
  outcome: 'written' | 'unchanged' | 'busy';
  attempts: number;
}

type Before = { text: string; mode: number } | null;

/**
 * Applies `change` to a file that people edit too, so that no concurrent edit is lost: the change is applied to
 * the latest content (null: no file yet), written to a flushed temp file beside it, and renamed into place only
 * if the file still holds what was read; otherwise it starts over. The check and the rename run back to back
 * synchronously, so nothing in this process can come between them and other processes get only that window.
 * The last attempt runs wholly synchronously: a writer in this process can delay the update, never starve it.
 * A symbolic link is written through (its target is replaced, not the link), and the file's mode is kept.
 */
export async function updateFileGuarded(file: string, change: (text: string | null) => string, o: { attempts?: number } = {}): Promise<GuardedUpdate> {
  const attempts = Math.max(1, o.attempts ?? 10);
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    const target = realTarget(file);
    const before = last ? readSync(target) : await read(target);
    const next = change(before?.text ?? null);
    if (before && next === before.text) return { outcome: 'unchanged', attempts: attempt };
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
    let written = false;
    try {
      if (last) writeFlushedSync(tmp, next, before?.mode);
      else await writeFlushed(tmp, next, before?.mode);
      written = commit(tmp, target, before);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    if (written) return { outcome: 'written', attempts: attempt };
    if (last) return { outcome: 'busy', attempts: attempt };
    await sleep(backoffDelay(attempt, { baseMs: 2, capMs: 50 }));
  }
}

/** Puts `tmp` in place of `target` if `target` still holds `before` (null: still does not exist). Synchronous. */
function commit(tmp: string, target: string, before: Before): boolean {
  let now: string;
  try {
    now = fs.readFileSync(target, 'utf8');
  } catch (e) {
    if (!isErrnoException(e, 'ENOENT')) throw e;
    return before === null && linkNew(tmp, target);
  }
  if (before === null || now !== before.text) return false;
  fs.renameSync(tmp, target);
  return true;
}

/** Creates `file` from `tmp` only if nobody created it meanwhile (link fails on an existing name). */
function linkNew(tmp: string, file: string): boolean {
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if (isErrnoException(e, 'EEXIST')) return false;
    if (!isErrnoException(e, 'EPERM') && !isErrnoException(e, 'ENOTSUP') && !isErrnoException(e, 'ENOSYS')) throw e;
    // No hard links on this file system: a narrow race instead.
    if (fs.existsSync(file)) return false;
    fs.renameSync(tmp, file);
    return true;
  }
}

function realTarget(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}

async function read(file: string): Promise<Before> {
  try {
    const [text, st] = await Promise.all([fs.promises.readFile(file, 'utf8'), fs.promises.stat(file)]);
    return { text, mode: st.mode & 0o7777 };
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return null;
    throw e;
  }
}

function readSync(file: string): Before {
  try {
    return { text: fs.readFileSync(file, 'utf8'), mode: fs.statSync(file).mode & 0o7777 };
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return null;
    throw e;
  }
}

async function writeFlushed(tmp: string, data: string, mode: number | undefined): Promise<void> {
  const fh = await fs.promises.open(tmp, 'wx', mode ?? 0o666);
  try {
    await fh.writeFile(data);
    if (mode !== undefined) await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function writeFlushedSync(tmp: string, data: string, mode: number | undefined): void {
  const fd = fs.openSync(tmp, 'wx', mode ?? 0o666);
  try {
    fs.writeFileSync(fd, data);
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
