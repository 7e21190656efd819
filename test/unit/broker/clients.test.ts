// `fmes lock …`, `fmes lock run` (the hot dist/fmes.cjs and the full CLI), the hook and the MCP lock tools as
// real processes inside a run with a broker: same output and exit codes as outside, carried out by the broker
// as the run's agent. The processes run from a folder outside every repository, so that only the broker can
// know the workspace: a lock appearing there is the proof it went through the broker.
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { RunBroker } from '../../../src/core/broker/runBroker';
import { createLogger, nullSink } from '../../../src/core/log';
import { ApprovalStore } from '../../../src/core/safety/approvals';
import { LockManager } from '../../../src/hot/locks/lockManager';
import { WorkspacePaths } from '../../../src/hot/paths/workspacePath';
import { makeWorkspace } from '../../fixtures/workspace';
import { fmesIn, lockFiles, openBroker, privateDir } from './brokerFixture';

const DIST = path.resolve(__dirname, '../../../dist');
const FMES_BIN = path.join(DIST, 'fmes.cjs');
const HOOK = path.join(DIST, 'hook.cjs');
const base = privateDir();
const outside = privateDir();
after(() => {
  fs.rmSync(base, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe('clients inside a run with a broker', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let broker: RunBroker;
  let other: LockManager;
  const run = (args: string[], o: Parameters<typeof fmesIn>[2] = {}) => fmesIn(broker, args, { cwd: outside, ...o });
  beforeEach(() => {
    ws = makeWorkspace();
    broker = openBroker(ws.root, { agent: 'claude', runId: 'run-1' }, base);
    other = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink));
  });
  afterEach(async () => {
    other.dispose();
    await broker.close();
    ws.cleanup();
  });
  const recordOf = (p: string) => {
    const h = other.reader.exact(other.normalize(p));
    return h?.kind === 'lock' ? h.record : undefined;
  };

  test('acquire, status, renew, release: the CLI’s output, through the broker', async () => {
    const a = await run(['lock', 'acquire', 'src/a.ts', '--intent', 'edit']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^locked src\/a\.ts for claude until \S+ \(token \S+: keep it, it is shown once/);
    assert.equal(recordOf('src/a.ts')?.pid, null);
    const j = await run(['lock', 'acquire', 'src/auth', '--json', '--ttl', '60', '--pid', String(process.pid)]);
    assert.match(j.stderr, /--pid is ignored inside an agent run/);
    assert.equal(JSON.parse(j.stdout).agent, 'claude');
    const s = await run(['lock', 'status']);
    assert.match(s.stdout, /^src\/a\.ts\tclaude\tedit\t\d+s$/m);
    const sj = JSON.parse((await run(['lock', 'status', '--json'])).stdout) as { path: string }[];
    assert.deepEqual(sj.map((x) => x.path).sort(), ['src/a.ts', 'src/auth']);
    const n = await run(['lock', 'renew', 'src/a.ts', '--ttl', '120']);
    assert.match(n.stdout, /^renewed src\/a\.ts until /);
    const r = await run(['lock', 'release', 'src/a.ts']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'released src/a.ts');
    assert.equal(recordOf('src/a.ts'), undefined);
  });

  test('held by another agent: exit 75 naming the holder, after the wait it announced', async () => {
    await other.acquire('src', { agent: 'gemini', pid: null, intent: 'auth rewrite' });
    const r = await run(['lock', 'acquire', 'src/a.ts', '--wait', '0.3']);
    assert.equal(r.code, 75, r.stderr);
    assert.match(r.stderr, /waiting up to 0\.3s for src\/a\.ts: src held by gemini/);
    assert.match(r.stderr, /src\/a\.ts is held:\n {2}src held by gemini \(auth rewrite/);
    const j = await run(['lock', 'acquire', 'src/a.ts', '--json']);
    assert.equal(JSON.parse(j.stdout).holders[0].agent, 'gemini');
    for (const bin of [FMES_BIN, undefined]) {
      const lr = await run(['lock', 'run', 'src/a.ts', '--', 'node', '-e', 'process.exit(0)'], { script: bin });
      assert.equal(lr.code, 75, `${bin ?? 'cli.mjs'}: ${lr.stderr}`);
    }
  });

  test('acting as another agent: refused with 77, whether the run is visible or hidden', async () => {
    await other.acquire('src/auth', { agent: 'gemini', pid: null });
    const before = fs.readdirSync(path.join(ws.root, '.locks')).sort();
    const cases: [string[], NodeJS.ProcessEnv][] = [
      [['lock', 'acquire', 'src/a.ts', '--agent', 'gemini'], {}],
      [['lock', 'release', 'src/auth', '--agent', 'gemini'], {}],
      [['lock', 'run', 'src/a.ts', '--agent', 'gemini', '--', 'true'], {}],
      // The run hidden from the CLI (no FMES_RUN_ID, another FMES_AGENT): the broker still knows who it is.
      [['lock', 'acquire', 'src/a.ts'], { FMES_RUN_ID: '', FMES_AGENT: 'gemini' }],
      [['lock', 'release', 'src/auth'], { FMES_RUN_ID: '', FMES_AGENT: 'gemini' }],
      [['lock', 'run', 'src/a.ts', '--', 'true'], { FMES_RUN_ID: '', FMES_AGENT: 'gemini' }],
      // No break on the broker, and none in the CLI while a broker is in the environment.
      [['lock', 'break', 'src/auth', '--reason', 'mine now'], { FMES_RUN_ID: '', FMES_AGENT: '' }],
      // Its own name, another's lock.
      [['lock', 'release', 'src/auth'], {}],
      [['lock', 'renew', 'src/auth'], {}],
    ];
    for (const [args, env] of cases) {
      for (const script of args[1] === 'run' ? [FMES_BIN, undefined] : [undefined]) {
        const r = await run(args, { env, script });
        assert.equal(r.code, 77, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /fmes: refused: /);
      }
    }
    assert.deepEqual(fs.readdirSync(path.join(ws.root, '.locks')).sort(), before, 'nothing changed');
    assert.equal(recordOf('src/auth')?.agent, 'gemini');
  });

  test('lock run holds the lock for the command (bound to the broker’s process) and releases it', async () => {
    const check = `const fs=require('fs'),p=require('path');const d=p.join(${JSON.stringify(ws.root)},'.locks');const f=fs.readdirSync(d).filter(n=>n.endsWith('.lock'));const r=JSON.parse(fs.readFileSync(p.join(d,f[0]),'utf8'));console.log(r.agent, r.pid);process.exit(7)`;
    for (const bin of [FMES_BIN, undefined]) {
      const r = await run(['lock', 'run', 'src/a.ts', '--', process.execPath, '-e', check], { script: bin });
      assert.equal(r.code, 7, `${bin ?? 'cli.mjs'}: the command’s exit code: ${r.stderr}`);
      assert.equal(r.stdout.trim(), `claude ${process.pid}`, 'held by the broker’s process for the run’s agent');
      assert.deepEqual(lockFiles(ws.root), [], 'released before lock run exited');
    }
  });

  test('an unreachable broker fails closed: exit 69, a clear message, nothing done', async () => {
    const env = { FMES_BROKER: path.join(outside, 'gone.sock') };
    for (const [args, script] of [
      [['lock', 'acquire', 'src/a.ts'], undefined],
      [['lock', 'release', 'src/a.ts'], undefined],
      [['lock', 'status'], undefined],
      [['lock', 'run', 'src/a.ts', '--', 'touch', path.join(outside, 'ran')], FMES_BIN],
      [['lock', 'run', 'src/a.ts', '--', 'touch', path.join(outside, 'ran')], undefined],
    ] as const) {
      const r = await run([...args], { env, script });
      assert.equal(r.code, 69, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /cannot reach the F-MES broker of this run/);
    }
    assert.equal(fs.existsSync(path.join(outside, 'ran')), false, 'the command did not run');
    assert.deepEqual(lockFiles(ws.root), []);
  });

  test('a token of another run is refused by this run’s broker', async () => {
    const theirs = openBroker(ws.root, { agent: 'gemini', runId: 'run-2' }, base);
    try {
      const r = await run(['lock', 'acquire', 'src/a.ts'], { env: { FMES_RUN_TOKEN: theirs.env.FMES_RUN_TOKEN } });
      assert.notEqual(r.code, 0);
      assert.notEqual(r.code, 75);
      assert.match(r.stderr, /not the run’s/);
      assert.deepEqual(lockFiles(ws.root), []);
    } finally {
      await theirs.close();
    }
  });

  test('the hook audits through the broker, stamped with the run’s agent whatever its environment says', async () => {
    const input = JSON.stringify({
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
      tool_response: {},
      session_id: 's',
      cwd: ws.root,
    });
    const r = await run(['post-tool-use', '--cli', 'claude'], {
      script: HOOK,
      input,
      env: { FMES_AGENT: 'liar', FMES_WORKSPACE: ws.root },
    });
    assert.equal(r.code, 0, r.stderr);
    const dir = path.join(ws.root, '.fmes/audit');
    const lines = fs
      .readdirSync(dir)
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l) as { agent: string; input: string });
    assert.deepEqual(
      lines.map((l) => [l.agent, l.input]),
      [['claude', 'ls']],
    );
  });

  test('the hook files an approval through the broker, as the run; unreachable, it denies', async () => {
    const input = JSON.stringify({
      tool_name: 'Bash',
      tool_input: { command: 'git reset --hard HEAD~1' },
      cwd: ws.root,
    });
    const env = { FMES_AGENT: 'liar', FMES_RUN_ID: 'forged', FMES_WORKSPACE: ws.root };
    const r = await run(['pre-tool-use', '--cli', 'claude'], { script: HOOK, input, env });
    assert.equal(r.code, 2, r.stderr);
    const id = /F-MES recorded request (\S+) \(fmes approve/.exec(r.stderr)?.[1];
    assert.ok(id, r.stderr);
    const a = new ApprovalStore(ws.root).get(id);
    assert.equal(a?.agent, 'claude');
    assert.equal(a?.runId, 'run-1', 'the run of the token, not the forged FMES_RUN_ID');
    // The agent approving its own request: refused, nothing changed.
    const ap = await run(['--workspace', ws.root, 'approve', id]);
    assert.equal(ap.code, 77, ap.stderr);
    assert.equal(new ApprovalStore(ws.root).get(id)?.status, 'pending');
    const gone = await run(['pre-tool-use', '--cli', 'claude'], {
      script: HOOK,
      input,
      env: { ...env, FMES_BROKER: path.join(outside, 'gone.sock') },
    });
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /could not file the request \(cannot reach the F-MES broker/);
  });

  test('the MCP lock tools and report_submit go through the broker', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(DIST, 'mcp.mjs'), '--workspace', ws.root],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        FMES_RUN_ID: 'run-1',
        FMES_AGENT: 'claude',
        ...broker.env,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'fmes-test', version: '1.0.0' });
    await client.connect(transport);
    type R = { isError?: boolean; structuredContent?: Record<string, unknown> };
    try {
      const a = (await client.callTool({ name: 'lock_acquire', arguments: { path: 'src/a.ts' } })) as R;
      assert.equal(a.structuredContent?.ok, true, JSON.stringify(a));
      assert.equal(a.structuredContent?.agent, 'claude');
      assert.equal(recordOf('src/a.ts')?.pid, null);
      const forged = (await client.callTool({
        name: 'lock_acquire',
        arguments: { path: 'src/b.ts', agent: 'gemini' },
      })) as R;
      assert.equal(forged.isError, true);
      await other.acquire('src/auth', { agent: 'gemini', pid: null });
      const theirs = (await client.callTool({ name: 'lock_release', arguments: { path: 'src/auth' } })) as R;
      assert.equal(theirs.isError, true);
      assert.equal(theirs.structuredContent?.reason, 'refused');
      assert.equal(recordOf('src/auth')?.agent, 'gemini');
      const s = (await client.callTool({ name: 'lock_status', arguments: {} })) as R;
      assert.equal((s.structuredContent?.locks as unknown[]).length, 2);
      const r = (await client.callTool({ name: 'lock_release', arguments: { path: 'src/a.ts' } })) as R;
      assert.equal(r.structuredContent?.ok, true, JSON.stringify(r));
      assert.equal(recordOf('src/a.ts'), undefined);
      // report_submit: written by the broker, as the run's agent; in another agent's name refused.
      const now = new Date().toISOString();
      const report = { taskId: 't-1', status: 'success', summary: 'done', startedAt: now, finishedAt: now };
      const rep = (await client.callTool({ name: 'report_submit', arguments: { report } })) as R;
      assert.equal(rep.structuredContent?.ok, true, JSON.stringify(rep));
      const file = path.join(ws.root, rep.structuredContent?.file as string);
      assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { agent: string }).agent, 'claude');
      const forgedReport = (await client.callTool({
        name: 'report_submit',
        arguments: { report: { ...report, agent: 'gemini' } },
      })) as R;
      assert.equal(forgedReport.isError, true);
      assert.equal(forgedReport.structuredContent?.reason, 'refused');
    } finally {
      await client.close();
    }
  });
});
