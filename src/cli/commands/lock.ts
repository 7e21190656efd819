import * as os from 'node:os';
import { Command, Option } from 'commander';
import { LockError } from '../../core/errors';
import { describeHolder, holderJson, holderStatusJson, type Holder } from '../../hot/locks/holders';
import type { LockLease } from '../../hot/locks/lockBackend';
import type { LockClaim } from '../../hot/locks/lockClaim';
import { ControlCharacterError, escapeControls, safeJson } from '../../hot/locks/printable';
import { runHolding, SignalGuard, signalExit } from '../../hot/lock/holding';
import { ExitCode } from '../exitCodes';
import type { Core } from '../../core/createCore';
import { coreFor, pathArg, print, printErr, seconds } from '../context';
import { t } from '../../core/i18n/translate';
import { localeFromEnv } from '../../core/i18n/locale';
import { hotText } from '../../hot/hotText';
import { UsageError } from '../usageError';
import { actAsRefusal, caller, describeRun, refuse, refuseOtherAgent, type ClaimVerb } from './refusal';
import { statusLine } from '../../hot/broker/lockText';
import {
  acquireBrokered,
  inRunBroker,
  lockedText,
  releaseBrokered,
  renewBrokered,
  runBrokered,
  statusBrokered,
} from './lockBroker';

/** Tells a person at the terminal why `fmes` is not returning yet. */
function announceWait(path: string, seconds: number) {
  return (holders: readonly Holder[]) =>
    printErr(
      hotText(localeFromEnv(), 'waitingFor', {
        seconds,
        path,
        holders: holders.map((h) => describeHolder(h, localeFromEnv())).join('; '),
      }),
    );
}

const agentOption = () =>
  new Option('--agent <id>', 'who holds the lock (or $FMES_AGENT)').env('FMES_AGENT').makeOptionMandatory();
const ownerOption = () =>
  new Option(
    '--agent <id>',
    'release as this agent: only your own id (or $FMES_AGENT; inside an agent run, the run’s agent)',
  ).env('FMES_AGENT');

/** A lock's text fields refused by core become a usage error (exit 2) naming the field. */
function asUsage(e: unknown): never {
  if (ControlCharacterError.is(e)) throw new UsageError(e.message, { cause: e });
  throw e;
}

/**
 * Whom a release or renewal claims to be, or undefined after refusing. `--token` (the key printed by acquire)
 * proves it alone. Otherwise the agent must be the caller's own identity: inside an agent run the run's agent
 * (runIdentity.ts), outside one $FMES_AGENT when set; a person at a plain terminal (no $FMES_AGENT) may name
 * any agent, as they may also break any lock (recorded) with `fmes lock break`.
 */
function claimOf(o: { agent?: string; token?: string }, what: ClaimVerb): LockClaim | undefined {
  if (o.token !== undefined) return { key: o.token };
  const c = caller();
  const agent = o.agent || (c.run ? c.id : undefined); // an empty $FMES_AGENT is "not set"
  if (agent === undefined) throw new UsageError(t('needsTokenOrAgent', { what: t(what) }));
  const why = actAsRefusal(agent, c);
  if (why) {
    refuse(t(c.run ? 'actingAsNeedsToken' : 'actingAsNeedsTokenOrBreak', { what: t(what), named: agent, why }));
    return undefined;
  }
  return { agent };
}

/** Adds what to do instead when a release or renewal named the wrong holder. */
function hintNotHolder(e: unknown): never {
  if (LockError.is(e, 'notHolder')) printErr(t('needsItsToken', { path: e.path }));
  throw e;
}

/** Reports a lock still held when the wait ended and sets exit code 75. */
function reportHeld(e: LockError, json: boolean): void {
  const holders = (e.details?.holders ?? []) as Holder[];
  if (json) print(safeJson({ ok: false, reason: 'held', path: e.path, holders: holders.map(holderJson) }));
  printErr(hotText(localeFromEnv(), 'isHeld', { path: escapeControls(e.path) }));
  for (const h of holders) printErr(`  ${describeHolder(h, localeFromEnv())}`);
  process.exitCode = ExitCode.held;
}

