/**
 * The REAL Claude Code CLI using the F-MES MCP server (dist/mcp.mjs, started by Claude from --mcp-config), against
 * the fake model API, whose `FAKE:mcp <tool> <json>` scenario calls mcp__fmes__<tool>. Pins down how Claude names
 * and permits MCP tools, and that what the tool does lands on disk.
 * Run: npm run build && node --import tsx --test test/agents/mcp.agent.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FAKE_API_KEY, hermeticEnv, makeScratch, runCli, type CliResult, type Scratch } from './cliEnv';
import { startFakeModelApi, type FakeModelApi } from './fakeModelApi';

const MCP = path.resolve(__dirname, '../../dist/mcp.mjs');
const TOOLS = [
  'handoff_request',
  'lock_acquire',
  'lock_release',
  'lock_status',
  'plan_get',
  'plan_list',
  'report_submit',
  'todo_read',
];

let fake: FakeModelApi;
let scratch: Scratch;

beforeEach(async () => {
  fake = await startFakeModelApi();
  scratch = await makeScratch();
});

afterEach(async () => {
  await fake.close();
  await scratch.cleanup();
});

/** `claude -p <prompt> --mcp-config <file with the fmes server>` in the scratch repo, hermetic. */
function claude(prompt: string, permission: string[]): Promise<CliResult> {
  const config = path.join(scratch.root, 'mcp.json');
  // `node` resolves through the hermetic PATH, whose first entry is this Node's folder.
  writeFileSync(
    config,
    JSON.stringify({ mcpServers: { fmes: { command: 'node', args: [MCP, '--workspace', scratch.dir] } } }),
  );
  const args = [
    '-p',
    prompt,
    '--mcp-config',
    config,
    '--strict-mcp-config',
    ...permission,
    '--output-format',
    'stream-json',
    '--verbose',
  ];
  return runCli('claude', args, { cwd: scratch.dir, env: hermeticEnv('claude', fake, scratch), timeoutMs: 60_000 });
}

function show(r: CliResult): string {
  return `exit ${String(r.code)} after ${r.ms} ms\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-2000)}`;
}

type Block = {
  type: string;
  name?: string;
  id?: string;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
  text?: string;
};

function blocks(r: CliResult, type: 'assistant' | 'user'): Block[] {
  return r.events
    .filter((e) => e.type === type)
    .flatMap((e) => (e.message as { content?: Block[] } | undefined)?.content ?? []);
}

/** The tool_result Claude got for its call of `tool`. */
function toolResultOf(r: CliResult, tool: string): { text: string; isError: boolean } {
  const use = blocks(r, 'assistant').find((b) => b.type === 'tool_use' && b.name === tool);
  assert.ok(use, `Claude never called ${tool}\n${show(r)}`);
  const result = blocks(r, 'user').find((b) => b.type === 'tool_result' && b.tool_use_id === use.id);
  assert.ok(result, `no tool_result for ${tool}\n${show(r)}`);
  const text = typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
  return { text, isError: result.is_error === true };
}

function resultEvent(r: CliResult): Record<string, unknown> {
  const last = r.events.at(-1);
  assert.equal(last?.type, 'result', show(r));
  return last;
}

function lockFile(rel: string): Record<string, unknown> | undefined {
  const file = path.join(scratch.dir, '.locks', `${rel.replace(/\//g, '%2F')}.lock`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

describe('Claude Code with the F-MES MCP server', () => {
  test('FAKE:mcp lock_acquire: Claude calls mcp__fmes__lock_acquire, the lock is on disk, the stream shows the result', async () => {
    const r = await claude('FAKE:mcp lock_acquire {"path":"src/a.ts","agent":"claude"}', [
      '--dangerously-skip-permissions',
    ]);
    assert.equal(r.code, 0, show(r));
    const init = r.events.find((e) => e.type === 'system' && e.subtype === 'init');
    assert.deepEqual(init?.mcp_servers, [{ name: 'fmes', status: 'connected', source: 'dynamic' }]);
    const mcpTools = ((init?.tools ?? []) as string[]).filter((t) => t.startsWith('mcp__')).sort();
    assert.deepEqual(
      mcpTools,
      TOOLS.map((t) => `mcp__fmes__${t}`),
    );
    const lock = lockFile('src/a.ts');
    assert.equal(lock?.agent, 'claude', show(r));
    assert.equal(lock?.path, 'src/a.ts');
    const result = toolResultOf(r, 'mcp__fmes__lock_acquire');
    assert.equal(result.isError, false, result.text);
    // Claude hands the model the structured content (compact JSON), not the text blocks.
    const structured = JSON.parse(result.text) as Record<string, unknown>;
    assert.equal(structured.ok, true);
    // The record's own token is the lock's generation; the caller gets a secret token, stored only as a hash.
    assert.equal(structured.generation, lock?.token);
    assert.equal(typeof structured.token, 'string');
    assert.notEqual(structured.token, lock?.token);
    assert.ok(!JSON.stringify(lock).includes(structured.token as string), 'the secret token is not in the lock file');
    const answer =
      blocks(r, 'assistant')
        .filter((b) => b.type === 'text')
        .at(-1)?.text ?? '';
    assert.match(answer, /^Done\. Tool result was: .*\\"ok\\":true/);
    assert.equal(resultEvent(r).is_error, false);
    assert.deepEqual(fake.strayConnections, []);
    assert.ok(!r.stdout.includes(FAKE_API_KEY));
  });

  test('headless Claude denies MCP tools it was not allowed; --allowedTools mcp__fmes allows the whole server', async () => {
    const prompt = 'FAKE:mcp lock_acquire {"path":"src/a.ts","agent":"claude"}';
    const denied = await claude(prompt, []);
    assert.equal(denied.code, 0, show(denied));
    const refusal = toolResultOf(denied, 'mcp__fmes__lock_acquire');
    assert.equal(refusal.isError, true);
    assert.match(refusal.text, /requested permissions to use mcp__fmes__lock_acquire/);
    assert.deepEqual(
      (resultEvent(denied).permission_denials as { tool_name: string }[]).map((d) => d.tool_name),
      ['mcp__fmes__lock_acquire'],
    );
    assert.equal(lockFile('src/a.ts'), undefined);

    const allowed = await claude(prompt, ['--allowedTools', 'mcp__fmes']);
    assert.equal(toolResultOf(allowed, 'mcp__fmes__lock_acquire').isError, false, show(allowed));
    assert.deepEqual(resultEvent(allowed).permission_denials, []);
    assert.equal(lockFile('src/a.ts')?.agent, 'claude');
  });

  test('an invalid report comes back to Claude as a tool error naming the field; nothing is written', async () => {
    const report = {
      agent: 'claude',
      taskId: 'T-1',
      status: 'finished',
      summary: 'x',
      startedAt: '2026-11-22T10:00:00Z',
      finishedAt: '2026-11-22T10:01:00Z',
    };
    const r = await claude(`FAKE:mcp report_submit ${JSON.stringify({ report })}`, ['--allowedTools', 'mcp__fmes__*']);
    const result = toolResultOf(r, 'mcp__fmes__report_submit');
    assert.equal(result.isError, true, show(r));
    assert.match(result.text, /report\.status/);
    const outbox = path.join(scratch.dir, '.claude/outbox');
    assert.deepEqual(existsSync(outbox) ? readdirSync(outbox) : [], []);
  });
});
