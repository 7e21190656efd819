import * as fs from 'node:fs';
import { isErrnoException } from '../errors';
import { nodeOs } from '../nodeOs';

/**
 * Process liveness for stale-lock detection on this host.
 *
 * kill(pid, 0) alone is not enough: a killed but unreaped process (a zombie) still passes it, and pids are
 * reused. On Linux we read /proc/<pid>/stat for the state and the start time and compare the start time
 * with the one recorded in the lock, combined with the boot id so a reboot cannot alias it.
 */

export type Liveness = 'alive' | 'dead' | 'zombie' | 'reused';

let bootId: string | undefined;
function readBootId(): string {
  if (bootId === undefined) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().slice(0, 36);
    } catch {
      bootId = '';
    }
  }
  return bootId;
}

interface ProcStat {
  state: string;
  startTicks: string;
}

function readProcStat(pid: number): ProcStat | undefined | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    // No /proc at all (macOS, Windows): undefined means "cannot tell"; ENOENT with /proc present: gone.
    if (isErrnoException(e, 'ENOENT') && fs.existsSync('/proc/self/stat')) return null;
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces and parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '?', startTicks: rest[19] ?? '' };
}

/** An identifier of the process instance: boot id and start ticks on Linux; undefined elsewhere. */
let selfStart: string | undefined | null = null;
export function processStartId(pid: number): string | undefined {
  if (pid === process.pid) {
    if (selfStart === null) selfStart = readStartId(pid);
    return selfStart;
  }
  return readStartId(pid);
}

function readStartId(pid: number): string | undefined {
  const st = readProcStat(pid);
  if (!st) return undefined;
  return `${readBootId()}:${st.startTicks}`;
}

export function processLiveness(pid: number, expectedStart?: string | null): Liveness {
  const st = readProcStat(pid);
  if (st === null) return 'dead';
  if (st) {
    if (st.state === 'Z' || st.state === 'X') return 'zombie';
    if (expectedStart && `${readBootId()}:${st.startTicks}` !== expectedStart) return 'reused';
    return 'alive';
  }
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return isErrnoException(e, 'EPERM') ? 'alive' : 'dead';
  }
}

let host: string | undefined;

/** This machine's name, as lock records carry it (read once per process; node:os loads on first use). */
export function hostName(): string {
  host ??= nodeOs().hostname() || 'localhost';
  return host;
}