/** Runs `fn` with the workspace's core, then closes it (a Redis backend's connection would keep the process up). */
async function withCore<T>(cmd: Command, fn: (core: Core) => Promise<T>): Promise<T> {
  const core = coreFor(cmd);
  try {
    return await fn(core);
  } finally {
    core.dispose();
  }
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
    .action(
      async (
        p: string,
        o: { agent: string; intent: string; ttl?: number; wait: number; pid?: number; json?: boolean },
        cmd: Command,
      ) => {
        if (refuseOtherAgent(o.agent, 'locking')) return;
        const broker = inRunBroker();
        if (broker)
          return await acquireBrokered(broker, p, o, announceWait(p, o.wait), (e) => {
            if (!LockError.is(e, 'held')) asUsage(e);
            reportHeld(e, !!o.json);
          });
        await withCore(cmd, async (core) => {
          try {
            const h = await core.lockBackend.acquire(pathArg(core, p), {
              agent: o.agent,
              intent: o.intent,
              pid: o.pid ?? null,
              ttlMs: o.ttl === undefined ? undefined : o.ttl * 1000,
              waitMs: o.wait * 1000,
              onWait: announceWait(p, o.wait),
            });
            // The key is shown here once; the lock file keeps only its hash. `generation` is the public id of this
            // acquisition (the record's own `token` field), which releases nothing.
            if (o.json)
              print(
                safeJson({
                  ok: true,
                  file: h.file,
                  ...h.record,
                  generation: h.record.token,
                  token: h.key ?? null,
                  fence: h.fence ?? null,
                }),
              );
            else print(lockedText(h));
          } catch (e) {
            if (!LockError.is(e, 'held')) asUsage(e);
            reportHeld(e, !!o.json);
          }
        });
      },
    );

  lock
    .command('release')
    .description('release a lock: your own (--agent, your id only) or one whose token you have (--token)')
    .argument('<path>')
    .addOption(ownerOption())
    .option('--token <token>', 'the token printed by acquire: releases that lock whoever holds it')
    .action(async (p: string, o: { agent?: string; token?: string }, cmd: Command) => {
      const claim = claimOf(o, 'releasing');
      if (!claim) return;
      const broker = inRunBroker();
      if (broker) return await releaseBrokered(broker, p, { agent: claim.agent, token: claim.key });
      const r = await withCore(cmd, (core) => core.lockBackend.release(pathArg(core, p), claim).catch(hintNotHolder));
      print(escapeControls(t('released', { path: r.path })));
    });

  lock
    .command('renew')
    .description('extend a lock you hold')
    .argument('<path>')
    .addOption(ownerOption())
    .option('--token <token>', 'the token printed by acquire')
    .option('--ttl <seconds>', 'new lifetime from now (default: the original lifetime)', seconds)
    .action(async (p: string, o: { agent?: string; token?: string; ttl?: number }, cmd: Command) => {
      const claim = claimOf(o, 'renewing');
      if (!claim) return;
      const broker = inRunBroker();
      if (broker) return await renewBrokered(broker, p, { agent: claim.agent, token: claim.key, ttl: o.ttl });
      const ttlMs = o.ttl === undefined ? undefined : o.ttl * 1000;
      const r = await withCore(cmd, (core) =>
        core.lockBackend.renew(pathArg(core, p), { ...claim, ttlMs }).catch(hintNotHolder),
      );
      print(escapeControls(t('renewed', { path: r.path, until: String(r.expiresAt) })));
    });

  lock
    .command('break')
    .description("break someone else's lock (recorded in .locks/.broken/breaks.jsonl with who and why)")
    .argument('<path>')
    .requiredOption('--reason <text>', 'why it must be broken')
    .option('--by <id>', 'who breaks it', process.env.FMES_AGENT ?? `human:${safeUser()}`)
    .action(async (p: string, o: { reason: string; by: string }, cmd: Command) => {
      const run = caller().run;
      // A process with the run's broker in its environment is inside a run even where the run's variables were
      // dropped: the broker has no break, and neither does this.
      if (run || inRunBroker()) {
        refuse(t('breakByPerson', { run: run ? describeRun(run) : t('anAgentRun'), path: p }));
        return;
      }
      const rec = await withCore(cmd, (core) =>
        core.lockBackend.forceBreak(pathArg(core, p), { by: o.by, reason: o.reason }),
      );
      print(
        escapeControls(
          `broke ${rec.path ?? rec.file}${rec.holder ? ` (held by ${rec.holder.agent})` : ''}; kept as ${rec.archivedAs}`,
        ),
      );
    });

  lock
    .command('status')
    .description('list locks, with stale and invalid ones marked')
    .option('--json', 'machine-readable output')
    .option('--markers', 'also search the workspace for .agent_lock markers')
    .action(async (o: { json?: boolean; markers?: boolean }, cmd: Command) => {
      const broker = inRunBroker();
      if (broker) return await statusBrokered(broker, o);
      const all = await withCore(cmd, async (core) => [
        ...(await core.lockBackend.status()),
        // `.agent_lock` markers are files in this checkout, whatever the backend.
        ...(o.markers ? core.locks.status({ markers: true }).filter((s) => s.holder.kind === 'marker') : []),
      ]);
      if (o.json) {
        print(safeJson(all.map(holderStatusJson)));
        return;
      }
      if (all.length === 0) print(t('noLocks'));
      for (const s of all) print(statusLine(s, Date.now(), localeFromEnv()));
    });

  // `lock run` in its plain form is src/hot/lock/lockRun.ts (dist/lock.cjs), which starts faster; this is the
  // reference it follows, and what runs for every other form (help, -v, refusals, errors).
  lock
    .command('run')
    .description('hold a lock while a command runs (like flock(1)); exit with the command’s code')
    .argument('<path>')
    .argument('<command...>', 'the command and its arguments (after --)')
    .addOption(agentOption())
    .option('--intent <text>', 'what the command does', '')
    .option('--wait <seconds>', 'keep trying this long while it is held', seconds, 0)
    .option('--json', 'report a held lock as JSON')
    .action(
      async (
        p: string,
        argv: string[],
        o: { agent: string; intent: string; wait: number; json?: boolean },
        cmd: Command,
      ) => {
        if (refuseOtherAgent(o.agent, 'locking')) return;
        const broker = inRunBroker();
        if (broker) return await runBrokered(broker, p, argv, o);
        const core = coreFor(cmd);
        // Signals are ours from the start: one that arrives while waiting for the lock, or between taking it
        // and starting the command, must still end in a release and an exit code, never a stale lock.
        const guard = new SignalGuard();
        try {
          let handle: LockLease;
          try {
            // An intent taken from the command line is escaped (a command may well hold a newline); one given is checked.
            const intent = o.intent || escapeControls(argv.join(' ')).slice(0, 200);
            handle = await core.lockBackend.acquire(pathArg(core, p), {
              agent: o.agent,
              intent,
              pid: 'self',
              waitMs: o.wait * 1000,
              signal: guard.abort.signal,
              onWait: announceWait(p, o.wait),
            });
          } catch (e) {
            if (guard.received) {
              process.exitCode = signalExit(guard.received);
              return;
            }
            if (!LockError.is(e, 'held')) asUsage(e);
            reportHeld(e, !!o.json);
            return;
          }
          const ttl = Date.parse(handle.record.expiresAt) - Date.parse(handle.record.acquiredAt);
          handle.startHeartbeat(Math.max(1000, ttl / 3), (e) =>
            printErr(t('lostLock', { path: handle.path, error: String(e) })),
          );
          process.exitCode = await runHolding(argv, guard, () => handle.release(), printErr);
        } finally {
          guard.dispose();
          core.dispose();
        }
      },
    );

  return lock;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
