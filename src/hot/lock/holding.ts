import * as os from 'node:os';
import { spawnChild, type HeldChild } from './spawnChild';

/**
 * Holding a lock while a command runs (`fmes lock run`), shared by the hot entry (lockRun.ts) and the full CLI
 * (src/cli/commands/lock.ts): signals, the child process, the release however it ends.
 */

/** Exit codes, as src/cli/exitCodes.ts defines them (test/unit/hot/sizeBudget.test.ts holds them equal). */
export const EXIT = { usage: 2, held: 75, unavailable: 69, notFound: 127 } as const;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function signalExit(sig: NodeJS.Signals): number {
  return 128 + (os.constants.signals[sig] ?? 0);
}

/** Catches SIGINT/SIGTERM/SIGHUP for the whole of `lock run`: aborts a wait, or forwards to the child. */
export class SignalGuard {
  readonly abort = new AbortController();
  received: NodeJS.Signals | undefined;
  child: HeldChild | undefined;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.received ??= sig;
    if (this.child && this.child.exitCode === null) this.child.kill(sig);
    else this.abort.abort(new Error(`interrupted by ${sig}`));
  };
  constructor() {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }
  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}

/**
 * Runs a command while the lock is held and releases it however the command ends: normal exit, failure,
 * or a signal to us (forwarded to the child). Resolves with the exit code to use.
 */
export function runHolding(
  argv: readonly string[],
  guard: SignalGuard,
  release: () => void | Promise<void>,
  printErr: (line: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      // A remote backend's release is a round trip: the exit code waits for it.
      const failed = (e: unknown) => printErr(`fmes: could not release the lock: ${String(e)}`);
      let pending: void | Promise<void> = undefined;
      try {
        pending = release();
      } catch (e) {
        failed(e);
      }
      if (pending) void pending.catch(failed).then(() => resolve(code));
      else resolve(code);
    };
    if (guard.received) return finish(signalExit(guard.received)); // signalled before the command started
    const [file = '', ...args] = argv;
    guard.child = spawnChild(file, args, {
      onError: (e) => {
        printErr(`fmes: cannot run ${file}: ${e.message}`);
        finish(EXIT.notFound);
      },
      onExit: (code, signal) => finish(code ?? signalExit(signal ?? 'SIGTERM')),
    });
  });
}
