import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { Command, Option } from 'commander';
import { LockError } from '../../core/errors';
import { describeHolder, holderJson, holderStatusJson, type Holder } from '../../core/locks/holders';
import type { LockHandle } from '../../core/locks/lockHandle';
import type { HolderStatus } from '../../core/locks/lockManager';
import { ExitCode } from '../exitCodes';
import { coreFor, pathArg, print, printErr, seconds } from '../context';

/** Tells a person at the terminal why `fmes` is not returning yet. */
function announceWait(path: string, seconds: number) {
  return (holders: readonly Holder[]) => printErr(`fmes: waiting up to ${seconds}s for ${path}: ${holders.map(describeHolder).join('; ')}`);
}

const agentOption = () => new Option('--agent <id>', 'who holds the lock (or $FMES_AGENT)').env('FMES_AGENT').makeOptionMandatory();

/** Reports a lock still held when the wait ended and sets exit code 75. */
function reportHeld(e: LockError, json: boolean): void {
  const holders = (e.details?.holders ?? []) as Holder[];
  if (json) print(JSON.stringify({ ok: false, reason: 'held', path: e.path, holders: holders.map(holderJson) }));
  printErr(`fmes: ${e.path} is held:`);
  for (const h of holders) printErr(`  ${describeHolder(h)}`);
  process.exitCode = ExitCode.held;
}

export function lockCommand(): Command {
  const lock = new Command('lock').description('take, release and inspect locks in .locks/');

  lock
    .command('acquire')
    .description('take a lock on a file or folder; exit 75 if another holder still has it when --wait ends')
    .argument('<path>', 'file or folder to lock (a folder lock covers everything inside)')
    .addOption(agentOption())
    .option('--intent <text>', 'what you are about to do', '')
    .option('--ttl <seconds>', 'lifetime; after it the lock is stale (default 1800)', seconds)
    .option('--wait <seconds>', 'keep trying this long while it is held', seconds, 0)
    .option('--pid <pid>', 'bind the lock to this process: stale as soon as it exits', (v) => Number.parseInt(v, 10))
    .option('--json', 'print the lock as JSON')
    .action(async (p: string, o: { agent: string; intent: string; ttl?: number; wait: number; pid?: number; json?: boolean }, cmd: Command) => {
      const core = coreFor(cmd);
      try {
        const h = await core.locks.acquire(pathArg(core, p), { agent: o.agent, intent: o.intent, pid: o.pid ?? null, ttlMs: o.ttl === undefined ? undefined : o.ttl * 1000, waitMs: o.wait * 1000, onWait: announceWait(p, o.wait) });
        if (o.json) print(JSON.stringify({ ok: true, file: h.file, ...h.record }));
        else print(`locked ${h.path} for ${h.record.agent} until ${h.record.expiresAt} (token ${h.token})`);
      } catch (e) {
        if (!LockError.is(e, 'held')) throw e;
        reportHeld(e, !!o.json);
      }
    });

  lock
    .command('release')
    .description('release a lock you hold')
    .argument('<path>')
    .addOption(agentOption())
    .option('--token <token>', 'the token printed by acquire (stricter than --agent alone)')
    .action((p: string, o: { agent: string; token?: string }, cmd: Command) => {
      const core = coreFor(cmd);
      const r = core.locks.release(pathArg(core, p), { agent: o.agent, token: o.token });
      print(`released ${r.path}`);
    });

  lock
    .command('renew')
    .description('extend a lock you hold')
    .argument('<path>')
    .addOption(agentOption())
    .option('--token <token>')
    .option('--ttl <seconds>', 'new lifetime from now (default: the original lifetime)', seconds)
    .action((p: string, o: { agent: string; token?: string; ttl?: number }, cmd: Command) => {
      const core = coreFor(cmd);
      const r = core.locks.renew(pathArg(core, p), { agent: o.agent, token: o.token, ttlMs: o.ttl === undefined ? undefined : o.ttl * 1000 });
      print(`renewed ${r.path} until ${r.expiresAt}`);
    });

  lock
    .command('break')
    .description("break someone else's lock (recorded in .locks/.broken/breaks.jsonl with who and why)")
    .argument('<path>')
    .requiredOption('--reason <text>', 'why it must be broken')
    .option('--by <id>', 'who breaks it', process.env.FMES_AGENT ?? `human:${safeUser()}`)
    .action((p: string, o: { reason: string; by: string }, cmd: Command) => {
      const core = coreFor(cmd);
      const rec = core.locks.forceBreak(pathArg(core, p), { by: o.by, reason: o.reason });
      print(`broke ${rec.path ?? rec.file}${rec.holder ? ` (held by ${rec.holder.agent})` : ''}; kept as ${rec.archivedAs}`);
    });

  lock
    .command('status')
    .description('list locks, with stale and invalid ones marked')
    .option('--json', 'machine-readable output')
    .option('--markers', 'also search the workspace for .agent_lock markers')
    .action((o: { json?: boolean; markers?: boolean }, cmd: Command) => {
      const core = coreFor(cmd);
      const all = core.locks.status({ markers: !!o.markers });
      if (o.json) {
        print(JSON.stringify(all.map(holderStatusJson)));
        return;
      }
      if (all.length === 0) print('no locks');
      for (const s of all) print(statusLine(s));
    });

  lock
    .command('run')
    .description('hold a lock while a command runs (like flock(1)); exit with the command’s code')
    .argument('<path>')
    .argument('<command...>', 'the command and its arguments (after --)')
    .addOption(agentOption())
    .option('--intent <text>', 'what the command does', '')
    .option('--wait <seconds>', 'keep trying this long while it is held', seconds, 0)
    .option('--json', 'report a held lock as JSON')
    .action(async (p: string, argv: string[], o: { agent: string; intent: string; wait: number; json?: boolean }, cmd: Command) => {
      const core = coreFor(cmd);
      // Signals are ours from the start: one that arrives while waiting for the lock, or between taking it
      // and starting the command, must still end in a release and an exit code, never a stale lock.
      const guard = new SignalGuard();
      try {
        let handle: LockHandle;
        try {
          handle = await core.locks.acquire(pathArg(core, p), { agent: o.agent, intent: o.intent || argv.join(' ').slice(0, 200), pid: 'self', waitMs: o.wait * 1000, signal: guard.abort.signal, onWait: announceWait(p, o.wait) });
        } catch (e) {
          if (guard.received) {
            process.exitCode = signalExit(guard.received);
            return;
          }
          if (!LockError.is(e, 'held')) throw e;
          reportHeld(e, !!o.json);
          return;
        }
        const ttl = Date.parse(handle.record.expiresAt) - Date.parse(handle.record.acquiredAt);
        handle.startHeartbeat(Math.max(1000, ttl / 3), (e) => printErr(`fmes: lost the lock on ${handle.path}: ${String(e)}`));
        process.exitCode = await runHolding(argv, guard, () => handle.release());
      } finally {
        guard.dispose();
      }
    });

  return lock;
}

