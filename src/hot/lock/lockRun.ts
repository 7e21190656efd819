import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../core/log';
import { cold } from '../cold';
import { LockError } from '../errors';
import { HOOK_CONFIG_FILE } from '../configFile';
import { isAgentId } from '../locks/agentId';
import { describeHolder, holderJson, type Holder } from '../locks/holders';
import { LockBackendError } from '../locks/backendSpec';
import type { LockBackend } from '../locks/lockBackend';
import type { LockConfig } from '../locks/lockOptions';
import { openLockBackend, type LockBackendSettings } from '../locks/openBackend';
import { escapeControls, safeJson } from '../locks/printable';
import { WorkspacePaths } from '../paths/workspacePath';
import { refusalToActAs, runCaller, runIdentity } from '../safety/runIdentity';
import { EXIT, runHolding, SignalGuard, signalExit } from './holding';
import { brokeredLockRun } from '../broker/brokerLockRun';
import { brokerOf } from '../broker/protocol';
import { backendText, hotText } from '../hotText';
import { localeFromEnv, type Locale } from '../locale';

/**
 * `fmes lock run <path> [options] -- <command…>` without the full CLI: dist/lock.cjs, which dist/cli.mjs loads
 * for a `lock run` (src/cli/bin.ts). Agents call it in loops, so its start is part of their latency: no
 * commander, no ESM chunks, no zod, no `git rev-parse` (bench/cli.mjs measures it against `node -e 0`).
 *
 * It takes only the plain form: the options of `lock run` and `--workspace`, each once, a value that does not
 * start with `-`, the path, `--`, the command. Anything else (help, `-v`, a refusal, an invalid value, an error
 * before the lock is taken) returns undefined before anything happened, and the full CLI runs the same
 * arguments, with the same messages as always. src/cli/commands/lock.ts is the reference for what this does.
 */
