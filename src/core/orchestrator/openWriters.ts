import * as fs from 'node:fs';

/** A file by identity: device and inode (bigint: inode numbers may pass 2^53). */
export interface FileId {
  dev: bigint;
  ino: bigint;
}

/** O_ACCMODE bits in /proc/<pid>/fdinfo/<fd> `flags:` (octal): 1 O_WRONLY, 2 O_RDWR. */
const ACCMODE = 0o3;

/**
 * How many open file descriptions of other processes can write to the file `id` (opened for writing or
 * appending), from /proc/<pid>/fd; undefined where there is no /proc to ask (not Linux). Readers (`tail -f`,
 * `less`) are not counted: they cannot add anything. Processes of other users cannot be seen (EACCES) and are
 * not counted; a person's shell runs as the same user as F-MES. Only descriptors that name a path are stat'ed
 * (not sockets, pipes, anon inodes): by identity, since the path shown is the file's current name, or its last
 * one with ` (deleted)` (a few ms for a few thousand descriptors).
 */
export function otherWriters(id: FileId): number | undefined {
  let pids: string[];
  try {
    if (!fs.existsSync('/proc/self/fdinfo')) return undefined;
    pids = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  const self = String(process.pid);
  let n = 0;
  for (const pid of pids) {
    if (pid === self || !/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      try {
        if (!fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('/')) continue;
        const st = fs.statSync(`/proc/${pid}/fd/${fd}`, { bigint: true });
        if (st.ino !== id.ino || st.dev !== id.dev) continue;
        const flags = /^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
        if (!flags || (parseInt(flags[1], 8) & ACCMODE) !== 0) n++;
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return n;
}
