/**
 * Records the real CLIs' outputs against the fake model API as parser fixtures under test/fixtures/streams/<cli>/:
 * <name>.jsonl (stdout), <name>.stderr.txt (when not empty) and <name>.meta.json (args, exit code).
 * The scratch path becomes /tmp/fmes-agent-XXXXXX and the fake's port PORT, so re-recording gives small diffs.
 * Run from the repo root: node --import tsx test/agents/recordStreams.ts [name-filter]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  codexProviderArgs,
  hermeticEnv,
  makeScratch,
  runCli,
  type AgentCli,
  type CliResult,
  type Scratch,
} from './cliEnv';
import { startFakeModelApi, type FakeModelApi } from './fakeModelApi';

const OUT = path.resolve(__dirname, '../fixtures/streams');
const CLAUDE = ['--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions', '--max-turns', '5'];
const GEMINI = ['-o', 'stream-json', '--yolo'];
const UNKNOWN_ID = '11111111-2222-4333-8444-999999999999';
const SESSION_ID = '11111111-2222-4333-8444-000000000001';

interface Recording {
  cli: AgentCli;
  name: string;
  note: string;
  args: (fake: FakeModelApi) => string[];
  /** Runs first, in the same scratch dir and HOME; not recorded. */
  before?: (fake: FakeModelApi) => string[];
}

const codexExec = (fake: FakeModelApi, ...rest: string[]): string[] => [
  'exec',
  '--json',
  '--dangerously-bypass-approvals-and-sandbox',
  '--skip-git-repo-check',
  ...codexProviderArgs(fake),
  ...rest,
];

const RECORDINGS: Recording[] = [
  {
    cli: 'claude',
    name: 'resume-unknown',
    note: '-r with a well-formed but unknown session id',
    args: () => ['-p', 'FAKE:text', ...CLAUDE, '-r', UNKNOWN_ID],
  },
  {
    cli: 'claude',
    name: 'resume-not-a-uuid',
    note: '-r with a value that is neither a UUID nor a session title',
    args: () => ['-p', 'FAKE:text', ...CLAUDE, '-r', 'not-a-uuid'],
  },
  {
    cli: 'claude',
    name: 'session-id-in-use',
    note: '--session-id with an id an earlier run already used',
    before: () => ['-p', 'FAKE:text', ...CLAUDE, '--session-id', SESSION_ID],
    args: () => ['-p', 'FAKE:text', ...CLAUDE, '--session-id', SESSION_ID],
  },
  {
    cli: 'claude',
    name: 'api-error-500',
    note: 'the API answers 500 (CLAUDE_CODE_MAX_RETRIES=0)',
    args: () => ['-p', 'FAKE:error 500', ...CLAUDE],
  },
  {
    cli: 'claude',
    name: 'max-budget',
    note: 'FAKE:huge (1M input tokens a reply) with --max-budget-usd 1',
    args: () => ['-p', 'FAKE:huge', ...CLAUDE, '--max-budget-usd', '1'],
  },
  {
    cli: 'gemini',
    name: 'api-error-500',
    note: 'the API answers 500 (settings general.maxAttempts=1)',
    args: () => [...GEMINI, '-p', 'FAKE:error 500'],
  },
  {
    cli: 'gemini',
    name: 'write-file',
    note: 'write_file tool call, then a text answer streamed in two chunks',
    args: () => [...GEMINI, '-p', 'FAKE:write hello.txt'],
  },
  {
    cli: 'gemini',
    name: 'resume-unknown',
    note: '-r with an unknown session id in a project without sessions',
    args: () => [...GEMINI, '-r', UNKNOWN_ID, '-p', 'FAKE:text'],
  },
  {
    cli: 'codex',
    name: 'command-and-message',
    note: 'exec_command tool call, then an agent message',
    args: (fake) => codexExec(fake, 'FAKE:bash echo hi > codex-made.txt'),
  },
  {
    cli: 'codex',
    name: 'api-error-500',
    note: 'the API answers 500 (request_max_retries=0): codex shows its own message',
    args: (fake) => codexExec(fake, 'FAKE:error 500'),
  },
  {
    cli: 'codex',
    name: 'api-error-400',
    note: 'the API answers 400: codex shows the body',
    args: (fake) => codexExec(fake, 'FAKE:error 400'),
  },
  {
    cli: 'codex',
    name: 'resume-unknown',
    note: 'exec resume with an unknown thread id',
    args: (fake) => codexExec(fake, 'resume', UNKNOWN_ID, 'FAKE:text'),
  },
];

function normalize(text: string, scratch: Scratch, fake: FakeModelApi): string {
  return text.replaceAll(scratch.root, '/tmp/fmes-agent-XXXXXX').replaceAll(`127.0.0.1:${fake.port}`, '127.0.0.1:PORT');
}

async function record(rec: Recording): Promise<CliResult> {
  const fake = await startFakeModelApi();
  const scratch = await makeScratch();
  try {
    const env = hermeticEnv(rec.cli, fake, scratch);
    if (rec.before) await runCli(rec.cli, rec.before(fake), { cwd: scratch.dir, env, timeoutMs: 60_000 });
    const args = rec.args(fake);
    const r = await runCli(rec.cli, args, { cwd: scratch.dir, env, timeoutMs: 60_000 });
    const dir = path.join(OUT, rec.cli);
    mkdirSync(dir, { recursive: true });
    const base = path.join(dir, rec.name);
    writeFileSync(`${base}.jsonl`, normalize(r.stdout, scratch, fake));
    if (r.stderr) writeFileSync(`${base}.stderr.txt`, normalize(r.stderr, scratch, fake));
    const meta = {
      cli: rec.cli,
      note: rec.note,
      args: args.map((a) => normalize(a, scratch, fake)),
      exitCode: r.code,
      signal: r.signal,
      timedOut: r.timedOut,
    };
    writeFileSync(`${base}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
    return r;
  } finally {
    await fake.close();
    await scratch.cleanup();
  }
}

async function main(): Promise<void> {
  const filter = process.argv[2] ?? '';
  for (const rec of RECORDINGS.filter((r) => `${r.cli}/${r.name}`.includes(filter))) {
    const r = await record(rec);
    console.log(`${rec.cli}/${rec.name}: exit ${String(r.code)} in ${r.ms} ms, ${r.events.length} events`);
  }
}

void main();
