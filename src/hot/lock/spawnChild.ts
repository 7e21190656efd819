import type * as ChildProcessModule from 'node:child_process';
import * as os from 'node:os';
import type * as UtilModule from 'node:util';

/** The child of `fmes lock run`, as runHolding (holding.ts) uses it, whichever way it was started. */
export interface HeldChild {
  /** Null until it has exited. */
  readonly exitCode: number | null;
  kill(sig: NodeJS.Signals): void;
}

export interface ChildEvents {
  /** It could not be started (`spawn <file> ENOENT`, as child_process words it). */
  onError: (e: Error) => void;
  /** It ended: its code, or the signal that ended it. */
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** The parts of Node's process_wrap binding used here (lib/internal/child_process.js drives the same). */
interface ProcessWrap {
  spawn(options: {
    file: string;
    args: string[];
    envPairs: string[];
    stdio: { type: 'inherit'; fd: number }[];
    detached: boolean;
    windowsHide: boolean;
    windowsVerbatimArguments: boolean;
  }): number;
  kill(signal: number): number;
  close(): void;
  onexit: (exitCode: number, signalCode: string) => void;
}

/**
 * Starts `file args…` with this process's environment and standard descriptors. Where it can, through Node's
 * process_wrap binding, the handle under child_process.spawn: `require('node:child_process')` loads net,
 * dgram and the streams (35 modules), a twentieth of Node's own start-up that every `fmes lock run` paid
 * (bench/lockRun.mjs). It falls back to child_process itself wherever the binding is not known to be safe:
 * Windows (child_process quotes arguments there), a Node whose process.binding refuses it (the permission
 * model) or would warn about it (--pending-deprecation), or a binding that refuses the call.
 */
export function spawnChild(
  file: string,
  args: readonly string[],
  events: ChildEvents,
  /** False: child_process whatever the platform (the tests compare the two). */
  binding = true,
): HeldChild {
  // A NUL cannot reach the kernel: child_process refuses it (ERR_INVALID_ARG_VALUE), the binding would cut there.
  const wrap = binding && ![file, ...args].some((a) => a.includes('\0')) ? processWrap() : undefined;
  if (wrap) {
    const child = viaBinding(wrap, file, args, events);
    if (child) return child;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the binding is not used
  const { spawn } = require('node:child_process') as typeof ChildProcessModule;
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(file, args, { stdio: 'inherit' });
  } catch (e) {
    // Refused before anything started (an invalid argument, an unusual errno): reported as a command that
    // cannot start, so that the caller still releases its lock.
    process.nextTick(() => events.onError(e instanceof Error ? e : new Error(String(e))));
    return { exitCode: null, kill: () => undefined };
  }
  child.on('error', events.onError);
  child.on('exit', events.onExit);
  return child;
}

type WrapClass = new () => ProcessWrap;

/** process_wrap's Process class, or undefined where it should not be used (see spawnChild). */
export function processWrap(env: NodeJS.ProcessEnv = process.env, execArgv = process.execArgv): WrapClass | undefined {
  if (process.platform === 'win32') return undefined;
  const pending = (s: string | undefined) => s !== undefined && s.includes('--pending-deprecation');
  if (env.NODE_PENDING_DEPRECATION === '1' || pending(env.NODE_OPTIONS) || execArgv.some((a) => pending(a)))
    return undefined;
  try {
    const binding = (process as unknown as { binding(name: string): { Process?: unknown } }).binding('process_wrap');
    return typeof binding.Process === 'function' ? (binding.Process as WrapClass) : undefined;
  } catch {
    return undefined;
  }
}

function viaBinding(
  Wrap: WrapClass,
  file: string,
  args: readonly string[],
  events: ChildEvents,
): HeldChild | undefined {
  let handle: ProcessWrap;
  let err: number;
  let exited = false;
  let exitCode: number | null = null;
  try {
    handle = new Wrap();
    const envPairs: string[] = [];
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) envPairs.push(`${k}=${v}`);
    handle.onexit = (code, signalCode) => {
      exited = true;
      handle.close();
      // As ChildProcess: the signal when one ended it (its name; '' when none), else the code.
      if (signalCode) events.onExit(null, signalCode as NodeJS.Signals);
      else events.onExit((exitCode = code), null);
    };
    err = handle.spawn({
      file,
      args: [file, ...args],
      envPairs,
      stdio: [0, 1, 2].map((fd) => ({ type: 'inherit' as const, fd })),
      detached: false,
      windowsHide: false,
      windowsVerbatimArguments: false,
    });
  } catch {
    return undefined; // a binding of another shape: child_process knows it
  }
  if (err === 0)
    return {
      get exitCode() {
        return exitCode;
      },
      kill(sig) {
        if (!exited) handle.kill(os.constants.signals[sig]);
      },
    };
  // As child_process reports a command that cannot start: asynchronously, as `spawn <file> <CODE>`.
  handle.close();
  const e = Object.assign(new Error(`spawn ${file} ${util().getSystemErrorName(err)}`), {
    errno: err,
    syscall: `spawn ${file}`,
  });
  process.nextTick(() => events.onError(e));
  return { exitCode: null, kill: () => undefined };
}

/** node:util, which is part of Node's start-up snapshot: no module to load. */
function util(): typeof UtilModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:util') as typeof UtilModule;
}
