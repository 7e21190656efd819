import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { isErrnoException } from '../errors';
import { backoffDelay, sleep } from '../../hot/locks/backoff';
import { otherWriters, type FileId } from './openWriters';

export interface GuardedUpdate {
  /** `written`: the change landed; `unchanged`: it changed nothing; `busy`: the file changed under every attempt. */
  outcome: 'written' | 'unchanged' | 'busy';
  attempts: number;
  /** Bytes appended to the old file after F-MES read it, carried over into the new one (0 when none). */
  carried?: number;
}

export interface GuardedUpdateOptions {
  /** Tries before `busy` (default 10). */
  attempts?: number;
  /** How long to wait, at most, for other processes to stop writing to the replaced file (default 2 s). */
  writersWaitMs?: number;
  /** Where writers cannot be seen (no /proc): how long the replaced file must stay unchanged (default 25 ms). */
  settleMs?: number;
}

/** The file as read, through a descriptor kept open until the update is over (null: no file yet). */
interface Held extends FileId {
  fd: number;
  bytes: Buffer;
  text: string;
  mode: number;
}

/**
 * Applies `change` to a file that people edit too, so that no concurrent edit is lost: the change is applied to
 * the latest content (null: no file yet), written to a flushed temp file beside it, and renamed into place only
 * if the file is still the one read (same inode: an editor that saves by rename makes it start over) and still
 * begins with what was read (an in-place rewrite makes it start over). The check and the rename run back to back
 * synchronously, so nothing in this process can come between them and other processes get only that window.
 * The last attempt reads, checks and renames synchronously: a writer in this process can delay the update, never
 * starve it.
 *
 * Appends are not lost, though they land on the old inode: one made after the read (`echo … >> TODO.md`), or by
 * a process that opened the file before the rename and writes after it. The old file stays open; after the
 * rename, its bytes past what was read are appended to the new file, once no other process holds the old file
 * open for writing (Linux: /proc/<pid>/fd; elsewhere once it stopped growing for `settleMs`), bounded by
 * `writersWaitMs`. Callers that serialize updates (an F-MES lock) keep holding it until then.
 * A symbolic link is written through (its target is replaced, not the link), and the file's mode is kept.
 */
export async function updateFileGuarded(
  file: string,
  change: (text: string | null) => string,
  o: GuardedUpdateOptions = {},
): Promise<GuardedUpdate> {
  const attempts = Math.max(1, o.attempts ?? 10);
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    const target = realTarget(file);
    const before = hold(target);
    const tmp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`,
    );
    try {
      const next = change(before?.text ?? null);
      if (before && next === before.text) return { outcome: 'unchanged', attempts: attempt };
      let written = false;
      try {
        if (last) writeFlushedSync(tmp, next, before?.mode);
        else await writeFlushed(tmp, next, before?.mode);
        written = commit(tmp, target, before);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      if (written)
        return { outcome: 'written', attempts: attempt, carried: before ? await carryOver(before, target, o) : 0 };
      if (last) return { outcome: 'busy', attempts: attempt };
    } finally {
      if (before) fs.closeSync(before.fd);
    }
    await sleep(backoffDelay(attempt, { baseMs: 2, capMs: 50 }));
  }
}

/** Opens and reads `file`, keeping it open; null when it does not exist. */
function hold(file: string): Held | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return null;
    throw e;
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    const bytes = readFrom(fd, 0);
    return { fd, bytes, text: bytes.toString('utf8'), mode: Number(st.mode & 0o7777n), dev: st.dev, ino: st.ino };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** The bytes of the open file from `pos` to its current end. */
function readFrom(fd: number, pos: number): Buffer {
  const chunks: Buffer[] = [];
  for (;;) {
    const buf = Buffer.allocUnsafe(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(buf.subarray(0, n));
    pos += n;
  }
}

/**
 * Puts `tmp` in place of `target` if `target` is still the file read and begins with what was read (null:
 * still does not exist). Bytes appended meanwhile are fine: carryOver moves them. Synchronous.
 */
function commit(tmp: string, target: string, before: Held | null): boolean {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(target, { bigint: true });
  } catch (e) {
    if (!isErrnoException(e, 'ENOENT')) throw e;
    return before === null && linkNew(tmp, target);
  }
  if (before === null || st.ino !== before.ino || st.dev !== before.dev) return false;
  const now = readFrom(before.fd, 0);
  if (now.length < before.bytes.length || !now.subarray(0, before.bytes.length).equals(before.bytes)) return false;
  fs.renameSync(tmp, target);
  return true;
}

/**
 * Appends to `target` whatever reached the replaced file past what was read, until no other process can
 * write to it any more (two quiet looks in a row: a process that was opening the file during the rename has
 * its descriptor by the second), or `writersWaitMs` ran out. Returns the bytes carried.
 */
async function carryOver(old: Held, target: string, o: GuardedUpdateOptions): Promise<number> {
  const deadline = Date.now() + (o.writersWaitMs ?? 2_000);
  const settle = o.settleMs ?? 25;
  let pos = old.bytes.length;
  for (let quiet = 0; ;) {
    const writers = otherWriters(old);
    const tail = readFrom(old.fd, pos);
    if (tail.length > 0) {
      fs.appendFileSync(target, tail);
      pos += tail.length;
    }
    // Unknown writers (no /proc) count as quiet once the file stopped growing for `settle`.
    quiet = tail.length === 0 && !writers ? quiet + 1 : 0;
    if (quiet >= 2 || Date.now() >= deadline) return pos - old.bytes.length;
    await sleep(writers === undefined ? settle : writers > 0 ? 1 : 5);
  }
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
