// Small child-process helpers shared by the harness scripts.
import { spawn } from 'node:child_process';

/** Keeps the last `max` characters written to it: enough of a failing process's output for an error message. */
export class Tail {
  #text = '';
  constructor(max = 4000) {
    this.max = max;
  }
  push(chunk) {
    this.#text = (this.#text + chunk.toString()).slice(-this.max);
  }
  toString() {
    return this.#text.trim();
  }
}

/**
 * Runs a command to completion. Its output goes to our stderr (stdout stays clean for callers that print
 * results there) unless `quiet`, and the tail of it is kept for the error thrown on a non-zero exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, quiet?: boolean, what?: string }} [opts]
 * @returns {Promise<string>} the captured output (stdout and stderr interleaved, tail only)
 */
export function run(cmd, args, { cwd, env, quiet = false, what = `${cmd} ${args.join(' ')}` } = {}) {
  return new Promise((resolve, reject) => {
    const tail = new Tail(8000);
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (d) => {
        tail.push(d);
        if (!quiet) process.stderr.write(d);
      });
    }
    child.on('error', (err) => reject(new Error(`${what}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(tail.toString());
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}

/** Sends a signal to a whole process group (a child spawned with `detached: true`), ignoring "already gone". */
export function killGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if (err.code === 'ESRCH') return false;
    throw err;
  }
}

/** True while any process of the group is alive. */
export function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM the group, give it `graceMs` to go, then SIGKILL whatever is left. Resolves once the group is gone. */
export async function stopGroup(pid, graceMs = 3000) {
  if (!killGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
  while (groupAlive(pid)) await sleep(20);
}

/** Prints a progress line for the harness on stderr. */
export function log(line) {
  process.stderr.write(`[harness] ${line}\n`);
}