export async function lockRun(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<number | undefined> {
  const a = parseLockRun(argv);
  if (!a) return undefined;
  const agent = a.agent ?? env.FMES_AGENT;
  if (agent === undefined || !isAgentId(agent)) return undefined;
  // Outside a run anyone may take a lock in any name (cli/commands/refusal.ts): only a run's agent is asked for,
  // never the person's login (a passwd lookup).
  const run = runIdentity({ env });
  if (run && refusalToActAs(agent, runCaller(run), env)) return undefined; // the full CLI words the refusal
  const broker = brokerOf(env); // inside a run: the lock is the broker's to take (src/core/broker/)
  if (broker) return brokeredLockRun({ ...a, agent }, broker, cwd, printErr);
  const root = a.workspace !== undefined ? path.resolve(cwd, a.workspace) : gitTopLevel(cwd, env);
  if (root === undefined) return undefined;
  const { lock: config, backend: settings } = lockSettings(root, env);
  const paths = new WorkspacePaths(root);
  let manager: LockBackend;
  try {
    manager = openLockBackend({ paths, log: stderrLogger(), settings, config, env, longLived: true });
  } catch (e) {
    if (!LockBackendError.is(e)) throw e;
    printErr(`fmes: ${lockBackendText(e, localeFromEnv(env))}`);
    return EXIT.unavailable;
  }
  const guard = new SignalGuard();
  try {
    let handle;
    try {
      const intent = a.intent || escapeControls(a.command.join(' ')).slice(0, 200);
      handle = await manager.acquire(pathArg(paths, a.path, cwd), {
        agent,
        intent,
        pid: 'self',
        waitMs: a.wait * 1000,
        signal: guard.abort.signal,
        onWait: (holders) =>
          printErr(
            hotText(localeFromEnv(env), 'waitingFor', {
              seconds: a.wait,
              path: a.path,
              holders: holders.map((h) => describeHolder(h, localeFromEnv(env))).join('; '),
            }),
          ),
      });
    } catch (e) {
      if (guard.received) return signalExit(guard.received);
      if (LockBackendError.is(e)) {
        printErr(`fmes: ${lockBackendText(e, localeFromEnv(env))}`); // said once: the full CLI would only try again
        return EXIT.unavailable;
      }
      if (!LockError.is(e, 'held')) return undefined; // taken nothing: the full CLI reports it
      reportHeld(e, a.json);
      return EXIT.held;
    }
    const h = handle;
    const ttl = Date.parse(h.record.expiresAt) - Date.parse(h.record.acquiredAt);
    h.startHeartbeat(Math.max(1000, ttl / 3), (e) =>
      printErr(hotText(localeFromEnv(env), 'lostLock', { path: h.path, error: String(e) })),
    );
    return await runHolding(a.command, guard, () => h.release(), printErr);
  } finally {
    guard.dispose();
    manager.dispose();
  }
}

/** A lock server's failure in `locale`: English is the error's own message, which names more. */
function lockBackendText(e: LockBackendError, locale: Locale): string {
  return locale === 'en' ? e.message : backendText(locale, e.reason, e.details);
}

interface LockRunArgs {
  path: string;
  command: string[];
  agent?: string;
  intent?: string;
  wait: number;
  json: boolean;
  workspace?: string;
}

/** The plain form of `[--workspace <dir>] lock run <path> [options] -- <command…>`, or undefined. */
export function parseLockRun(argv: readonly string[]): LockRunArgs | undefined {
  const end = argv.indexOf('--');
  if (end < 0 || end === argv.length - 1) return undefined;
  const seen = new Map<string, string | true>();
  const words: string[] = [];
  const VALUED = new Set(['--agent', '--intent', '--wait', '--workspace', '-w']);
  for (let i = 0; i < end; i++) {
    const t = argv[i];
    if (!t.startsWith('-')) {
      words.push(t);
      continue;
    }
    const eq = t.indexOf('=');
    let name = eq > 0 && t.startsWith('--') ? t.slice(0, eq) : t;
    let value: string | true = true;
    if (VALUED.has(name)) {
      if (eq > 0 && t.startsWith('--')) value = t.slice(eq + 1);
      else {
        const v = argv[++i];
        if (v === undefined || i >= end || v.startsWith('-')) return undefined;
        value = v;
      }
    } else if (t !== '--json') return undefined;
    if (name === '-w') name = '--workspace';
    if (seen.has(name)) return undefined;
    seen.set(name, value);
  }
  if (words.length !== 3 || words[0] !== 'lock' || words[1] !== 'run') return undefined;
  // Global options before `lock` are the program's; after `run`, `lock run`'s (commander takes both there).
  const waitText = seen.get('--wait');
  const wait = waitText === undefined ? 0 : Number(waitText);
  if (waitText === '' || !Number.isFinite(wait) || wait < 0) return undefined;
  const str = (k: string) => {
    const v = seen.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  return {
    path: words[2],
    command: argv.slice(end + 1),
    agent: str('--agent'),
    intent: str('--intent'),
    wait,
    json: seen.has('--json'),
    workspace: str('--workspace'),
  };
}

/**
 * The git top level above `cwd`, found as git finds it (the nearest folder holding `.git`) without starting git;
 * undefined, so that the full CLI asks git itself, when git's environment changes the search or nothing is found.
 */
export function gitTopLevel(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (
    Object.keys(env).some(
      (k) =>
        k === 'GIT_DIR' ||
        k === 'GIT_WORK_TREE' ||
        k === 'GIT_CEILING_DIRECTORIES' ||
        k === 'GIT_DISCOVERY_ACROSS_FILESYSTEM',
    )
  )
    return undefined;
  if (cwd.split(path.sep).includes('.git')) return undefined;
  for (let d = cwd; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The lock settings of `.fmes/config.json`, through the cold half when there is one (with the CLI's warnings). */
function lockSettings(
  root: string,
  env: NodeJS.ProcessEnv,
): { lock: Partial<LockConfig>; backend?: LockBackendSettings } {
  if (!fs.statSync(path.join(root, HOOK_CONFIG_FILE), { throwIfNoEntry: false })) return { lock: {} };
  const locale = localeFromEnv(env);
  const s = cold().loadHotSettings(root, locale);
  for (const i of s.issues)
    printErr(
      hotText(locale, 'configWarning', { file: s.file, issue: i.field ? `${i.field}: ${i.message}` : i.message }),
    );
  return { lock: s.lock, backend: s.backend };
}

/** As src/cli/context.ts pathArg: relative to the current folder when that is inside the workspace. */
function pathArg(paths: WorkspacePaths, p: string, cwd: string): string {
  if (path.isAbsolute(p)) return p;
  for (const root of [paths.root, paths.realRoot]) {
    const rel = path.relative(root, cwd);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.resolve(cwd, p);
  }
  return p;
}

function reportHeld(e: LockError, json: boolean): void {
  const holders = (e.details?.holders ?? []) as Holder[];
  if (json)
    process.stdout.write(
      safeJson({ ok: false, reason: 'held', path: e.path, holders: holders.map(holderJson) }) + '\n',
    );
  // The person's language (LANG/LC_ALL), from the hot table: the CLI's catalog is too big for this bundle.
  const locale = localeFromEnv();
  printErr(hotText(locale, 'isHeld', { path: escapeControls(e.path) }));
  for (const h of holders) printErr(`  ${describeHolder(h, locale)}`);
}

function printErr(line: string): void {
  process.stderr.write(line + '\n');
}

/** The CLI's logger at its default level (warn): `level [locks] message` on stderr. */
function stderrLogger(): Logger {
  const at = (level: string, shown: boolean) => (m: string) => {
    if (shown) printErr(`${level} [locks] ${m}`);
  };
  const log: Logger = {
    trace: at('trace', false),
    debug: at('debug', false),
    info: at('info', false),
    warn: at('warn', true),
    error: at('error', true),
    child: () => log,
  };
  return log;
}
