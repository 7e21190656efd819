// A short, synchronous, cross-process critical section around a read-modify-write of one small file (a store in
// the user's state folder): two `fmes config confirm` at once must not lose either decision.
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isErrnoException } from '../errors';
import { hostName, processLiveness, processStartId } from '../../hot/locks/liveness';
import { pause } from '../../hot/locks/pause';

/** The mutex could not be taken in time: a live process holds it. Nothing was written. */
export class FileMutexError extends Error {
  constructor(
    readonly file: string,
    readonly holder: string,
  ) {
    super(`${file} is busy: ${holder} holds it; try again`);
    this.name = 'FileMutexError';
  }
  static is(e: unknown): e is FileMutexError {
    return e instanceof FileMutexError;
  }
}

export interface FileMutexOptions {
  /** How long to wait for a live holder before giving up (default 5 s). */
  waitMs?: number;
  /** A holder older than this is stale whatever its process (default 30 s: a hung holder, or another host). */
  staleMs?: number;
}

interface Owner {
  pid?: unknown;
  start?: unknown;
  host?: unknown;
}

/**
 * Runs `fn` while holding `<file>.lock`, a file created exclusively (O_EXCL) with the holder's pid, process start
 * and host. A holder whose process is gone on this host, or older than `staleMs`, is broken: the lock file is
 * renamed aside and only then removed, and if the one renamed is not the one judged stale (another process broke
 * it and took it meanwhile) it is linked back. Waits with jittered sleeps up to `waitMs`, then throws
 * {@link FileMutexError}. Synchronous, for critical sections of a few file operations.
 */
export function withFileMutexSync<T>(file: string, fn: () => T, o: FileMutexOptions = {}): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + (o.waitMs ?? 5000);
  const staleMs = o.staleMs ?? 30_000;
  const me = JSON.stringify({ pid: process.pid, start: processStartId(process.pid) ?? null, host: hostName() });
  for (let attempt = 0; ; attempt++) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx', 0o600);
      fs.writeSync(fd, me);
    } catch (e) {
      if (fd !== undefined) {
        fs.closeSync(fd);
        fs.rmSync(lock, { force: true });
      }
      if (!isErrnoException(e, 'EEXIST')) throw e;
      const holder = breakIfStale(lock, staleMs);
      if (holder === undefined) continue;
      if (Date.now() > deadline) throw new FileMutexError(file, holder);
      pause(2 + Math.floor(Math.random() * Math.min(50, 2 ** attempt)));
      continue;
    }
    fs.closeSync(fd);
    try {
      return fn();
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
}

/** Breaks the lock when stale (returns undefined: try again at once); otherwise describes its live holder. */
function breakIfStale(lock: string, staleMs: number): string | undefined {
  let judged: fs.Stats;
  let owner: Owner;
  try {
    judged = fs.statSync(lock);
    const text = fs.readFileSync(lock, 'utf8');
    owner = parseOwner(text);
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return undefined;
    throw e;
  }
  const age = Date.now() - judged.mtimeMs;
  const who = typeof owner.pid === 'number' ? `process ${owner.pid} on ${String(owner.host)}` : 'an unreadable holder';
  // An empty or half-written file is a holder between its create and its write: give it a moment.
  const unreadable = typeof owner.pid !== 'number';
  const dead =
    !unreadable &&
    owner.host === hostName() &&
    processLiveness(owner.pid as number, typeof owner.start === 'string' ? owner.start : null) !== 'alive';
  if (!dead && age < (unreadable ? Math.min(staleMs, 2000) : staleMs)) return who;
  const aside = `${lock}.${randomUUID().slice(0, 8)}.stale`;
  try {
    fs.renameSync(lock, aside);
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return undefined;
    throw e;
  }
  const taken = fs.statSync(aside);
  if (taken.ino !== judged.ino || taken.dev !== judged.dev) {
    // Not the one judged: someone broke that one and holds this one now. Put it back unless the name is taken.
    try {
      fs.linkSync(aside, lock);
    } catch (e) {
      if (!isErrnoException(e, 'EEXIST')) throw e;
    }
  }
  fs.rmSync(aside, { force: true });
  return undefined;
}

function parseOwner(text: string): Owner {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}
