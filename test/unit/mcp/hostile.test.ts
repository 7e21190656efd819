/**
 * The built MCP server (dist/mcp.mjs) against hostile clients and workspaces: messages over the size limit
 * or malformed, report fields past their bounds, plan files and TODO.md that lead outside the workspace.
 * Everything goes through the real server over stdio. `npm run build` first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { stringify } from 'yaml';
import { REPORT_LIMITS } from '../../../src/core/schemas/report';
import { makeWorkspace, writeIn } from '../../fixtures/workspace';
import { minimalReportObject, planMetaObject, type Json } from '../../fixtures/artifacts';

const MCP = path.resolve(__dirname, '../../../dist/mcp.mjs');
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const MIB = 1024 * 1024;

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Json };
const textOf = (r: ToolResult) => r.content.map((c) => c.text ?? '').join('\n');
const planText = (meta: Json, body = 'Do the thing.\n') => `---\n${stringify(meta)}---\n\n${body}`;

// --- raw JSON-RPC over stdio ------------------------------------------------------------------------------

/** The server as a process, spoken to line by line, as a client that does not play by the rules would. */
class RawServer {
  private buffered = '';
  private readonly lines: Json[] = [];
  private waiting: (() => void) | undefined;
  readonly child: ChildProcessWithoutNullStreams;
  exitCode: number | null | undefined;

  constructor(root: string) {
    this.child = spawn(process.execPath, [MCP, '--workspace', root, '--agent', 'raw'], { env: ENV });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => {
      this.buffered += d;
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        this.lines.push(JSON.parse(this.buffered.slice(0, nl)) as Json);
        this.buffered = this.buffered.slice(nl + 1);
      }
      this.waiting?.();
    });
    this.child.stderr.resume();
    this.child.on('exit', (code) => {
      this.exitCode = code;
      this.waiting?.();
    });
  }

  async write(data: string | Buffer): Promise<void> {
    if (!this.child.stdin.write(data)) await new Promise((r) => this.child.stdin.once('drain', r));
  }

  /** The next message from the server; fails if it exits first. */
  async next(): Promise<Json> {
    for (;;) {
      const line = this.lines.shift();
      if (line) return line;
      if (this.exitCode !== undefined) throw new Error(`the server exited (${this.exitCode}) without replying`);
      await new Promise<void>((r) => (this.waiting = r));
    }
  }

  async request(id: number | string, method: string, params: Json = {}): Promise<Json> {
    await this.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return this.next();
  }

  async start(): Promise<void> {
    const init = await this.request(0, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    });
    assert.ok(init.result, JSON.stringify(init));
    await this.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  }

  stop(): void {
    this.child.stdin.end();
  }
}

/** A message of `bytes` bytes or more whose bulk sits in one string argument, in several writes. */
async function sendLarge(s: RawServer, head: string, bytes: number, tail: string): Promise<void> {
  await s.write(head);
  const chunk = 'x'.repeat(MIB);
  for (let sent = 0; sent < bytes; sent += chunk.length) await s.write(chunk);
  await s.write(`${tail}\n`);
}

