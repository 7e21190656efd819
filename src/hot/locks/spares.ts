import * as fs from 'node:fs';
import * as path from 'node:path';
import { isErrnoException } from '../errors';
import { shortId } from '../ids';
import { processLiveness } from './liveness';

/**
 * Prepared lock files ("spares"): how a process creates the lock files of locks bound to itself, complete and
 * cheaply.
 *
 * A spare is a private file `.locks/.spares/<host>.<pid>.<start>.<n>.<nonce>` that this process keeps open.
 * To acquire, it writes the record into a spare and hard-links the spare at the lock path: link(2) fails
 * with EEXIST when the path exists, exactly like open(O_EXCL), so exclusion is unchanged; and the lock file
 * appears with its whole record at once (an O_EXCL create is empty until its write). To release, it checks
 * that the lock path still names the spare's inode (the open fd pins it, so the number cannot be reused) and
 * unlinks the lock path; the spare keeps its inode and its cached page for the next acquisition. No inode is
 * allocated or freed per cycle, which is most of an O_EXCL create's cost on ext4.
 *
 * Rewriting a spare in place is the one new thing a reader can observe: a reader that opened a lock file
 * just before its release may read the spare's next record, or a mix of two records (a read() racing a
 * write() is not atomic). Why that never lets anyone break a live lock:
 *  - A spare is rewritten only while its link count is 1 (checked by fstat just before): no lock path and
 *    no archive in `.locks/.broken/` names it, so readers who open a lock path never see a write in progress.
 *  - Every record a pool writes starts with the same bytes, `{"version":…,"pid":…,"pidStart":…,"host":…,`
 *    (this process), and nothing after them contains a backslash or a quote inside a value (records that
 *    would are written with O_EXCL instead). In a mix, every byte comes from one of the records, so those
 *    identity fields are intact, and parseLockText rejects a text in which any of them appears twice. So a
 *    reader on this host always judges a mixed read by this (live) process: never stale.
 *  - A reader on another host sharing the folder judges by the TTL, and a mix can show an expiry in the past.
 *    But the write that mixed it changed the file's mtime before any byte (file_modified runs first), after
 *    the reader opened it, so the mtime the reader sees is at most a clock tick before it started reading;
 *    judgeLock treats a record so fresh as live (staleness.ts).
 *  - A mixed read that parses as nothing is an invalid holder: held, never broken by rule (it is not empty).
 * A spare's name may be removed by anyone (a sweep judging its process dead, a person): the pool notices
 * (link count, ENOENT) and makes another.
 */

export const SPARE_DIR = '.spares';
/** A spare that grew beyond this (a long intent) is not kept for reuse. */
const KEEP_MAX_BYTES = 4096;
/** Errors with which link(2) says this file system has no hard links (FAT, some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS']);

/** A prepared lock file of this process, kept open. */
export interface Spare {
  readonly file: string;
  readonly fd: number;
  readonly ino: number;
  readonly dev: number;
  /** Bytes in the file; only grows (shorter records are padded with spaces, which JSON ignores). */
  size: number;
  /** Set once retired: its fd is closed and it no longer proves anything. */
  retired: boolean;
}

export interface SpareOwner {
  pid: number;
  pidStart: string | null;
  host: string;
}

/** Pools with open spares, whose names are removed when the process exits. */
const openPools = new Set<SparePool>();
let exitHooked = false;

export class SparePool {
  readonly dir: string;
  private readonly free: Spare[] = [];
  private readonly live = new Set<Spare>();
  private readonly stem: string;
  private noHardLinks = false;
  private swept = false;
  private seq = 0;

  constructor(
    lockDir: string,
    private readonly owner: SpareOwner,
    /** The bytes every record this pool writes starts with (see above). */
    readonly prefix: string,
  ) {
    this.dir = path.join(lockDir, SPARE_DIR);
    this.stem = `${hostTag(owner.host)}.${owner.pid}.${encodeURIComponent(owner.pidStart ?? '-')}`;
  }

