/**
 * Helpers to run the real agent CLIs hermetically against the fake model API: a scratch directory (git repo, HOME,
 * TMPDIR), a complete environment per CLI (nothing inherited but PATH), and Codex's provider flags.
 * Facts behind each variable: ../../../shared/reference/AGENT-CLIS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FakeModelApi } from './fakeModelApi';

export type AgentCli = 'claude' | 'gemini' | 'codex';

const BIN = path.resolve(__dirname, '../../node_modules/.bin');
/** Claude Code's native binary. */
export const CLAUDE_BIN = path.join(BIN, 'claude');
/** Gemini CLI (a Node script: needs `node` on PATH, which hermeticEnv provides). */
export const GEMINI_BIN = path.join(BIN, 'gemini');
/** Codex (a Node launcher of a native binary). */
export const CODEX_BIN = path.join(BIN, 'codex');
export const CLI_BINS: Record<AgentCli, string> = { claude: CLAUDE_BIN, gemini: GEMINI_BIN, codex: CODEX_BIN };

/** The API key every CLI is given: a test can grep output and files for it to prove it never leaks. */
export const FAKE_API_KEY = 'sk-test-fmes-SECRET123';

export interface Scratch {
  /** The scratch root; everything below is removed by cleanup(). */
  root: string;
  /** A git repository with one commit: the agent's working directory. */
  dir: string;
  /** The CLI's HOME. */
  home: string;
  /** TMPDIR. */
  tmp: string;
  /** XDG_RUNTIME_DIR (Claude Code puts its sockets there). */
  run: string;
  cleanup(): Promise<void>;
}

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'F-MES Test',
  GIT_AUTHOR_EMAIL: 'fmes-test@example.invalid',
  GIT_COMMITTER_NAME: 'F-MES Test',
  GIT_COMMITTER_EMAIL: 'fmes-test@example.invalid',
};

/** A fresh scratch directory holding a git repo (one commit), a HOME, a TMPDIR and a runtime dir. */
export async function makeScratch(options: { git?: boolean } = {}): Promise<Scratch> {
  // realpath: CLIs report their cwd resolved, and the tests compare paths.
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'fmes-agent-')));
  const scratch: Scratch = {
    root,
    dir: path.join(root, 'repo'),
    home: path.join(root, 'home'),
    tmp: path.join(root, 'tmp'),
    run: path.join(root, 'run'),
    cleanup: async () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }),
  };
  for (const d of [scratch.dir, scratch.home, scratch.tmp, scratch.run]) mkdirSync(d, { recursive: true, mode: 0o700 });
  if (options.git !== false) {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: scratch.home,
      GIT_CONFIG_NOSYSTEM: '1',
      ...GIT_IDENTITY,
    };
    const git = (...args: string[]): void => void execFileSync('git', args, { cwd: scratch.dir, env, stdio: 'ignore' });
    writeFileSync(path.join(scratch.dir, 'README.md'), '# scratch repo for agent CLI tests\n');
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
  }
  return scratch;
}

/**
 * The complete environment for one CLI against the fake (only PATH comes from this process). It also writes the
 * CLI's config files into the scratch HOME where a variable is not enough (Gemini's settings.json, Codex's home).
 * HTTP(S)_PROXY points at the fake, which refuses and records any connection to another host.
 */
