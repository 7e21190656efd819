/**
 * Drives `fmes run` (the built CLI, dist/cli.mjs) in a scratch repository whose `.fmes/config.json` points one
 * real agent CLI at the fake model API. Everything here is what a user would do from a shell.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLAUDE_TOOLS } from '../../src/core/agents/agentConfig';
import { confirmRepoConfig } from '../../src/core/configFile';
import { CLI_BINS, FAKE_API_KEY, hermeticEnv, makeScratch, type AgentCli, type Scratch } from './cliEnv';
import { after, before } from 'node:test';
import { startFakeModelApi, type FakeModelApi } from './fakeModelApi';

export const FMES = path.resolve(__dirname, '../../dist/cli.mjs');
export { FAKE_API_KEY };

/**
 * How a test sets up an agent beyond the product defaults, in the user's own terms (`.fmes/config.json`
 * `agents.<cli>`). Tests run the CLIs with F-MES's default `args` and `allowedTools`: what a user gets.
 */
export interface AgentSetup {
  args?: string[];
  allowedTools?: string[];
}

/**
 * Claude's default tools plus every shell command: what a user configures to let Claude run commands unasked
 * (F-MES's hook still guards each). Tests that script arbitrary shell commands for Claude ask for it explicitly.
 */
export const CLAUDE_ANY_COMMAND: AgentSetup = { allowedTools: [...CLAUDE_TOOLS, 'Bash'] };

export interface Workspace extends Scratch {
  cli: AgentCli;
}

function agentEntry(cli: AgentCli, fake: FakeModelApi, s: Scratch, setup: AgentSetup = {}): Record<string, unknown> {
  return { command: CLI_BINS[cli], env: hermeticEnv(cli, fake, s), ...setup };
}

/**
 * Where `fmes` keeps a person's confirmations for a scratch workspace (FMES_STATE_DIR): beside the repository,
 * inside the scratch root, so a test never writes to the real user's state folder.
 */
export function stateDirOf(dir: string): string {
  return path.join(path.dirname(dir), 'state');
}

/** The environment every `fmes` a test starts gets: this process's, with the scratch's state folder. */
export function fmesEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, FMES_STATE_DIR: stateDirOf(dir) };
}

/**
 * Writes `.fmes/config.json` and confirms it as a person would (what `fmes config confirm --yes` records): the
 * agents' command, args and env weaken safety, so an unconfirmed repository file is ignored for them.
 */
export function writeConfig(dir: string, config: Record<string, unknown>): void {
  fs.writeFileSync(path.join(dir, '.fmes/config.json'), JSON.stringify(config, null, 2));
  confirmRepoConfig(dir, { env: fmesEnv(dir), by: 'human:test' });
}

export async function workspaceFor(
  cli: AgentCli,
  fake: FakeModelApi,
  config: Record<string, unknown> = {},
  setup?: AgentSetup,
): Promise<Workspace> {
  const s = await makeScratch({ git: true });
  fs.mkdirSync(path.join(s.dir, '.fmes'), { recursive: true });
  writeConfig(s.dir, { agents: { [cli]: agentEntry(cli, fake, s, setup) }, ...config });
  return { ...s, cli };
}

/** A scratch repository whose config points several agent CLIs at the fake (for missions and their failover chain). */
export async function multiAgentWorkspace(
  clis: readonly AgentCli[],
  fake: FakeModelApi,
  config: Record<string, unknown> = {},
  setup: Partial<Record<AgentCli, AgentSetup>> = {},
): Promise<Scratch> {
  const s = await makeScratch({ git: true });
  fs.mkdirSync(path.join(s.dir, '.fmes'), { recursive: true });
  writeConfig(s.dir, {
    agents: Object.fromEntries(clis.map((cli) => [cli, agentEntry(cli, fake, s, setup[cli])])),
    ...config,
  });
  return s;
}

export interface FmesProcess {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON lines of stdout, in order. */
  lines: { type: string; [k: string]: unknown }[];
}

/** Runs `fmes --workspace <dir> <args…>` asynchronously (the fake lives in this process: never block it). */
export function fmes(dir: string, args: string[], timeoutMs = 240_000): Promise<FmesProcess> {
  const child = spawn(process.execPath, [FMES, '--workspace', dir, ...args], {
    cwd: dir,
    env: fmesEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as FmesProcess['lines'][number]);
      resolve({ code, stdout, stderr, lines });
    });
  });
}

