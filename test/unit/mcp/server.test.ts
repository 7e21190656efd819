/**
 * The built MCP server (dist/mcp.mjs, and `fmes mcp`) driven by the SDK's own client over stdio, in a scratch
 * workspace: what an agent's MCP client sees, and what lands on disk. `npm test` builds dist/ first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, fmes } from '../../fixtures/cli';
import { makeWorkspace, writeIn } from '../../fixtures/workspace';
import { planMetaObject, minimalReportObject, type Json } from '../../fixtures/artifacts';
import { stringify } from 'yaml';

const MCP = path.resolve(__dirname, '../../../dist/mcp.mjs');

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Json };

async function connect(args: string[]): Promise<{ client: Client; close: () => Promise<void>; stderr: () => string }> {
  // Only PATH and HOME from here: FMES_AGENT must not leak in from the shell running the tests.
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'fmes-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, close: () => client.close(), stderr: () => stderr };
}

function planText(meta: Json, body = 'Do the thing.\n'): string {
  return `---\n${stringify(meta)}---\n\n${body}`;
}

function textOf(r: ToolResult): string {
  return r.content.map((c) => c.text ?? '').join('\n');
}

describe('MCP server (dist/mcp.mjs over stdio)', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let server: Awaited<ReturnType<typeof connect>>;
  const call = async (name: string, args: Json = {}) =>
    (await server.client.callTool({ name, arguments: args })) as ToolResult;
  const write = (rel: string, text: string) => writeIn(ws.root, rel, text);
  const outbox = () =>
    fs.existsSync(path.join(ws.root, '.claude/outbox'))
      ? fs.readdirSync(path.join(ws.root, '.claude/outbox')).sort()
      : [];

  before(async () => {
    ws = makeWorkspace();
    write('.antigravity/plans/active_plan.md', planText(planMetaObject({ id: 'T-42', dependsOn: undefined })));
    write('.antigravity/plans/broken.md', planText(planMetaObject({ id: 'T-43', files: [], dependsOn: undefined })));
    server = await connect([MCP, '--workspace', ws.root, '--agent', 'default-agent']);
  });
  after(async () => {
    await server.close();
    ws.cleanup();
  });

  test('lists its tools (with input schemas) and its resources', async () => {
    const { tools } = await server.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      'handoff_request',
      'lock_acquire',
      'lock_release',
      'lock_status',
      'plan_get',
      'plan_list',
      'report_submit',
      'todo_read',
    ]);
    const acquire = tools.find((t) => t.name === 'lock_acquire');
    assert.deepEqual(acquire?.inputSchema.required, ['path']);
    assert.ok(acquire?.inputSchema.properties && 'ttlSec' in acquire.inputSchema.properties);
    assert.equal(tools.find((t) => t.name === 'lock_status')?.annotations?.readOnlyHint, true);
    const { resources } = await server.client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), ['fmes://plans/T-42', 'fmes://todo']);
    const { resourceTemplates } = await server.client.listResourceTemplates();
    assert.deepEqual(
      resourceTemplates.map((t) => t.uriTemplate),
      ['fmes://plans/{id}'],
    );
  });

  test('lock_acquire takes the lock; lock_status shows it; the lock file names the agent', async () => {
    const r = await call('lock_acquire', { path: 'src/a.ts', agent: 'claude', intent: 'rename', ttlSec: 600 });
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal(r.structuredContent?.ok, true);
    assert.equal(r.structuredContent?.agent, 'claude');
    assert.equal(r.structuredContent?.pid, null, 'bounded by its TTL, not by the server process');
    const file = path.join(ws.root, '.locks', 'src%2Fa.ts.lock');
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
    assert.equal(onDisk.agent, 'claude');
    assert.equal(onDisk.intent, 'rename');
    assert.equal(Date.parse(onDisk.expiresAt as string) - Date.parse(onDisk.acquiredAt as string), 600_000);
    const status = await call('lock_status');
    const locks = status.structuredContent?.locks as Json[];
    assert.deepEqual(
      locks.map((l) => [l.path, l.agent, l.stale]),
      [['src/a.ts', 'claude', false]],
    );
    assert.match(textOf(status), /src\/a\.ts held by claude/);
  });

  test('a second agent on the same path gets the holder, not an error', async () => {
    const r = await call('lock_acquire', { path: 'src/a.ts', agent: 'gemini' });
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal(r.structuredContent?.ok, false);
    assert.equal(r.structuredContent?.reason, 'held');
    const holders = r.structuredContent?.holders as Json[];
    assert.equal(holders[0]?.agent, 'claude');
    assert.match(textOf(r), /held by claude \(rename/);
    // A folder lock above it conflicts too.
    const folder = await call('lock_acquire', { path: 'src', agent: 'gemini' });
    assert.equal(folder.structuredContent?.ok, false);
  });

  test('lock_release: only the holder; then the file is gone', async () => {
    const wrong = await call('lock_release', { path: 'src/a.ts', agent: 'gemini' });
    assert.equal(wrong.isError, true);
    assert.match(textOf(wrong), /held by claude, not gemini/);
    const r = await call('lock_release', { path: 'src/a.ts', agent: 'claude' });
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal(fs.existsSync(path.join(ws.root, '.locks', 'src%2Fa.ts.lock')), false);
    const again = await call('lock_release', { path: 'src/a.ts', agent: 'claude' });
    assert.equal(again.isError, true);
    assert.match(textOf(again), /not locked/);
  });

  test('the agent defaults to --agent; paths outside the workspace are tool errors', async () => {
    const r = await call('lock_acquire', { path: 'README.md' });
    assert.equal(r.structuredContent?.agent, 'default-agent');
    assert.equal((await call('lock_release', { path: 'README.md' })).isError, undefined);
    const out = await call('lock_acquire', { path: '../elsewhere.ts' });
    assert.equal(out.isError, true);
    assert.match(textOf(out), /outside|workspace/i);
    const badAgent = await call('lock_acquire', { path: 'x', agent: 'no spaces' });
    assert.equal(badAgent.isError, true);
    assert.match(textOf(badAgent), /agent/);
  });

  test('report_submit writes a valid report that fmes validate accepts', async () => {
    const r = await call('report_submit', {
      report: { ...minimalReportObject({ agent: 'claude', taskId: 'T-42', status: 'success' }), custom: 'kept' },
    });
    assert.equal(r.isError, undefined, textOf(r));
    const file = r.structuredContent?.file as string;
    assert.match(file, /^\.claude\/outbox\/T-42-claude-\d{8}T\d{9}Z\.json$/);
    const written = JSON.parse(fs.readFileSync(path.join(ws.root, file), 'utf8')) as Json;
    assert.equal(written.status, 'success');
    assert.equal(written.custom, 'kept', 'fields the schema does not know are kept');
    const v = fmes(['validate', path.join(ws.root, file)]);
    assert.equal(v.status, 0, v.stderr);
    // The default agent fills a report without one; ':' in an agent id does not reach the file name.
    const second = await call('report_submit', { report: minimalReportObject({ agent: undefined, taskId: 'T-42' }) });
    assert.equal(second.isError, undefined, textOf(second));
    assert.match(second.structuredContent?.file as string, /T-42-default-agent-/);
  });

  test('an invalid report is a tool error naming the field, and nothing is written', async () => {
    const before = outbox();
    const badStatus = await call('report_submit', { report: minimalReportObject({ status: 'done' }) });
    assert.equal(badStatus.isError, true);
    assert.match(textOf(badStatus), /report\.status/);
    const backwards = await call('report_submit', {
      report: minimalReportObject({ startedAt: '2026-11-22T10:00:00Z', finishedAt: '2026-11-22T09:00:00Z' }),
    });
    assert.equal(backwards.isError, true);
    assert.match(textOf(backwards), /report\.finishedAt: must not be before startedAt/);
    const counts = await call('report_submit', {
      report: minimalReportObject({ tests: { run: 1, passed: 2, failed: 0 } }),
    });
    assert.equal(counts.isError, true);
    assert.match(textOf(counts), /report\.tests\.passed/);
    assert.deepEqual(outbox(), before);
  });

  test('plan_list: the valid plan with its fields, the invalid one with its problems', async () => {
    const r = await call('plan_list');
    assert.equal(r.isError, undefined, textOf(r));
    assert.deepEqual(r.structuredContent?.plans, [
      {
        id: 'T-42',
        title: 'Rename login to signIn',
        agent: 'claude-1',
        files: ['src/auth/', 'test/auth/login.test.ts'],
        risk: 'low',
        file: '.antigravity/plans/active_plan.md',
      },
    ]);
    const invalid = r.structuredContent?.invalid as { file: string; issues: { field: string }[] }[];
    assert.equal(invalid.length, 1);
    assert.equal(invalid[0]?.file, '.antigravity/plans/broken.md');
    assert.deepEqual(
      invalid[0]?.issues.map((i) => i.field),
      ['files'],
    );
  });

  test('plan_get by id and by file; problems are tool errors', async () => {
    const byId = await call('plan_get', { id: 'T-42' });
    assert.equal(byId.isError, undefined, textOf(byId));
    assert.equal((byId.structuredContent?.meta as Json).rollback, 'git revert the task branch');
    assert.equal(byId.structuredContent?.body, 'Do the thing.');
    const byFile = await call('plan_get', { file: '.antigravity/plans/active_plan.md' });
    assert.deepEqual(byFile.structuredContent, byId.structuredContent);
    const invalid = await call('plan_get', { file: '.antigravity/plans/broken.md' });
    assert.equal(invalid.isError, true);
    assert.match(textOf(invalid), /broken\.md: files: /);
    const missing = await call('plan_get', { id: 'T-99' });
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /no valid plan with id "T-99".*broken\.md/);
    assert.equal((await call('plan_get', {})).isError, true);
    assert.equal((await call('plan_get', { id: 'T-42', file: 'x.md' })).isError, true);
  });

  test('handoff_request never loses an earlier handoff', async () => {
    const first = await call('handoff_request', {
      taskId: 'T-42',
      agent: 'claude',
      reason: 'Tests fail on CI only.',
      state: 'Branch fmes/T-42 has the rename.',
    });
    assert.equal(first.isError, undefined, textOf(first));
    assert.equal(first.structuredContent?.file, 'HANDOFF_REPORT.md');
    const firstText = fs.readFileSync(path.join(ws.root, 'HANDOFF_REPORT.md'), 'utf8');
    assert.match(firstText, /status: needs-human/);
    assert.match(firstText, /## State\n\nBranch fmes\/T-42 has the rename\./);
    const second = await call('handoff_request', { taskId: 'T-43', reason: 'Budget spent.', attempts: 3 });
    assert.equal(second.isError, undefined, textOf(second));
    const secondFile = second.structuredContent?.file as string;
    assert.match(secondFile, /^HANDOFF_REPORT-T-43-\d{8}T\d{9}Z\.md$/);
    assert.equal(
      fs.readFileSync(path.join(ws.root, 'HANDOFF_REPORT.md'), 'utf8'),
      firstText,
      'the first handoff is untouched',
    );
    assert.deepEqual((second.structuredContent?.meta as Json).agents, ['default-agent']);
    // Both are handoffs to `fmes validate --all` (which also finds this workspace's broken plan), and both valid.
    const v = fmes(['--workspace', ws.root, 'validate', '--all', '--json']);
    const handoffs = (JSON.parse(v.stdout) as { file: string; kind: string; ok: boolean }[])
      .filter((x) => x.kind === 'handoff')
      .map((x) => [path.basename(x.file), x.ok]);
    assert.deepEqual(handoffs, [
      ['HANDOFF_REPORT.md', true],
      [secondFile, true],
    ]);
  });

  test('todo_read and the resources', async () => {
    const none = await call('todo_read');
    assert.equal(none.structuredContent?.exists, false);
    await assert.rejects(server.client.readResource({ uri: 'fmes://todo' }), /no TODO\.md/i);
    write('TODO.md', '- [ ] rename login\n');
    const todo = await call('todo_read');
    assert.equal(todo.structuredContent?.text, '- [ ] rename login\n');
    assert.equal(textOf(todo), '- [ ] rename login\n');
    const res = await server.client.readResource({ uri: 'fmes://todo' });
    assert.deepEqual(res.contents, [{ uri: 'fmes://todo', mimeType: 'text/markdown', text: '- [ ] rename login\n' }]);
    const plan = await server.client.readResource({ uri: 'fmes://plans/T-42' });
    const first = plan.contents[0];
    assert.ok(first && 'text' in first);
    assert.equal(first.text, fs.readFileSync(path.join(ws.root, '.antigravity/plans/active_plan.md'), 'utf8'));
    await assert.rejects(server.client.readResource({ uri: 'fmes://plans/T-99' }), /T-99/);
  });

  test('stdout carried only the protocol; stderr holds no stack trace', () => {
    // A stray line on stdout would have broken the client's JSON-RPC parsing in the tests above.
    assert.doesNotMatch(server.stderr(), /\n\s+at /);
  });
});

describe('fmes mcp without a default agent', () => {
  test('a call without agent is a tool error naming agent; the server exits when the client closes', async () => {
    const ws = makeWorkspace();
    const server = await connect([CLI, 'mcp', '--workspace', ws.root]);
    try {
      const r = (await server.client.callTool({ name: 'lock_acquire', arguments: { path: 'src/a.ts' } })) as ToolResult;
      assert.equal(r.isError, true);
      assert.match(textOf(r), /^agent: required/);
      assert.equal(fs.existsSync(path.join(ws.root, '.locks', 'src%2Fa.ts.lock')), false);
    } finally {
      await server.close();
      ws.cleanup();
    }
  });
});
