import * as fs from 'node:fs';
import { nodeOs } from '../nodeOs';

/**
 * Who is calling: whether this process runs inside an agent run that F-MES started, and as which agent.
 *
 * F-MES starts every agent (fmes run, missions, the editor's agent terminals) with FMES_RUN_ID and FMES_AGENT
 * in its environment (agents/env.ts), and every process the agent starts inherits them. An agent can drop
 * them from a command it runs (`env -u FMES_RUN_ID fmes approve …`) or set others (`FMES_AGENT=someone-else`),
 * but it cannot change the environment its *ancestors* were started with. So on Linux this reads
 * `/proc/<pid>/environ` of every process up the parent chain, and the run is the one recorded by the
 * outermost ancestor (the closest to init) that carries FMES_RUN_ID: a forged inner value never overrides it.
 *
 * What it cannot see (the sandbox issue is what makes identity unforgeable; these checks only make the
 * honest-but-careless agent's path the refused one):
 *  - A process that daemonized (double fork, `setsid … &`, `nohup … & disown`) and was reparented to init or a
 *    subreaper has lost its chain: only its own environment is left, which it may have cleaned.
 *  - A process whose ancestors' environ it cannot read (another user's process, a setuid wrapper such as sudo,
 *    /proc mounted with hidepid): those links are skipped, the walk goes on above them.
 *  - A process that rewrote its own initial environment block in memory (/proc/<pid>/environ shows that memory).
 *  - Other systems (macOS, Windows): only this process's own environment is read.
 */

export interface RunIdentity {
  /** FMES_RUN_ID of the run. */
  runId: string;
  /** FMES_AGENT of the run, when set. */
  agent: string | undefined;
  /** FMES_TASK of the run, when set. */
  task: string | undefined;
  /** The process whose environment told: this one (`self`) or an ancestor's pid. */
  from: 'self' | number;
}

export interface RunIdentityOptions {
  /** This process's environment (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where /proc is (tests); undefined off Linux disables the ancestor walk. */
  procRoot?: string | undefined;
  /** The first ancestor to read (default process.ppid). */
  ppid?: number;
}

/** How far up the parent chain to look: deep shells and wrappers are a few dozen levels at most. */
const MAX_DEPTH = 128;

/** The run this process belongs to, or undefined outside every run F-MES started. */
export function runIdentity(options: RunIdentityOptions = {}): RunIdentity | undefined {
  const env = options.env ?? process.env;
  const procRoot = 'procRoot' in options ? options.procRoot : process.platform === 'linux' ? '/proc' : undefined;
  let found: RunIdentity | undefined = fromEnv(env, 'self');
  if (procRoot === undefined) return found;
  let pid = options.ppid ?? process.ppid;
  const seen = new Set<number>();
  for (let depth = 0; depth < MAX_DEPTH && pid > 1 && !seen.has(pid); depth++) {
    seen.add(pid);
    const vars = readEnviron(procRoot, pid);
    if (vars) found = fromEnv(vars, pid) ?? found; // the outermost one wins
    const parent = parentOf(procRoot, pid);
    if (parent === undefined) break;
    pid = parent;
  }
  return found;
}

/**
 * Who the caller is, as an owner of locks: the run's agent inside a run; outside, $FMES_AGENT when set (a
 * person's shell that acts for an agent id), else the person, `human:<login>`.
 */
export function callerIdentity(options: RunIdentityOptions = {}): { id: string; run: RunIdentity | undefined } {
  const run = runIdentity(options);
  if (run) return runCaller(run);
  const env = options.env ?? process.env;
  return { id: env.FMES_AGENT || personId(), run };
}

/** The caller inside a run: the run's agent (callerIdentity without the person's login, which costs a passwd read). */
export function runCaller(run: RunIdentity): { id: string; run: RunIdentity } {
  return { id: run.agent ?? `run:${run.runId}`, run };
}

/** The person at this terminal, as an agent id: `human:<login>`. */
export function personId(): string {
  let user = 'unknown';
  try {
    user = nodeOs().userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return `human:${user.replace(/[^A-Za-z0-9._@-]/g, '_') || 'unknown'}`;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>, from: 'self' | number): RunIdentity | undefined {
  const runId = env.FMES_RUN_ID;
  if (!runId) return undefined;
  return { runId, agent: env.FMES_AGENT || undefined, task: env.FMES_TASK || undefined, from };
}

/**
 * The FMES_ variables of `/proc/<pid>/environ`. The walk runs at the start of every `fmes lock run` and hook call,
 * so it reads into one reused buffer (open, read until the end, close: no stat) and decodes only the FMES_
 * entries, found by a byte search, rather than the whole environment.
 */
function readEnviron(procRoot: string, pid: number): Record<string, string> | undefined {
  const raw = readProcFile(`${procRoot}/${pid}/environ`);
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (let i = raw.indexOf(FMES_PREFIX); i >= 0; i = raw.indexOf(FMES_PREFIX, i + 1)) {
    if (i > 0 && raw[i - 1] !== 0) continue; // inside another entry's value
    let end = raw.indexOf(0, i);
    if (end < 0) end = raw.length;
    const eq = raw.indexOf(EQUALS, i);
    if (eq > i && eq < end) out[raw.toString('latin1', i, eq)] = raw.toString('utf8', eq + 1, end);
    i = end;
  }
  return out;
}

/** The parent pid from `/proc/<pid>/stat` (the field after the command name, which may hold spaces and parens). */
function parentOf(procRoot: string, pid: number): number | undefined {
  const raw = readProcFile(`${procRoot}/${pid}/stat`);
  if (!raw) return undefined;
  const stat = raw.toString('latin1');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isSafeInteger(ppid) && ppid >= 0 ? ppid : undefined;
}

const FMES_PREFIX = Buffer.from('FMES_', 'latin1');
const EQUALS = 0x3d;
let scratch: Buffer | undefined;

/** A whole file read into the shared buffer (valid until the next call), or undefined when it cannot be read. */
function readProcFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    let buf = (scratch ??= Buffer.allocUnsafe(16 * 1024));
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = scratch = bigger;
      }
      const n = fs.readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) return buf.subarray(0, len);
      len += n;
    }
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Why the caller may not act as agent `named` (release or renew its locks by name, take locks in its name),
 * or undefined when it may. Inside a run only as the run's agent; outside one, as $FMES_AGENT when that is
 * set (the shell declared who it is), else as anyone: a person at a plain terminal, who may also break any
 * lock with a recorded `fmes lock break`.
 */
export function refusalToActAs(
  named: string,
  caller: { id: string; run: RunIdentity | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (caller.run) {
    if (named === caller.id) return undefined;
    return `this runs inside run ${caller.run.runId}${caller.run.agent ? ` of ${caller.run.agent}` : ''}, and an agent acts only as itself (${caller.id}), never as ${named}`;
  }
  const declared = env.FMES_AGENT;
  if (declared && named !== declared) return `this process is ${declared} ($FMES_AGENT), not ${named}`;
  return undefined;
}