function statusLine(s: HolderStatus): string {
  const flag = s.staleness.stale ? ` [stale: ${s.staleness.reason}]` : '';
  const h = s.holder;
  if (h.kind === 'lock') {
    const age = Math.round((Date.now() - Date.parse(h.record.acquiredAt)) / 1000);
    return `${h.path}\t${h.record.agent}\t${h.record.intent || '-'}\t${age}s${h.record.pid !== null ? `\tpid ${h.record.pid}@${h.record.host}` : ''}${flag}`;
  }
  return describeHolder(h) + flag;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function signalExit(sig: NodeJS.Signals): number {
  return 128 + (os.constants.signals[sig] ?? 0);
}

/** Catches SIGINT/SIGTERM/SIGHUP for the whole of `lock run`: aborts a wait, or forwards to the child. */
class SignalGuard {
  readonly abort = new AbortController();
  received: NodeJS.Signals | undefined;
  child: ChildProcess | undefined;
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
function runHolding(argv: string[], guard: SignalGuard, release: () => void): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      try {
        release();
      } catch (e) {
        printErr(`fmes: could not release the lock: ${String(e)}`);
      }
      resolve(code);
    };
    if (guard.received) return finish(signalExit(guard.received)); // signalled before the command started
    const [file, ...args] = argv;
    const child = spawn(file, args, { stdio: 'inherit' });
    guard.child = child;
    child.on('error', (e) => {
      printErr(`fmes: cannot run ${file}: ${e.message}`);
      finish(ExitCode.notFound);
    });
    child.on('exit', (code, signal) => finish(code ?? signalExit(signal ?? 'SIGTERM')));
  });
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
