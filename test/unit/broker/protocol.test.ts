// The run broker's socket, spoken to raw, as an agent inside the run could: malformed, huge, slow and forged
// requests, other runs' tokens, dropped connections and concurrent clients. Real sockets, a real workspace.
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { RunBroker } from '../../../src/core/broker/runBroker';
import { LockManager } from '../../../src/hot/locks/lockManager';
import { WorkspacePaths } from '../../../src/hot/paths/workspacePath';
import { createLogger, nullSink } from '../../../src/core/log';
import { ApprovalStore } from '../../../src/core/safety/approvals';
import { makeWorkspace } from '../../fixtures/workspace';
import { lockFiles, openBroker, privateDir, RawConn, until } from './brokerFixture';

const base = privateDir();
after(() => fs.rmSync(base, { recursive: true, force: true }));

describe('run broker protocol', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let broker: RunBroker;
  let token: string;
  const conns: RawConn[] = [];
  const conn = async () => {
    const c = new RawConn(broker.socketPath);
    conns.push(c);
    await c.ready();
    return c;
  };
  beforeEach(() => {
    ws = makeWorkspace();
    broker = openBroker(ws.root, { agent: 'claude', runId: 'run-1' }, base, { lineTimeoutMs: 300 });
    token = broker.env.FMES_RUN_TOKEN;
  });
  afterEach(async () => {
    for (const c of conns.splice(0)) c.close();
    await broker.close();
    ws.cleanup();
  });

  test('the folder is 0700, the socket 0600, the token 256 bits; close removes both', async () => {
    const dir = path.dirname(broker.socketPath);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(broker.socketPath).mode & 0o777, 0o600);
    assert.ok(Buffer.from(token, 'base64url').length >= 32);
    assert.ok(!broker.socketPath.startsWith(ws.root), 'the socket is outside the workspace');
    await broker.close();
    assert.equal(fs.existsSync(dir), false);
  });

  test('whoami: the identity comes from the token', async () => {
    const c = await conn();
    const r = await c.call(token, 'whoami');
    assert.deepEqual(r?.result, { agent: 'claude', runId: 'run-1', taskId: 't-1', workspace: ws.root });
  });

  test('malformed requests get typed errors and the connection stays usable', async () => {
    const c = await conn();
    c.send('not json\n');
    assert.equal((await c.next())?.error.code, 'badRequest');
    c.send({ v: 1, id: 2, op: 'whoami', args: {} }); // no token
    assert.equal((await c.next())?.error.code, 'badRequest');
    c.send({ v: 2, id: 3, token, op: 'whoami', args: {} });
    assert.equal((await c.next())?.error.code, 'badVersion');
    c.send({ v: 1, id: 4, token, op: 'lock.break', args: { path: 'src' } });
    const unknown = await c.next();
    assert.equal(unknown?.error.code, 'unknownOp');
    assert.equal(unknown?.id, 4);
    c.send({ v: 1, id: 5, token, op: 'lock.acquire', args: { path: 'src', bind: 'forever' } });
    assert.equal((await c.next())?.error.code, 'badRequest');
    c.send({ v: 1, id: 6, token, op: 'lock.acquire', args: { path: 'src', bind: 'detached', pid: 1 } });
    assert.equal((await c.next())?.error.code, 'badRequest', 'unknown fields are refused, not ignored');
    c.send('[1,2,3]\n');
    assert.equal((await c.next())?.error.code, 'badRequest');
    const ok = await c.call(token, 'whoami', {}, 7);
    assert.equal(ok?.ok, true);
    assert.equal(ok?.id, 7);
  });

  test('no operation approves, rejects, breaks or confirms', async () => {
    const c = await conn();
    for (const op of ['approval.decide', 'approval.approve', 'approval.reject', 'lock.break', 'config.confirm']) {
      const r = await c.call(token, op, { id: 'x' });
      assert.equal(r?.error.code, 'unknownOp', op);
    }
  });

  test('a wrong token is refused and the connection closed', async () => {
    const c = await conn();
    const r = await c.call('x'.repeat(43), 'whoami');
    assert.equal(r?.error.code, 'badToken');
    await c.waitClosed();
  });

  test('another run’s token on this run’s socket is refused', async () => {
    const other = openBroker(ws.root, { agent: 'gemini', runId: 'run-2' }, base);
    try {
      const c = await conn();
      const r = await c.call(other.env.FMES_RUN_TOKEN, 'lock.acquire', { path: 'src/a.ts', bind: 'detached' });
      assert.equal(r?.error.code, 'badToken');
      assert.deepEqual(lockFiles(ws.root), []);
      // And this run's token on the other socket.
      const d = new RawConn(other.socketPath);
      conns.push(d);
      await d.ready();
      assert.equal((await d.call(token, 'whoami'))?.error.code, 'badToken');
    } finally {
      await other.close();
    }
  });

  test('a line over 256 KiB is refused and the connection closed', async () => {
    const c = await conn();
    c.send('{"v":1,"id":1,"args":"' + 'a'.repeat(300 * 1024));
    const r = await c.next();
    assert.equal(r?.error.code, 'tooLarge');
    await c.waitClosed();
  });

  test('slow loris: a line that does not end in time is cut off', async () => {
    const c = await conn();
    c.send('{"v":1,"id":1,');
    const r = await c.next();
    assert.equal(r?.error.code, 'timeout');
    await c.waitClosed();
  });

  test('a connection that never sends is closed; one that sent may idle (it may hold a lock)', async () => {
    const silent = await conn();
    await silent.waitClosed();
    const c = await conn();
    assert.equal((await c.call(token, 'whoami'))?.ok, true);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(c.closed, false);
    assert.equal((await c.call(token, 'whoami', {}, 2))?.ok, true);
  });

  test('a connection-bound lock is released when its connection drops', async () => {
    const c = await conn();
    const r = await c.call(token, 'lock.acquire', { path: 'src/a.ts', bind: 'connection', intent: 'edit' });
    assert.equal(r?.ok, true, JSON.stringify(r));
    assert.equal(r?.result.lock.agent, 'claude');
    assert.equal(r?.result.lock.pid, process.pid, 'bound to the broker’s process');
    assert.equal(lockFiles(ws.root).length, 1);
    c.close();
    await until(() => lockFiles(ws.root).length === 0, 'the release');
  });

  test('a detached lock outlives its connection and the broker; its key is returned once', async () => {
    const c = await conn();
    const r = await c.call(token, 'lock.acquire', { path: 'src/a.ts', bind: 'detached', ttlSec: 60 });
    assert.equal(r?.result.lock.pid, null);
    assert.equal(typeof r?.result.key, 'string');
    c.close();
    await broker.close();
    assert.equal(lockFiles(ws.root).length, 1);
  });

  test('closing the broker releases the run’s connection-bound locks', async () => {
    const c = await conn();
    await c.call(token, 'lock.acquire', { path: 'src', bind: 'connection' });
    await broker.close();
    assert.deepEqual(lockFiles(ws.root), []);
  });

  test('the run ending mid-wait ends the wait and leaves no lock behind', async () => {
    const other = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink));
    const h = await other.acquire('src/a.ts', { agent: 'gemini', pid: null });
    const c = await conn();
    c.send({ v: 1, id: 1, token, op: 'lock.acquire', args: { path: 'src/a.ts', bind: 'connection', waitSec: 30 } });
    await new Promise((r) => setTimeout(r, 150));
    other.release('src/a.ts', { key: h.key! });
    await broker.close();
    const r = await c.next();
    assert.notEqual(r?.ok, true, 'no lock handed out by a broker that is gone');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(lockFiles(ws.root), []);
    other.dispose();
  });

  test('the agent argument is only compared with the token’s: another is refused', async () => {
    const c = await conn();
    const r = await c.call(token, 'lock.acquire', { path: 'src/a.ts', bind: 'detached', agent: 'gemini' });
    assert.equal(r?.error.code, 'refused');
    assert.deepEqual(lockFiles(ws.root), []);
  });

  test('another agent’s lock: neither released nor renewed, with its key or without', async () => {
    const other = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink));
    const h = await other.acquire('src/auth', { agent: 'gemini', pid: null, intent: 'auth' });
    const before = fs.readFileSync(h.file, 'utf8');
    const c = await conn();
    for (const [op, args] of [
      ['lock.release', { path: 'src/auth' }],
      ['lock.release', { path: 'src/auth', key: h.key }],
      ['lock.release', { path: 'src/auth', agent: 'gemini' }],
      ['lock.renew', { path: 'src/auth', key: h.key }],
    ] as const) {
      const r = await c.call(token, op, args);
      assert.equal(r?.error.code, 'refused', `${op} ${JSON.stringify(args)}: ${JSON.stringify(r)}`);
    }
    assert.equal(fs.readFileSync(h.file, 'utf8'), before, 'nothing changed');
    // And it blocks this run: held, with the holder named.
    const held = await c.call(token, 'lock.acquire', { path: 'src/auth/x.ts', bind: 'detached' });
    assert.equal(held?.error.code, 'held');
    assert.equal(held?.error.details.holders[0].agent, 'gemini');
    other.dispose();
  });

  test('one client holds a lock while another client of the run releases it; the first close then harms nobody', async () => {
    const a = await conn();
    assert.equal((await a.call(token, 'lock.acquire', { path: 'src/a.ts', bind: 'connection' }))?.ok, true);
    const b = await conn();
    const rel = await b.call(token, 'lock.release', { path: 'src/a.ts' });
    assert.equal(rel?.ok, true, JSON.stringify(rel));
    assert.deepEqual(lockFiles(ws.root), []);
    // Someone else takes it now; the first client's connection then drops.
    const other = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink));
    const h = await other.acquire('src/a.ts', { agent: 'gemini', pid: null });
    a.close();
    await a.waitClosed();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(JSON.parse(fs.readFileSync(h.file, 'utf8')).agent, 'gemini', 'the other agent’s lock stays');
    other.dispose();
  });

  test('two commands of the run hold one path: it stays until the last lets go', async () => {
    const a = await conn();
    const b = await conn();
    assert.equal((await a.call(token, 'lock.acquire', { path: 'src/a.ts', bind: 'connection' }))?.ok, true);
    const re = await b.call(token, 'lock.acquire', { path: 'src/a.ts', bind: 'connection' });
    assert.equal(re?.result.reentered, true);
    assert.equal((await a.call(token, 'lock.release', { path: 'src/a.ts', hold: 'connection' }, 2))?.ok, true);
    assert.equal(lockFiles(ws.root).length, 1, 'b still holds it');
    b.close();
    await until(() => lockFiles(ws.root).length === 0, 'the release by the last holder');
  });

  test('concurrent clients of two runs race for one path: exactly one wins, the other sees it held', async () => {
    const other = openBroker(ws.root, { agent: 'gemini', runId: 'run-2' }, base);
    try {
      const clients = await Promise.all(
        Array.from({ length: 16 }, async (_, i) => {
          const c = new RawConn(i % 2 ? other.socketPath : broker.socketPath);
          conns.push(c);
          await c.ready();
          return { c, t: i % 2 ? other.env.FMES_RUN_TOKEN : token, agent: i % 2 ? 'gemini' : 'claude' };
        }),
      );
      const results = await Promise.all(
        clients.map(({ c, t }) => c.call(t, 'lock.acquire', { path: 'src/auth', bind: 'connection' })),
      );
      const winners = new Set(results.flatMap((r, i) => (r?.ok ? [clients[i].agent] : [])));
      assert.equal(winners.size, 1, JSON.stringify(results.map((r) => r?.error?.code ?? 'ok')));
      for (const r of results) if (!r?.ok) assert.equal(r?.error.code, 'held');
    } finally {
      await other.close();
    }
  });

  test('audit.append stamps the run’s agent; a record naming one is refused', async () => {
    const c = await conn();
    const rec = { ts: new Date().toISOString(), tool: 'Bash', input: 'ls', outcome: 'ok' };
    const r = await c.call(token, 'audit.append', { record: rec });
    assert.equal(r?.ok, true, JSON.stringify(r));
    const text = fs.readFileSync(path.join(ws.root, r.result.file), 'utf8');
    assert.equal(JSON.parse(text.trim()).agent, 'claude');
    const forged = await c.call(token, 'audit.append', { record: { ...rec, agent: 'gemini' } }, 2);
    assert.equal(forged?.error.code, 'badRequest');
  });

  test('approval.gate files a request as the run; only a person’s decision lets it through, once', async () => {
    const c = await conn();
    const args = { tool: 'Bash', toolInput: { command: 'git push' }, summary: 'git push', reason: 'pushes' };
    const r = await c.call(token, 'approval.gate', args);
    assert.equal(r?.result.status, 'pending');
    const store = new ApprovalStore(ws.root);
    const a = store.get(r.result.id);
    assert.equal(a?.agent, 'claude');
    assert.equal(a?.runId, 'run-1');
    assert.equal(
      (await c.call(token, 'approval.gate', args, 2))?.result.status,
      'pending',
      'asking again changes nothing',
    );
    store.decide(a.id, 'approved', 'human:ann');
    assert.equal((await c.call(token, 'approval.status', { id: a.id }, 3))?.result.status, 'approved');
    assert.equal((await c.call(token, 'approval.gate', args, 4))?.result.status, 'approved');
    assert.equal(store.get(a.id)?.status, 'used');
    assert.equal((await c.call(token, 'approval.gate', args, 5))?.result.status, 'pending', 'spent: a new request');
  });

  test('approval.status waits for a decision, and reads only the run agent’s requests', async () => {
    const store = new ApprovalStore(ws.root);
    const theirs = store.request({ agent: 'gemini', tool: 'Bash', toolInput: {}, summary: 's', reason: 'r' });
    const c = await conn();
    assert.equal((await c.call(token, 'approval.status', { id: theirs.id }))?.error.code, 'refused');
    const mine = store.request({ agent: 'claude', tool: 'Bash', toolInput: { x: 1 }, summary: 's', reason: 'r' });
    const waiting = c.call(token, 'approval.status', { id: mine.id, waitSec: 5 }, 2);
    setTimeout(() => store.decide(mine.id, 'rejected', 'human:ann', 'no'), 150);
    const r = await waiting;
    assert.equal(r?.result.status, 'rejected');
    assert.equal(r?.result.note, 'no');
  });

  test('report.submit writes the report as the run’s agent; another agent’s name is refused', async () => {
    const c = await conn();
    const now = new Date().toISOString();
    const report = { taskId: 't-1', status: 'success', summary: 'done', startedAt: now, finishedAt: now };
    const r = await c.call(token, 'report.submit', { report });
    assert.equal(r?.ok, true, JSON.stringify(r));
    assert.equal(JSON.parse(fs.readFileSync(path.join(ws.root, r.result.file), 'utf8')).agent, 'claude');
    const forged = await c.call(token, 'report.submit', { report: { ...report, agent: 'gemini' } }, 2);
    assert.equal(forged?.error.code, 'refused');
    const bad = await c.call(token, 'report.submit', { report: { ...report, status: 'great' } }, 3);
    assert.equal(bad?.error.code, 'invalid');
  });

  test('paths outside the workspace are refused as invalid paths', async () => {
    const c = await conn();
    for (const p of ['../x', '/etc/passwd', 'src/../../x']) {
      const r = await c.call(token, 'lock.acquire', { path: p, bind: 'detached' });
      assert.equal(r?.error.code, 'invalidPath', p);
    }
    assert.deepEqual(lockFiles(ws.root), []);
  });

  test('property: no line crashes the broker; each gets an answer or a close, and it serves on', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }).map((s) => s.replace(/\n/g, ' ')),
          fc.json({ maxDepth: 4 }),
          fc
            .record({
              v: fc.constantFrom(1, 2, '1'),
              id: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
              token: fc.constantFrom(token, '', 'x'),
              op: fc.constantFrom('whoami', 'lock.acquire', 'lock.release', 'lock.status', 'audit.append', 'nope'),
              args: fc.anything({ maxDepth: 3 }),
            })
            .map((o) => JSON.stringify(o)),
        ),
        async (line) => {
          const c = new RawConn(broker.socketPath);
          await c.ready();
          c.send(`${line}\n`);
          const r = await c.next();
          c.close();
          if (r) assert.equal(typeof r.ok, 'boolean');
        },
      ),
      { numRuns: 60 },
    );
    const c = await conn();
    assert.equal((await c.call(token, 'whoami'))?.ok, true);
  });
});

describe('run broker folder', () => {
  test('a base folder others can enter, or a symlink, is not used', () => {
    const ws = makeWorkspace();
    const open = fs.mkdtempSync(path.join(base, 'wide-'));
    fs.chmodSync(open, 0o755);
    const link = path.join(base, 'link');
    fs.symlinkSync(privateDir(), link);
    try {
      for (const dir of [open, link])
        assert.throws(() => openBroker(ws.root, { agent: 'claude', runId: 'run-9' }, dir), /not a private folder/, dir);
    } finally {
      ws.cleanup();
    }
  });
});