describe('MCP server: messages over the limit and malformed ones', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let s: RawServer;
  before(async () => {
    ws = makeWorkspace({});
    s = new RawServer(ws.root);
    await s.start();
  });
  after(() => {
    s.stop();
    ws.cleanup();
  });

  const pingWorks = async (id: number) =>
    assert.deepEqual(await s.request(id, 'ping'), { jsonrpc: '2.0', id, result: {} });

  test('over 10 MiB, id first: an Invalid Request error with its id; the next request is answered', async () => {
    await sendLarge(
      s,
      '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"report_submit","arguments":{"report":{"summary":"',
      11 * MIB,
      '"}}}}',
    );
    const r = await s.next();
    assert.equal(r.id, 7);
    assert.equal((r.error as Json).code, -32600);
    assert.match((r.error as Json).message as string, /too large/);
    await pingWorks(8);
  });

  test('over the limit, id last, an `id` inside params too: the top-level id is the one replied to', async () => {
    await sendLarge(
      s,
      '{"jsonrpc":"2.0","method":"tools/call","params":{"name":"plan_get","arguments":{"id":"T-42","x":"a\\"}\\",\\"id\\":\\"fake',
      11 * MIB,
      '"}},"id":"late-id"}',
    );
    const r = await s.next();
    assert.equal(r.id, 'late-id');
    assert.equal((r.error as Json).code, -32600);
    await pingWorks(9);
  });

  test('over the limit with no id, or not even JSON: id null; several in a row; the server stays up', async () => {
    await sendLarge(s, '{"jsonrpc":"2.0","method":"notifications/x","params":{"a":"', 11 * MIB, '"}}');
    await sendLarge(s, '', 11 * MIB, '');
    for (let i = 0; i < 2; i++) {
      const r = await s.next();
      assert.equal(r.id, null);
      assert.equal((r.error as Json).code, -32600);
    }
    await pingWorks(10);
  });

  test('a line that is not JSON gets a Parse error; JSON that is not JSON-RPC an Invalid Request with its id', async () => {
    await s.write('{"jsonrpc": "2.0", "id": 3, "method": \n');
    assert.deepEqual(await s.next(), {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: the line is not JSON.' },
    });
    await s.write('{"id": 4, "hello": true}\n');
    const r = await s.next();
    assert.equal(r.id, 4);
    assert.equal((r.error as Json).code, -32600);
    await pingWorks(11);
  });

  test('a message just under the limit is still read and served', async () => {
    const big = minimalReportObject({ agent: 'raw', taskId: 'T-1', big: 'y'.repeat(9 * MIB) });
    const r = await s.request(12, 'tools/call', { name: 'report_submit', arguments: { report: big } });
    // Read and answered: refused by the report's own bounds, not by the transport.
    const result = r.result as ToolResult;
    assert.equal(result.isError, true);
    assert.match(textOf(result), /report\.big/);
    assert.equal(s.exitCode, undefined);
  });
});

// --- through the SDK client -------------------------------------------------------------------------------

async function connect(root: string): Promise<{ client: Client; close: () => Promise<void> }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MCP, '--workspace', root, '--agent', 'tester'],
    env: ENV,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'fmes-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, close: () => client.close() };
}

describe('MCP server: report fields are bounded', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let server: Awaited<ReturnType<typeof connect>>;
  const submit = async (over: Json) =>
    (await server.client.callTool({
      name: 'report_submit',
      arguments: { report: minimalReportObject({ agent: 'tester', ...over }) },
    })) as ToolResult;
  const outbox = () =>
    fs.existsSync(path.join(ws.root, '.claude/outbox'))
      ? fs.readdirSync(path.join(ws.root, '.claude/outbox')).length
      : 0;
  before(async () => {
    ws = makeWorkspace({});
    server = await connect(ws.root);
  });
  after(async () => {
    await server.close();
    ws.cleanup();
  });

  const L = REPORT_LIMITS;
  const cases: Array<[field: RegExp, over: Json]> = [
    [/report\.summary/, { summary: 's'.repeat(L.summaryChars + 1) }],
    [/report\.changedFiles/, { changedFiles: Array.from({ length: L.changedFiles + 1 }, (_, i) => `f${i}`) }],
    [/report\.changedFiles\[0\]/, { changedFiles: ['p'.repeat(L.pathChars + 1)] }],
    [/report\.errors/, { errors: Array.from({ length: L.errors + 1 }, () => 'e') }],
    [/report\.errors\[1\]/, { errors: ['ok', 'e'.repeat(L.errorChars + 1)] }],
    [/report\.sessionId/, { sessionId: 'i'.repeat(L.sessionIdChars + 1) }],
    [/report\.turns/, { turns: L.count + 1 }],
    [/report\.tests\.run/, { tests: { run: L.count + 1, passed: 0, failed: 0 } }],
    [/report\.costUsd/, { costUsd: L.costUsd + 1 }],
    [/report\.durationMs/, { durationMs: L.durationMs + 1 }],
    [/report\.notes/, { notes: 'n'.repeat(L.extraFieldChars) }],
    [/report\.deep/, { deep: { a: ['x'.repeat(L.extraFieldChars)] } }],
    [/report\.x32/, Object.fromEntries(Array.from({ length: L.extraFields + 1 }, (_, i) => [`x${i}`, 1]))],
  ];
  for (const [field, over] of cases) {
    test(`a report past a bound is a tool error naming ${field.source.replace(/\\/g, '')}; nothing written`, async () => {
      const before = outbox();
      const r = await submit(over);
      assert.equal(r.isError, true, textOf(r));
      assert.match(textOf(r), field);
      assert.equal(outbox(), before);
    });
  }

  test('a report at every bound is written', async () => {
    const r = await submit({
      summary: 's'.repeat(L.summaryChars),
      changedFiles: ['p'.repeat(L.pathChars)],
      errors: Array.from({ length: L.errors }, () => 'e'.repeat(L.errorChars)),
      sessionId: 'i'.repeat(L.sessionIdChars),
      ...Object.fromEntries(
        Array.from({ length: L.extraFields }, (_, i) => [`x${i}`, 'v'.repeat(L.extraFieldChars - 2)]),
      ),
    });
    assert.equal(r.isError, undefined, textOf(r).slice(0, 500));
  });

  test('handoff_request fields are bounded too', async () => {
    const r = (await server.client.callTool({
      name: 'handoff_request',
      arguments: { taskId: 'T-1', reason: 'r'.repeat(20_001) },
    })) as ToolResult;
    assert.equal(r.isError, true);
    assert.match(textOf(r), /reason/);
    assert.equal(fs.existsSync(path.join(ws.root, 'HANDOFF_REPORT.md')), false);
  });
});

