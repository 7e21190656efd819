import { realish } from '../fs/realish';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentEvent, AgentKind } from '../agents/types';
import { appendAudit } from '../../hot/safety/audit';
import type { Redactor } from '../../hot/safety/redact';
import { RunSetupError } from '../agents/runSetupError';
import type { SpawnOptions } from '../proc/spawnAgent';
import { APPROVALS_DIR } from '../safety/approvals';
import { AUDIT_DIR } from '../../hot/safety/audit';
import { HolderReader } from '../../hot/locks/holders';
import { LOCK_DIR } from '../../hot/locks/lockView';
import { WorkspacePaths } from '../../hot/paths/workspacePath';
import { SANDBOX_RUN_DIR, bwrapArgs } from './bwrapArgs';
import { CLI_PROFILES, SYSTEM_SECRETS, secretPaths, stateDirsOf } from './cliProfile';
import { startBridges, type Bridges } from './netBridge';
import { sandboxRefusals } from './refusals';
import { RunDiagnostics } from './runDiagnostics';
import { codexProvider, codexSandboxArgs } from './codexProvider';
import { sandboxPolicy, type FsPolicy, type FsProbe, type LockEntry } from './policy';
import type { SandboxConfig } from './sandboxConfig';
import {
  API_SOCKET_INSIDE,
  ENV_FILE_INSIDE,
  PROXY_SOCKET_INSIDE,
  envFile,
  innerScript,
  sandboxedEnv,
} from './sandboxEnv';
import { sandboxSupport, which } from './support';

export interface RunSandboxInput {
  root: string;
  cwd: string;
  cli: AgentKind;
  agentId: string;
  /** The CLI's command (name on PATH or path): its install dir stays readable. */
  command: string;
  /** The CLI's configured arguments (Codex: its provider may be set there). */
  cliArgs?: readonly string[];
  /** In-place mission runs: the plan's declared files. */
  declared?: readonly string[];
  /** A run that only reads (reviewer, auditor, planner): its checkout is bound read-only (policy.ts). */
  readOnly?: boolean;
  /** The run's environment (built by agentEnv); the sandbox's copy is rewritten, this one is not touched. */
  env: Readonly<Record<string, string>>;
  config: SandboxConfig;
  /** A remote lock backend's holders (Redis); a failure to read them stops the run (fail closed). */
  remoteLocks?: () => Promise<LockEntry[]>;
  /** Host paths the run must read that may lie in hidden folders (F-MES's hook script, node). */
  readBack?: readonly string[];
  /** The run's redactor: audit records of refusals are redacted like the hook's. */
  redactor: Redactor;
  /** The agent's session id, for the audit records of refusals. */
  session?: () => string | undefined;
  /** Where the CLI's own error reports are kept when the run's temp dir goes (the run's transcript folder). */
  keepDir?: string;
  /** The name prefix of a kept report (the run id). */
  keepPrefix?: string;
  /** A line for the agent's terminal and transcript: the sandbox's setup, what it refused. */
  onNotice(line: string): void;
}

/** How a run's processes start: in the sandbox, or (mode off, or auto where unsupported) as they are. */
export interface RunLauncher {
  readonly sandboxed: boolean;
  readonly policy?: FsPolicy;
  /** The process to start for `o`: bubblewrap around it, or `o` itself. */
  wrap(o: SpawnOptions): SpawnOptions;
  /** Sees each event of the agent's stream: a tool result that shows a refusal is reported and audited. */
  observe(e: AgentEvent): void;
  /** After each attempt: says what broke the sandbox's route to the model (relay errors, kept CLI reports). */
  afterAttempt(): void;
  dispose(): Promise<void>;
}

const PLAIN: RunLauncher = {
  sandboxed: false,
  wrap: (o) => o,
  observe: () => undefined,
  afterAttempt: () => undefined,
  dispose: async () => undefined,
};