  /** The first bytes of a record of `owner`: its identity fields, in the order a spare record must start with. */
  static prefixOf(owner: SpareOwner & { version: number }): string {
    return (
      JSON.stringify({ version: owner.version, pid: owner.pid, pidStart: owner.pidStart, host: owner.host }).slice(
        0,
        -1,
      ) + ','
    );
  }

  /** A spare holding exactly `json` (space-padded), ready to link; undefined when `json` or this folder cannot use one. */
  prepare(json: string): Spare | undefined {
    if (this.noHardLinks || !json.startsWith(this.prefix) || json.includes('\\', this.prefix.length)) return undefined;
    let s = this.free.pop();
    if (s && !this.intact(s)) {
      this.retire(s);
      s = undefined;
    }
    s ??= this.create();
    const bytes = Buffer.byteLength(json);
    fs.writeSync(s.fd, bytes < s.size ? json + ' '.repeat(s.size - bytes) : json, 0);
    s.size = Math.max(s.size, bytes);
    return s;
  }

  /**
   * Links `s` at `lockFile`: true when created, false when `lockFile` exists (the spare goes back to the pool),
   * undefined when it cannot be done here (the spare is retired; create the lock file another way).
   */
  link(s: Spare, lockFile: string): boolean | undefined {
    try {
      fs.linkSync(s.file, lockFile);
      return true;
    } catch (e) {
      if (isErrnoException(e, 'EEXIST')) {
        this.free.push(s);
        return false;
      }
      this.retire(s);
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (NO_HARD_LINKS.has(code)) this.noHardLinks = true;
      else if (code !== 'ENOENT') throw e; // ENOENT: the spare's name or the folder was removed under us
      return undefined;
    }
  }

  /** Takes back a spare whose lock file was removed (it is checked again before reuse). */
  giveBack(s: Spare): void {
    if (s.retired) return;
    if (s.size > KEEP_MAX_BYTES) this.retire(s);
    else this.free.push(s);
  }

  /** Removes a spare's name and closes it; a lock file linked to it stays as it is. */
  retire(s: Spare): void {
    if (s.retired) return;
    s.retired = true;
    this.live.delete(s);
    const i = this.free.indexOf(s);
    if (i >= 0) this.free.splice(i, 1);
    try {
      fs.unlinkSync(s.file);
    } catch {
      /* already gone */
    }
    try {
      fs.closeSync(s.fd);
    } catch {
      /* already closed */
    }
  }

  /** Retires every spare (at exit, or when the lock manager is disposed). Held locks stay held. */
  close(): void {
    for (const s of [...this.live]) this.retire(s);
    openPools.delete(this);
  }

  /** Unlinked from any lock path or archive (link count 1), and nobody changed its size. */
  private intact(s: Spare): boolean {
    const st = fs.fstatSync(s.fd);
    return st.nlink === 1 && st.size === s.size;
  }

  private create(): Spare {
    if (!this.swept) {
      this.swept = true;
      this.sweep();
    }
    const file = path.join(this.dir, `${this.stem}.${++this.seq}.${shortId()}`);
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (e) {
      if (!isErrnoException(e, 'ENOENT')) throw e;
      fs.mkdirSync(this.dir, { recursive: true });
      fd = fs.openSync(file, 'wx');
    }
    const st = fs.fstatSync(fd);
    const s: Spare = { file, fd, ino: st.ino, dev: st.dev, size: 0, retired: false };
    this.live.add(s);
    openPools.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => {
        for (const pool of [...openPools]) pool.close();
      });
    }
    return s;
  }

  /** Removes the spares of processes on this host that are gone (their names only: their lock files stay). */
  private sweep(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    const host = hostTag(this.owner.host);
    for (const name of names) {
      const [tag, pid, start] = name.split('.');
      if (tag !== host || !pid || !/^\d+$/.test(pid) || Number(pid) === this.owner.pid) continue;
      const pidStart = start === undefined || start === '-' ? null : safeDecode(start);
      if (processLiveness(Number(pid), pidStart) === 'alive') continue;
      try {
        fs.unlinkSync(path.join(this.dir, name));
      } catch {
        /* someone else swept it */
      }
    }
  }
}

/** A host name as a file-name part: FNV-1a, so any host name fits and dots do not split it. */
export function hostTag(host: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