describe('MCP server: plan files and TODO.md that lead outside the workspace are refused by every tool and resource', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let outside: string;
  let server: Awaited<ReturnType<typeof connect>>;
  const call = async (name: string, args: Json = {}) =>
    (await server.client.callTool({ name, arguments: args })) as ToolResult;
  const SECRET = 'SECRET-OUTSIDE-CONTENT';

  before(async () => {
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-outside-')));
    writeIn(outside, 'evil.md', planText(planMetaObject({ id: 'EVIL-1', dependsOn: undefined }), `${SECRET}\n`));
    writeIn(outside, 'TODO.md', `${SECRET}\n`);
    ws = makeWorkspace({});
    writeIn(ws.root, '.antigravity/plans/good.md', planText(planMetaObject({ id: 'GOOD-1', dependsOn: undefined })));
    writeIn(ws.root, 'docs/inside.md', planText(planMetaObject({ id: 'INSIDE-1', dependsOn: undefined })));
    const plans = path.join(ws.root, '.antigravity/plans');
    // Symlinks out: absolute, relative through .., dangling; a link inside the workspace is fine.
    fs.symlinkSync(path.join(outside, 'evil.md'), path.join(plans, 'evil.md'));
    fs.symlinkSync(path.relative(plans, path.join(outside, 'evil.md')), path.join(plans, 'evil-rel.md'));
    fs.symlinkSync('/nonexistent/x.md', path.join(plans, 'dangling.md'));
    fs.symlinkSync('../../docs/inside.md', path.join(plans, 'alias.md'));
    // A symlinked folder on the way, and a FIFO that would hang a blocking open.
    fs.mkdirSync(path.join(plans, 'sub'));
    fs.symlinkSync(outside, path.join(ws.root, 'out'));
    spawnSync('mkfifo', [path.join(plans, 'fifo.md')]);
    fs.symlinkSync(path.join(outside, 'TODO.md'), path.join(ws.root, 'TODO.md'));
    server = await connect(ws.root);
  });
  after(async () => {
    await server.close();
    ws.cleanup();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('plan_list serves the plans inside and lists the others as refused', async () => {
    const r = await call('plan_list');
    assert.equal(r.isError, undefined, textOf(r));
    assert.deepEqual((r.structuredContent?.plans as Json[]).map((p) => p.id).sort(), ['GOOD-1', 'INSIDE-1']);
    const refused = (r.structuredContent?.refused as Json[]).map((x) => x.file).sort();
    const expected = ['.antigravity/plans/dangling.md', '.antigravity/plans/evil-rel.md', '.antigravity/plans/evil.md'];
    if (fs.existsSync(path.join(ws.root, '.antigravity/plans/fifo.md'))) expected.push('.antigravity/plans/fifo.md');
    assert.deepEqual(refused, expected.sort());
    assert.ok(!JSON.stringify(r).includes(SECRET));
    assert.ok(!JSON.stringify(r).includes('EVIL-1'));
  });

  test('plan_get refuses by id, by file, through a symlinked folder, and with .. in the id or the file', async () => {
    for (const args of [
      { id: 'EVIL-1' },
      { id: '../../evil' },
      { id: '..' },
      { file: '.antigravity/plans/evil.md' },
      { file: '.antigravity/plans/evil-rel.md' },
      { file: 'out/evil.md' },
      { file: `${outside}/evil.md` },
      { file: '../evil.md' },
      { file: '.antigravity/plans/../../out/evil.md' },
      { file: '.antigravity/plans/fifo.md' },
    ]) {
      const r = await call('plan_get', args);
      assert.equal(r.isError, true, `${JSON.stringify(args)}: ${textOf(r)}`);
      assert.ok(!JSON.stringify(r).includes(SECRET), JSON.stringify(args));
    }
    assert.equal((await call('plan_get', { id: 'INSIDE-1' })).isError, undefined);
    assert.equal((await call('plan_get', { file: '.antigravity/plans/alias.md' })).isError, undefined);
  });

  test('resources: not listed, not read, not completed; TODO.md that leads outside refused by todo_read and fmes://todo', async () => {
    const { resources } = await server.client.listResources();
    assert.deepEqual(resources.map((x) => x.uri).sort(), [
      'fmes://plans/GOOD-1',
      'fmes://plans/INSIDE-1',
      'fmes://todo',
    ]);
    for (const uri of ['fmes://plans/EVIL-1', 'fmes://plans/..%2F..%2Fout%2Fevil', 'fmes://todo']) {
      await assert.rejects(server.client.readResource({ uri }), (e: Error) => !e.message.includes(SECRET), uri);
    }
    const done = await server.client.complete({
      ref: { type: 'ref/resource', uri: 'fmes://plans/{id}' },
      argument: { name: 'id', value: '' },
    });
    assert.deepEqual(done.completion.values.sort(), ['GOOD-1', 'INSIDE-1']);
    const todo = await call('todo_read');
    assert.equal(todo.isError, true);
    assert.ok(!JSON.stringify(todo).includes(SECRET));
    const inside = await server.client.readResource({ uri: 'fmes://plans/INSIDE-1' });
    assert.match(JSON.stringify(inside), /INSIDE-1/);
  });
});

describe('MCP server: a symlinked plans folder', () => {
  test('every plan under it is refused', async (t) => {
    const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-outside-')));
    writeIn(outside, 'plans/a.md', planText(planMetaObject({ id: 'A-1', dependsOn: undefined })));
    const ws = makeWorkspace({});
    fs.mkdirSync(path.join(ws.root, '.antigravity'));
    fs.symlinkSync(path.join(outside, 'plans'), path.join(ws.root, '.antigravity/plans'));
    const server = await connect(ws.root);
    t.after(async () => {
      await server.close();
      ws.cleanup();
      fs.rmSync(outside, { recursive: true, force: true });
    });
    const list = (await server.client.callTool({ name: 'plan_list', arguments: {} })) as ToolResult;
    assert.deepEqual(list.structuredContent?.plans, []);
    assert.deepEqual(
      (list.structuredContent?.refused as Json[]).map((x) => x.file),
      ['.antigravity/plans/a.md'],
    );
    assert.equal(
      ((await server.client.callTool({ name: 'plan_get', arguments: { id: 'A-1' } })) as ToolResult).isError,
      true,
    );
    assert.equal(
      (
        (await server.client.callTool({
          name: 'plan_get',
          arguments: { file: '.antigravity/plans/a.md' },
        })) as ToolResult
      ).isError,
      true,
    );
    await assert.rejects(server.client.readResource({ uri: 'fmes://plans/A-1' }));
    assert.deepEqual(
      (await server.client.listResources()).resources.map((x) => x.uri),
      ['fmes://todo'],
    );
  });
});