/** The disk as the policy sees it. */
export const realProbe: FsProbe = {
  realish,
  kind(p) {
    try {
      return fs.statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      // ENOENT, and ENOTDIR under a file (a worktree's `.git` is one).
      return 'missing';
    }
  },
};

/** The holders of a remote backend; unreadable → the run does not start (it could not protect them). */
async function remoteHolders(i: RunSandboxInput): Promise<LockEntry[]> {
  if (!i.remoteLocks) return [];
  try {
    return await i.remoteLocks();
  } catch (e) {
    throw new RunSetupError(
      'noSandbox',
      `the lock backend's holders could not be read, so the sandbox cannot protect them: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Every lock and `.agent_lock` marker held now, with its holder. */
export function lockSnapshot(root: string): LockEntry[] {
  const reader = new HolderReader(new WorkspacePaths(root), path.join(root, LOCK_DIR));
  return [...reader.all(), ...reader.markers()].flatMap((h) => {
    if (h.path === undefined) return [];
    const agent = h.kind === 'lock' ? h.record.agent : h.kind === 'marker' ? h.agent : undefined;
    return [{ path: h.path, agent }];
  });
}

/**
 * Prepares the sandbox of one run: its policy from the locks held now, its temp dir, the bridge to its model
 * API and the proxy for `allowedDomains`, both in this process. `mode: on` without support throws
 * RunSetupError (the agent does not start); `auto` without support says so once through onNotice and runs
 * the agent unsandboxed.
 */
export async function openRunSandbox(i: RunSandboxInput): Promise<RunLauncher> {
  if (i.config.mode === 'off') return PLAIN;
  const support = sandboxSupport(i.env);
  if (!support.ok) {
    if (i.config.mode === 'on')
      throw new RunSetupError(
        'noSandbox',
        `fmes.sandbox.mode is "on" and this machine cannot sandbox an agent: ${support.why}`,
      );
    i.onNotice(`F-MES sandbox: off for this run, ${support.why} (fmes.sandbox.mode "auto")`);
    return PLAIN;
  }
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-sbx-'));
  const created: string[] = [];
  let bridges: Bridges | undefined;
  let missingProtected: string[] = [];
  const dispose = async () => {
    // Synchronous first: a CLI that exits right after the outcome still leaves no placeholder behind.
    quarantine(i, missingProtected);
    // Placeholders for locked paths that did not exist: removed when still empty (deepest first).
    for (const d of [...created].reverse()) {
      try {
        fs.rmdirSync(d);
      } catch {
        // Not empty (someone wrote there after all) or gone: left as it is.
      }
    }
    fs.rmSync(runDir, { recursive: true, force: true });
    await bridges?.close();
  };

  try {
    const tmpDir = path.join(runDir, 'tmp');
    const runtimeDir = path.join(tmpDir, 'xdg-runtime');
    fs.mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
    const denied = path.join(runDir, 'denied');
    fs.writeFileSync(denied, '', { mode: 0 });
    const home = i.env.HOME || os.homedir();
    const stateDirs = ensureState(stateDirsOf(i.cli, home, i.env));
    // The hook inside and `fmes lock` inside write nothing of F-MES's state themselves: they go through the run's
    // broker (src/core/broker/), so `.fmes/` and `.locks/` stay read-only. Without a broker a sandboxed run could
    // neither audit nor lock: it does not start (fail closed).
    if (!i.env.FMES_BROKER || !i.env.FMES_RUN_TOKEN)
      throw new RunSetupError(
        'noSandbox',
        "the run's broker (the socket through which the hook and fmes inside the sandbox reach F-MES) did not start; see the F-MES log",
      );
    const hookWritable: string[] = [];
    // F-MES's own folders exist before the run, so they are bound read-only (a missing `.locks` could be made).
    for (const d of [AUDIT_DIR, APPROVALS_DIR, LOCK_DIR]) fs.mkdirSync(path.join(i.root, d), { recursive: true });
    const policy = sandboxPolicy(
      {
        root: realProbe.realish(i.root),
        cwd: realProbe.realish(i.cwd),
        agentId: i.agentId,
        declared: i.declared,
        locks: [...lockSnapshot(i.root), ...(await remoteHolders(i))],
        home: realProbe.realish(home),
        realHome: realProbe.realish(os.homedir()),
        tmpDir,
        stateDirs,
        extraWritable: i.config.extraWritable,
        readBack: readBackPaths(i),
        secrets: [...secretPaths(i.cli, home), ...SYSTEM_SECRETS],
        hookWritable,
        gitDir: worktreeGitDir(i.cwd),
        readOnly: i.readOnly,
      },
      realProbe,
    );
    for (const p of policy.placeholders) created.push(...mkdirs(p));
    missingProtected = policy.missingProtected;

    const profile = CLI_PROFILES[i.cli];
    const codex = i.cli === 'codex' ? codexProvider(i.env, i.cliArgs ?? []) : undefined;
    const upstream = new URL(codex?.baseUrl || i.env[profile.baseUrlVar] || profile.defaultBaseUrl);
    const apiSocket = path.join(runDir, 'api.sock');
    const proxySocket = path.join(runDir, 'proxy.sock');
    const refused = (input: string, reason: string) => {
      i.onNotice(`F-MES sandbox refused: ${reason}`);
      try {
        appendAudit(
          i.root,
          {
            ts: new Date().toISOString(),
            agent: i.agentId,
            session: i.session?.(),
            tool: 'sandbox',
            input,
            outcome: 'denied',
            reason: `sandbox: ${reason}`,
            cli: i.cli,
            cwd: i.cwd !== i.root ? path.relative(i.root, i.cwd) : undefined,
          },
          i.redactor,
        );
      } catch {
        // The audit log is best effort here; the terminal and transcript have the line.
      }
    };
    bridges = await startBridges({
      apiSocket,
      proxySocket,
      upstream,
      allowed: i.config.allowedDomains,
      onUpstreamError: (message) =>
        i.onNotice(`F-MES sandbox bridge: the model API at ${upstream.host} failed: ${message}`),
      onRefusal: (r) =>
        refused(
          `${r.host}:${r.port}`,
          `a connection to ${r.host}:${r.port} (not the model API, not in fmes.sandbox.allowedDomains)`,
        ),
    });
    const env = sandboxedEnv(i.env, { baseUrlVar: profile.baseUrlVar, upstream, tmpDir, runtimeDir });
    const envPath = path.join(runDir, 'env.sh');
    fs.writeFileSync(envPath, envFile(env), { mode: 0o600 });
    const broker = i.env.FMES_BROKER && path.isAbsolute(i.env.FMES_BROKER) ? i.env.FMES_BROKER : undefined;
    const prefix = bwrapArgs({
      policy,
      cwd: realProbe.realish(i.cwd),
      files: [
        { host: envPath, inside: ENV_FILE_INSIDE },
        { host: apiSocket, inside: API_SOCKET_INSIDE },
        { host: proxySocket, inside: PROXY_SOCKET_INSIDE },
      ],
      brokerSocket: broker && fs.existsSync(broker) ? broker : undefined,
      deniedFile: denied,
      kind: realProbe.kind,
    });
    const diagnostics = new RunDiagnostics({
      relayLog: path.join(tmpDir, '.fmes-relay.log'),
      tmpDir,
      keepDir: i.keepDir,
      keepPrefix: i.keepPrefix ?? 'run',
      redact: (t) => i.redactor.redact(t),
    });
    const script = innerScript(path.join(tmpDir, '.fmes-relay.log'));
    i.onNotice(
      `F-MES sandbox (bubblewrap): writes to ${policy.writable.join(', ')}; read-only: ${policy.readOnly.length} path(s) inside those; network: ${upstream.host} only${i.config.allowedDomains.length ? ` and ${i.config.allowedDomains.join(', ')}` : ''}`,
    );
    const calls = new Map<string, string>();
    return {
      sandboxed: true,
      policy,
      observe: (e) => {
        if (e.type === 'toolUse') calls.set(e.id, `${e.tool} ${JSON.stringify(e.input).slice(0, 300)}`);
        if (e.type !== 'toolResult') return;
        for (const line of sandboxRefusals(e.output)) refused(calls.get(e.id) ?? line, line);
      },
      afterAttempt: () => {
        for (const line of diagnostics.relayErrors()) i.onNotice(`F-MES sandbox relay: ${i.redactor.redact(line)}`);
        for (const kept of diagnostics.keepReports())
          i.onNotice(`F-MES kept ${i.cli}'s error report (its temp dir goes with the run): ${kept}`);
      },
      wrap: (o) => ({
        ...o,
        command: support.bwrap,
        args: [
          ...prefix,
          '--',
          '/bin/bash',
          '-c',
          script,
          'fmes-sandbox',
          o.command,
          ...(codex ? codexSandboxArgs(o.args, codex, env[profile.baseUrlVar]) : o.args),
        ],
        // bwrap itself needs nothing; FMES_RUN_ID lets the kill sweep find it (processes inside carry it too).
        env: { PATH: '/usr/bin:/bin', ...(o.env.FMES_RUN_ID ? { FMES_RUN_ID: o.env.FMES_RUN_ID } : {}) },
      }),
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** The CLI's state paths that exist or can be made: folders are created, a missing state file is left out. */
function ensureState(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    if (fs.existsSync(p)) return [p];
    if (path.extname(p) === '.json') return [];
    fs.mkdirSync(p, { recursive: true, mode: 0o700 });
    return [p];
  });
}

