import * as fs from 'node:fs';

/**
 * Killing an agent means killing everything it started: the CLI, its tool shells, their children, and
 * children that left the process group (`setsid`, detached spawns). A process group kill alone misses the
 * latter, and a signal to the CLI alone orphans its tools, which are then reparented to init and lost.
 *
 * So: collect the whole tree from /proc (pid → parent) BEFORE signalling anything, remembering each
 * process's start time so a recycled pid is never hit; send SIGTERM to the group and to every member; after
 * the grace period, SIGKILL every member still alive (the collected ones, even if reparented meanwhile, and
 * any new descendants of survivors). Without /proc (macOS), the process group is all we can reach.
 */

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  start: string;
  state: string;
}

function readStat(pid: number): Proc | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0] ?? '?', ppid: Number(rest[1]), pgid: Number(rest[2]), start: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

function allProcs(): Proc[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const out: Proc[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const p = readStat(Number(n));
    if (p) out.push(p);
  }
  return out;
}

/** The root and all its descendants (and members of its process group), as they are now. */
export function processTree(rootPid: number): Proc[] {
  const procs = allProcs();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found = new Map<number, Proc>();
  const root = procs.find((p) => p.pid === rootPid);
  const queue = root ? [root] : [];
  // Group members first: a tool that double-forked into the group but under init still belongs to us.
  for (const p of procs) if (p.pgid === rootPid && p.pid !== rootPid) queue.push(p);
  while (queue.length) {
    const p = queue.shift()!;
    if (found.has(p.pid)) continue;
    found.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return [...found.values()];
}

function sameProcess(p: Proc): boolean {
  const now = readStat(p.pid);
  return !!now && now.start === p.start && now.state !== 'Z' && now.state !== 'X';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already, or not ours.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KillTreeResult {
  /** Processes found in the tree. */
  found: number;
  /** Processes that needed SIGKILL after the grace period. */
  forced: number;
  /** Processes still alive afterwards (should be 0). */
  survivors: number;
}

/**
 * Terminates a process tree: SIGTERM to all, then SIGKILL to the survivors after `graceMs`. Resolves when
 * every collected process is gone or `graceMs + 1000` has passed.
 */
export async function killTree(
  rootPid: number,
  options: { graceMs?: number; groupLeader?: boolean; envMarker?: string } = {},
): Promise<KillTreeResult> {
  const graceMs = options.graceMs ?? 1000;
  const tree = processTree(rootPid);
  const alive = () => tree.filter(sameProcess);
  if (options.groupLeader !== false) signal(-rootPid, 'SIGTERM');
  for (const p of tree) signal(p.pid, 'SIGTERM');
  if (tree.length === 0) signal(rootPid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive().length) await sleep(25);
  let forced = 0;
  const rest = alive();
  if (rest.length || tree.length === 0) {
    // Descendants born during the grace period count too.
    const late = rest.flatMap((p) => processTree(p.pid)).filter((p) => !tree.some((t) => t.pid === p.pid));
    const victims = [...rest, ...late];
    forced = victims.length;
    if (options.groupLeader !== false) signal(-rootPid, 'SIGKILL');
    for (const p of victims) signal(p.pid, 'SIGKILL');
    if (tree.length === 0) signal(rootPid, 'SIGKILL');
    tree.push(...late);
    const hard = Date.now() + 1000;
    while (Date.now() < hard && alive().length) await sleep(10);
  }
  if (options.envMarker) {
    // A process the tree started while it was being stopped (an agent CLI running a tool hook on SIGTERM) was
    // in no snapshot and is reparented to init once its parent dies: found by the marker in its environment.
    const stray = marked(options.envMarker);
    for (const p of stray) signal(p.pid, 'SIGKILL');
    forced += stray.length;
    tree.push(...stray);
    const hard = Date.now() + 1000;
    while (Date.now() < hard && alive().length) await sleep(10);
  }
  return { found: tree.length, forced, survivors: alive().length };
}

/** Live processes (not this one) whose initial environment holds `marker` (`NAME=value`). Linux only. */
function marked(marker: string): Proc[] {
  const out: Proc[] = [];
  for (const p of allProcs()) {
    if (p.pid === process.pid || p.state === 'Z' || p.state === 'X') continue;
    let env: string;
    try {
      env = fs.readFileSync(`/proc/${p.pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (env.split('\0').includes(marker)) out.push(p);
  }
  return out;
}
