import * as readline from 'node:readline';
import { execa } from 'execa';
import { killTree, type KillTreeResult } from './processTree';

export interface SpawnedProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited and both streams are drained. */
  readonly exited: Promise<ProcessExit>;
  /** Kills the whole process tree (SIGTERM, then SIGKILL after `graceMs`). */
  kill(graceMs: number): Promise<KillTreeResult>;
}

export interface ProcessExit {
  exitCode: number | undefined;
  signal: string | undefined;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError: string | undefined;
}

export interface SpawnOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment (nothing is inherited). */
  env: Readonly<Record<string, string>>;
  stdin: string;
  onStdoutLine(line: string): void;
  onStderrLine(line: string): void;
}

/**
 * Starts an agent CLI in its own process group (so its whole tree can be signalled), with only the given
 * environment, the prompt on stdin, and its output delivered line by line.
 */
export function spawnAgent(o: SpawnOptions): SpawnedProcess {
  const child = execa(o.command, [...o.args], {
    cwd: o.cwd,
    env: o.env,
    extendEnv: false,
    detached: true,
    input: o.stdin,
    buffer: false,
    reject: false,
    stripFinalNewline: false,
    // The runner kills the tree itself; execa's cleanup cannot reach detached children anyway.
    cleanup: false,
    windowsHide: true,
  });
  const drained = Promise.all([
    lines(child.stdout, (l) => o.onStdoutLine(l)),
    lines(child.stderr, (l) => o.onStderrLine(l)),
  ]);
  const exited = (async (): Promise<ProcessExit> => {
    const r = await child;
    await drained;
    if (child.pid === undefined || (r.failed && r.exitCode === undefined && r.signal === undefined)) {
      const cause = r.cause as NodeJS.ErrnoException | undefined;
      return {
        exitCode: undefined,
        signal: undefined,
        spawnError: cause?.code ? `${cause.code}: ${o.command}` : r.shortMessage,
      };
    }
    return { exitCode: r.exitCode, signal: r.signal, spawnError: undefined };
  })();
  return {
    pid: child.pid,
    exited,
    // A run's processes carry its FMES_RUN_ID: the sweep finds one the CLI started while it was being stopped.
    kill: (graceMs) =>
      child.pid
        ? killTree(child.pid, {
            graceMs,
            envMarker: o.env.FMES_RUN_ID ? `FMES_RUN_ID=${o.env.FMES_RUN_ID}` : undefined,
          })
        : Promise.resolve({ found: 0, forced: 0, survivors: 0 }),
  };
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', onLine);
    rl.on('close', resolve);
    stream.on('error', () => resolve());
  });
}