/** The CLI's install dir (its whole node_modules when it is a package), node, the hook, and PATH's folders. */
function readBackPaths(i: RunSandboxInput): string[] {
  const out = new Set<string>(i.readBack ?? []);
  const cmd = path.isAbsolute(i.command) ? i.command : which(i.command, i.env.PATH);
  if (cmd) {
    out.add(path.dirname(cmd));
    const real = realProbe.realish(cmd);
    const nm = real.split(path.sep).indexOf('node_modules');
    out.add(
      nm > 0
        ? real
            .split(path.sep)
            .slice(0, nm + 1)
            .join(path.sep)
        : path.dirname(real),
    );
  }
  out.add(path.dirname(path.dirname(realProbe.realish(process.execPath))));
  for (const d of (i.env.PATH ?? '').split(path.delimiter)) if (path.isAbsolute(d) && fs.existsSync(d)) out.add(d);
  return [...out].map((p) => realProbe.realish(p)).filter((p) => p !== SANDBOX_RUN_DIR);
}

/**
 * Protected files the run created where none was when it started (`.mcp.json`, `.claude/settings.json` …): moved
 * to `.fmes/trash/sandbox-<stamp>/`, said in the terminal, before a tool on the host reads them.
 */
function quarantine(i: RunSandboxInput, paths: readonly string[]): void {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const p of paths) {
    if (!fs.existsSync(p)) continue;
    const rel = path.relative(i.root, p);
    const to = path.join(i.root, '.fmes', 'trash', `sandbox-${stamp}`, rel.startsWith('..') ? path.basename(p) : rel);
    try {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(p, to);
      i.onNotice(`F-MES sandbox: the run created ${p}, which F-MES protects; moved to ${to}`);
    } catch (e) {
      i.onNotice(`F-MES sandbox: the run created ${p}, which F-MES protects, and it could not be moved: ${String(e)}`);
    }
  }
}

/** The git dir a worktree's `.git` file names, if it is one. */
function worktreeGitDir(cwd: string): string | undefined {
  try {
    const m = /^gitdir: (.+)$/m.exec(fs.readFileSync(path.join(cwd, '.git'), 'utf8'));
    return m ? path.resolve(cwd, m[1].trim()) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `p` and its missing parents; returns the ones created, outermost first. */
function mkdirs(p: string): string[] {
  const missing: string[] = [];
  for (let d = p; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) fs.mkdirSync(d);
  return missing;
}