export function hermeticEnv(
  cli: AgentCli,
  fake: FakeModelApi,
  scratch: Pick<Scratch, 'home' | 'tmp' | 'run'>,
): Record<string, string> {
  const common: Record<string, string> = {
    PATH: [path.dirname(process.execPath), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(path.delimiter),
    HOME: scratch.home,
    USER: os.userInfo().username,
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    TMPDIR: scratch.tmp,
    XDG_RUNTIME_DIR: scratch.run,
    XDG_CONFIG_HOME: path.join(scratch.home, '.config'),
    XDG_CACHE_HOME: path.join(scratch.home, '.cache'),
    XDG_DATA_HOME: path.join(scratch.home, '.local', 'share'),
    XDG_STATE_HOME: path.join(scratch.home, '.local', 'state'),
    GIT_CONFIG_NOSYSTEM: '1',
    ...GIT_IDENTITY,
    HTTP_PROXY: fake.url,
    HTTPS_PROXY: fake.url,
    http_proxy: fake.url,
    https_proxy: fake.url,
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
  };
  switch (cli) {
    case 'claude':
      return {
        ...common,
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: FAKE_API_KEY,
        CLAUDE_CODE_TMPDIR: scratch.tmp,
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        // A failed request is retried this many times, with back-off: more makes error tests slow.
        CLAUDE_CODE_MAX_RETRIES: '0',
        // We run as root: --dangerously-skip-permissions refuses to run as root outside a sandbox.
        IS_SANDBOX: '1',
      };
    case 'gemini': {
      const dir = path.join(scratch.home, '.gemini');
      mkdirSync(dir, { recursive: true });
      const settings = {
        security: { auth: { selectedType: 'gemini-api-key' } },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        // maxAttempts: 1 turns off the retries (10 attempts with back-off from 5 s by default) that make a failing API take minutes.
        general: { disableAutoUpdate: true, disableUpdateNag: true, maxAttempts: 1 },
      };
      writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
      return {
        ...common,
        GEMINI_API_KEY: FAKE_API_KEY,
        GOOGLE_GEMINI_BASE_URL: fake.url,
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
      };
    }
    case 'codex': {
      // Where a user points Codex at another provider: $CODEX_HOME/config.toml (the same as codexProviderArgs).
      const codexHome = path.join(scratch.home, '.codex');
      mkdirSync(codexHome, { recursive: true });
      writeFileSync(path.join(codexHome, 'config.toml'), codexConfigToml(fake));
      return { ...common, OPENAI_API_KEY: FAKE_API_KEY, CODEX_HOME: codexHome };
    }
  }
}

/** The fake as Codex's provider, in config.toml form: what a user writes in `$CODEX_HOME/config.toml`. */
export function codexConfigToml(fake: FakeModelApi): string {
  return [
    'model_provider = "fake"',
    'analytics.enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
    '[model_providers.fake]',
    'name = "fake"',
    `base_url = "${fake.url}/v1"`,
    'env_key = "OPENAI_API_KEY"',
    'wire_api = "responses"',
    'supports_websockets = false',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
}

/**
 * `-c` flags that point Codex at the fake (OPENAI_BASE_URL alone is ignored), without retries, and keep it from
 * reaching out on its own: features.plugins=false stops the curated-plugin sync (github.com, api.github.com,
 * chatgpt.com/backend-api/plugins/export/curated), analytics.enabled=false the OTLP metrics (ab.chatgpt.com).
 */
export function codexProviderArgs(fake: FakeModelApi): string[] {
  const provider = [
    'name="fake"',
    `base_url="${fake.url}/v1"`,
    'env_key="OPENAI_API_KEY"',
    'wire_api="responses"',
    'supports_websockets=false',
    'request_max_retries=0',
    'stream_max_retries=0',
  ].join(',');
  return [
    '-c',
    'model_provider="fake"',
    '-c',
    `model_providers.fake={${provider}}`,
    '-c',
    'features.plugins=false',
    '-c',
    'analytics.enabled=false',
  ];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout lines that parse as JSON objects (stream-json / --json events), in order. */
  events: Record<string, unknown>[];
  /** True when the run hit its time limit and was killed. */
  timedOut: boolean;
  ms: number;
}

export interface RunningCli {
  child: ChildProcess;
  /** Settles when the CLI has exited and its output is closed. */
  result: Promise<CliResult>;
  /** SIGKILLs the CLI's whole process group (it is started as a group leader), tools included. */
  kill(): void;
}

/**
 * Starts a CLI in its own process group with stdin closed; past timeoutMs (default 60 s) the group is killed, so a
 * hang fails the test instead of blocking it.
 */
export function startCli(
  cli: AgentCli,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): RunningCli {
  const t0 = Date.now();
  const child = spawn(CLI_BINS[cli], args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs ?? 60_000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, events: jsonLines(stdout), timedOut, ms: Date.now() - t0 });
    });
  });
  return { child, result, kill };
}

export function runCli(
  cli: AgentCli,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<CliResult> {
  return startCli(cli, args, options).result;
}

export function jsonLines(text: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trimStart().startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) events.push(value as Record<string, unknown>);
    } catch {
      // Not an event (a CLI's plain text on stdout).
    }
  }
  return events;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  args: string;
}

/**
 * The processes of a tool call started with `FAKE:sleep <s> <marker>`: every process whose command line holds the
 * marker (except the CLIs themselves, whose argv holds the `FAKE:` prompt), plus their descendants.
 */
export function toolProcesses(marker: string): ProcessInfo[] {
  const all = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[4] ?? '' }))
    .filter((p) => p.pid !== process.pid);
  const found = new Set(
    all
      .filter((p) => p.args.includes(marker) && !p.args.includes('FAKE:') && !p.args.startsWith('ps '))
      .map((p) => p.pid),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all)
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
  }
  return all.filter((p) => found.has(p.pid));
}