export interface FmesResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** `--json` events, in order; the last is `{ type: 'end', outcome }`. */
  events: { type: string; [k: string]: unknown }[];
  outcome: Record<string, unknown> & {
    reason: string;
    ok: boolean;
    runId: string;
    sessionId?: string;
    costUsd: number;
    attempts: number;
    transcript: string;
  };
}

/** Runs `fmes --workspace <dir> run --json …` asynchronously (the fake lives in this process: never block it). */
export async function fmesRun(ws: Workspace, args: string[], timeoutMs = 120_000): Promise<FmesResult> {
  const t0 = Date.now();
  const {
    code,
    stdout,
    stderr,
    lines: events,
  } = await fmes(ws.dir, ['run', '--json', '--agent', ws.cli, ...args], timeoutMs);
  const end = events.at(-1);
  if (!end || end.type !== 'end')
    throw new Error(`fmes run printed no outcome (exit ${code})\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return { code, stdout, stderr, ms: Date.now() - t0, events, outcome: end.outcome as FmesResult['outcome'] };
}

export interface CostLine {
  agent: string;
  sessionId: string;
  taskId?: string;
  costUsd: number;
  totalCostUsd?: number;
  source: string;
  inputTokens?: number;
}

export function costLines(ws: Workspace): CostLine[] {
  const dir = path.join(ws.dir, '.claude/cost_logs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CostLine);
}

/** Every file under the workspace's F-MES folders and cost logs, with its text (for redaction checks). */
export function writtenFiles(ws: Workspace): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(ws.dir, p), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(ws.dir, '.fmes/runs'));
  walk(path.join(ws.dir, '.fmes/sessions'));
  walk(path.join(ws.dir, '.claude/cost_logs'));
  return out;
}

/** Live processes (not zombies) whose command line or environment contains `needle`. */
export function processesWith(needle: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      if (/^\d+ \(.*\) [ZX]/.test(fs.readFileSync(`/proc/${n}/stat`, 'utf8'))) continue;
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const env = fs.readFileSync(`/proc/${n}/environ`, 'utf8');
      if (cmd.includes(needle) || env.includes(needle)) out.push({ pid: Number(n), cmd });
    } catch {
      // Gone, or not readable.
    }
  }
  return out;
}

/**
 * One fake model API for a test file, and scratch workspaces that are removed after it: call at the top of
 * the file; `fake()` and `workspace()` are valid inside tests.
 */
export function agentTestBed(): {
  fake: () => FakeModelApi;
  workspace: (cli: AgentCli, config?: Record<string, unknown>, setup?: AgentSetup) => Promise<Workspace>;
} {
  let api: FakeModelApi | undefined;
  const scratches: Workspace[] = [];
  before(async () => {
    api = await startFakeModelApi();
  });
  after(async () => {
    await api?.close();
    for (const s of scratches) await s.cleanup();
  });
  const fake = () => {
    if (!api) throw new Error('the fake model API starts in before()');
    return api;
  };
  return {
    fake,
    workspace: async (cli, config, setup) => {
      const w = await workspaceFor(cli, fake(), config, setup);
      scratches.push(w);
      return w;
    },
  };
}

/** `fmes --workspace <dir> <args…>` run to completion (for quick commands: lock, approve, approvals). */
export function fmesSync(w: Pick<Workspace, 'dir'>, ...args: string[]): string {
  return execFileSync(process.execPath, [FMES, '--workspace', w.dir, ...args], {
    encoding: 'utf8',
    env: fmesEnv(w.dir),
  });
}

/** One line of the audit log (`.fmes/audit/<day>.jsonl`). */
export interface AuditLine {
  agent: string;
  cli?: string;
  tool: string;
  input: string;
  outcome: string;
  reason?: string;
  exitCode?: number;
}

/** Every audit record of a workspace, in file order. */
export function auditOf(w: Pick<Workspace, 'dir'>): AuditLine[] {
  const dir = path.join(w.dir, '.fmes/audit');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditLine);
}
