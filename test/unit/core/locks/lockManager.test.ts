import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LockError } from '../../../../src/core/errors';
import type { Core } from '../../../../src/core/createCore';
import { lockFileName } from '../../../../src/hot/locks/lockName';
import { deadPid, makeWorkspace, ManualClock, readJsonl, testCore, writeLockFile } from '../../../fixtures/workspace';

describe('LockManager', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  let clock: ManualClock;
  beforeEach(() => {
    ws = makeWorkspace();
    clock = new ManualClock(Date.now());
    core = testCore(ws.root, clock);
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });
  const lockFile = (p: string) => path.join(ws.root, '.locks', lockFileName(p));

  test('acquire writes a complete, valid lock file and release removes it', () => {
    const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'refactor' });
    assert.ok(r.ok);
    const onDisk = JSON.parse(fs.readFileSync(lockFile('src/a.ts'), 'utf8'));
    assert.equal(onDisk.agent, 'claude');
    assert.equal(onDisk.intent, 'refactor');
    assert.equal(onDisk.pid, process.pid);
    assert.equal(onDisk.path, 'src/a.ts');
    assert.equal(onDisk.token, r.handle.token);
    r.handle.release();
    assert.ok(!fs.existsSync(lockFile('src/a.ts')));
  });

  test('a second agent is refused and told who holds it', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(a.ok);
    const b = core.locks.tryAcquire('src/a.ts', { agent: 'gemini' });
    assert.ok(!b.ok);
    assert.equal(b.holders.length, 1);
    assert.equal(b.holders[0].kind, 'lock');
    assert.equal(b.holders[0].kind === 'lock' && b.holders[0].record.agent, 'claude');
  });

  test('a folder lock covers everything inside it', () => {
    assert.ok(core.locks.tryAcquire('src/auth', { agent: 'claude' }).ok);
    const inner = core.locks.tryAcquire('src/auth/x.ts', { agent: 'gemini' });
    assert.ok(!inner.ok);
    assert.equal(inner.holders[0].path, 'src/auth');
    assert.ok(core.locks.tryAcquire('src/a.ts', { agent: 'gemini' }).ok, 'a sibling is free');
    assert.ok(!fs.existsSync(lockFile('src/auth/x.ts')), 'the refused attempt left no file behind');
  });

  test('a folder cannot be locked while another agent holds something inside it', () => {
    assert.ok(core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' }).ok);
    const outer = core.locks.tryAcquire('src', { agent: 'gemini' });
    assert.ok(!outer.ok);
    assert.equal(outer.holders[0].path, 'src/auth/x.ts');
    const root = core.locks.tryAcquire('.', { agent: 'gemini' });
    assert.ok(!root.ok);
  });

  test('the same agent may nest locks', () => {
    assert.ok(core.locks.tryAcquire('src', { agent: 'claude' }).ok);
    assert.ok(core.locks.tryAcquire('src/a.ts', { agent: 'claude' }).ok);
  });

  test('re-acquiring by the same holder re-enters and renews the same generation', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude', pid: null, ttlMs: 1000 });
    assert.ok(a.ok);
    clock.advance(500);
    const b = core.locks.tryAcquire('src/a.ts', { agent: 'claude', pid: null, ttlMs: 1000 });
    assert.ok(b.ok && b.reentered);
    assert.equal(b.handle.token, a.handle.token);
    assert.equal(Date.parse(b.handle.record.expiresAt), clock.now() + 1000);
  });

  test('an .agent_lock marker locks its folder', () => {
    fs.writeFileSync(path.join(ws.root, 'src/auth/.agent_lock'), 'antigravity: planning the auth rewrite\n');
    const r = core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' });
    assert.ok(!r.ok);
    assert.equal(r.holders[0].kind, 'marker');
    assert.equal(r.holders[0].kind === 'marker' && r.holders[0].agent, 'antigravity');
    const folder = core.locks.tryAcquire('src', { agent: 'claude' });
    assert.ok(!folder.ok, 'a marker inside blocks a folder lock above it');
    assert.ok(core.locks.tryAcquire('src/a.ts', { agent: 'claude' }).ok);
  });

  test('release only by the holder; typed reasons', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(a.ok);
    assert.throws(
      () => core.locks.release('src/a.ts', { agent: 'gemini' }),
      (e) => LockError.is(e, 'notHolder'),
    );
    assert.throws(
      () => core.locks.release('src/a.ts', { agent: 'claude', token: 'wrong-token' }),
      (e) => LockError.is(e, 'notHolder'),
    );
    assert.throws(
      () => core.locks.release('README.md', { agent: 'claude' }),
      (e) => LockError.is(e, 'notHeld'),
    );
    core.locks.release('src/a.ts', { agent: 'claude' });
    assert.ok(!fs.existsSync(lockFile('src/a.ts')));
  });

  test('a handle whose lock was broken and re-taken does not remove the new holder', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(a.ok);
    core.locks.forceBreak('src/a.ts', { by: 'human:test', reason: 'testing' });
    const b = core.locks.tryAcquire('src/a.ts', { agent: 'gemini' });
    assert.ok(b.ok);
    assert.throws(
      () => a.handle.release(),
      (e) => LockError.is(e, 'notHolder'),
    );
    assert.ok(fs.existsSync(lockFile('src/a.ts')));
    assert.equal(JSON.parse(fs.readFileSync(lockFile('src/a.ts'), 'utf8')).agent, 'gemini');
  });

  test('renew moves expiresAt and keeps the token', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude', pid: null, ttlMs: 10_000 });
    assert.ok(a.ok);
    clock.advance(5_000);
    const r = core.locks.renew('src/a.ts', { agent: 'claude', ttlMs: 60_000 });
    assert.equal(Date.parse(r.expiresAt), clock.now() + 60_000);
    assert.equal(r.token, a.handle.token);
    assert.throws(
      () => core.locks.renew('src/a.ts', { agent: 'gemini' }),
      (e) => LockError.is(e, 'notHolder'),
    );
  });

  test('force-break archives the lock and records who and why', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'stuck' });
    assert.ok(a.ok);
    const rec = core.locks.forceBreak('src/a.ts', { by: 'human:ana', reason: 'agent hung' });
    assert.equal(rec.kind, 'forced');
    assert.equal(rec.by, 'human:ana');
    assert.equal(rec.holder?.agent, 'claude');
    assert.ok(!fs.existsSync(lockFile('src/a.ts')));
    assert.equal(JSON.parse(fs.readFileSync(rec.archivedAs, 'utf8')).intent, 'stuck', 'content kept');
    const log = readJsonl(path.join(ws.root, '.locks/.broken/breaks.jsonl')) as { reason: string; path: string }[];
    assert.equal(log.length, 1);
    assert.equal(log[0].reason, 'agent hung');
    assert.equal(log[0].path, 'src/a.ts');
    assert.throws(
      () => core.locks.forceBreak('src/a.ts', { by: 'x', reason: 'y' }),
      (e) => LockError.is(e, 'notHeld'),
    );
  });

  test('a lock whose process died is broken on acquire, and the break is recorded', async () => {
    writeLockFile(ws.root, 'src/a.ts', { pid: deadPid(), agent: 'crashed' });
    const h = await core.locks.acquire('src/a.ts', { agent: 'claude' });
    assert.equal(h.record.agent, 'claude');
    const log = readJsonl(path.join(ws.root, '.locks/.broken/breaks.jsonl')) as {
      kind: string;
      staleReason: string;
      holder: { agent: string };
    }[];
    assert.equal(log.length, 1);
    assert.equal(log[0].kind, 'stale');
    assert.equal(log[0].staleReason, 'holderDead');
    assert.equal(log[0].holder.agent, 'crashed');
  });

  test('a reused pid (start time differs) is stale', async () => {
    writeLockFile(ws.root, 'src/a.ts', { pid: process.pid, pidStart: 'another-boot:1', agent: 'ghost' });
    const h = await core.locks.acquire('src/a.ts', { agent: 'claude' });
    assert.equal(h.record.agent, 'claude');
  });

  test('TTL: a detached lock is stale after expiresAt, not before', async () => {
    writeLockFile(ws.root, 'src/a.ts', {
      pid: null,
      expiresAt: new Date(clock.now() + 1000).toISOString(),
      acquiredAt: new Date(clock.now() - 1000).toISOString(),
    });
    await assert.rejects(core.locks.acquire('src/a.ts', { agent: 'claude' }), (e) => LockError.is(e, 'held'));
    clock.advance(1001);
    const h = await core.locks.acquire('src/a.ts', { agent: 'claude' });
    assert.equal(h.record.agent, 'claude');
  });

  test('a live holder on this host keeps its lock past the TTL (a blocked event loop is not death)', async () => {
    writeLockFile(ws.root, 'src/a.ts', {
      pid: process.pid,
      agent: 'busy',
      expiresAt: new Date(clock.now() - 60_000).toISOString(),
      acquiredAt: new Date(clock.now() - 120_000).toISOString(),
    });
    await assert.rejects(core.locks.acquire('src/a.ts', { agent: 'claude' }), (e) => LockError.is(e, 'held'));
  });

  test('invalid lock files are held, reported with the file name, and never removed silently', async () => {
    const file = lockFile('src/a.ts');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"version":1,"agent":');
    clock.advance(3_600_000);
    const err = await core.locks.acquire('src/a.ts', { agent: 'claude' }).catch((e: unknown) => e);
    assert.ok(LockError.is(err, 'held'));
    assert.match(err.message, /invalid lock file .*src%2Fa\.ts\.lock.*not JSON/);
    assert.equal(fs.readFileSync(file, 'utf8'), '{"version":1,"agent":', 'untouched');
    const status = core.locks.status();
    assert.equal(status.length, 1);
    assert.equal(status[0].holder.kind, 'invalid');
    assert.equal(status[0].staleness.stale, false);
    // It can be broken explicitly, which keeps its content.
    const rec = core.locks.forceBreak('src/a.ts', { by: 'human:ana', reason: 'garbage' });
    assert.equal(fs.readFileSync(rec.archivedAs, 'utf8'), '{"version":1,"agent":');
  });

  test('an off-schema lock names the field', () => {
    writeLockFile(ws.root, 'src/a.ts', { agent: 'has spaces' });
    const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(!r.ok);
    assert.equal(r.holders[0].kind, 'invalid');
    assert.equal(r.holders[0].kind === 'invalid' && r.holders[0].issues[0].field, 'agent');
  });

  test("an empty lock file is a writer's trace: held while young, broken by rule when old", async () => {
    const file = lockFile('src/a.ts');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    await assert.rejects(core.locks.acquire('src/a.ts', { agent: 'claude' }), (e) => LockError.is(e, 'held'));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const h = await core.locks.acquire('src/a.ts', { agent: 'claude' });
    assert.equal(h.record.agent, 'claude');
    const log = readJsonl(path.join(ws.root, '.locks/.broken/breaks.jsonl')) as { staleReason: string }[];
    assert.equal(log[0].staleReason, 'invalidEmpty');
  });

  test('acquire waits with backoff and gets the lock once it is released', async () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(a.ok);
    const real = testCore(ws.root);
    setTimeout(() => a.handle.release(), 50);
    const h = await real.locks.acquire('src/a.ts', { agent: 'gemini', waitMs: 5_000 });
    assert.equal(h.record.agent, 'gemini');
  });

  test('acquire gives up at the deadline with the holders', async () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'long job' });
    assert.ok(a.ok);
    const real = testCore(ws.root);
    const err = await real.locks.acquire('src/a.ts', { agent: 'gemini', waitMs: 100 }).catch((e: unknown) => e);
    assert.ok(LockError.is(err, 'held'));
    assert.match(err.message, /held by claude \(long job/);
  });

  test('acquire can be aborted', async () => {
    assert.ok(core.locks.tryAcquire('src/a.ts', { agent: 'claude' }).ok);
    const real = testCore(ws.root);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled')), 30);
    await assert.rejects(
      real.locks.acquire('src/a.ts', { agent: 'gemini', waitMs: 10_000, signal: ac.signal }),
      /cancelled/,
    );
  });

  test('a stale break marker left by a dead breaker does not block recovery', async () => {
    const file = writeLockFile(ws.root, 'src/a.ts', { pid: deadPid(), agent: 'crashed' });
    const token = JSON.parse(fs.readFileSync(file, 'utf8')).token;
    fs.writeFileSync(
      `${file}.${token}.break`,
      JSON.stringify({
        pid: deadPid(),
        pidStart: null,
        host: (await import('node:os')).hostname(),
        at: Date.now(),
        nonce: '00000000-0000-4000-8000-000000000000',
      }),
    );
    const h = await core.locks.acquire('src/a.ts', { agent: 'claude', waitMs: 2_000 });
    assert.equal(h.record.agent, 'claude');
  });

  test('status lists locks with staleness, and markers on request', () => {
    assert.ok(core.locks.tryAcquire('src/a.ts', { agent: 'claude' }).ok);
    writeLockFile(ws.root, 'README.md', { pid: deadPid() });
    fs.writeFileSync(path.join(ws.root, 'src/auth/.agent_lock'), 'antigravity');
    const plain = core.locks.status();
    assert.deepEqual(
      plain.map((s) => [s.holder.path, s.staleness.stale]),
      [
        ['README.md', true],
        ['src/a.ts', false],
      ],
    );
    const withMarkers = core.locks.status({ markers: true });
    assert.ok(withMarkers.some((s) => s.holder.kind === 'marker' && s.holder.path === 'src/auth'));
  });

  test('blockersFor tells an editor whether a path is writable for an agent', () => {
    assert.ok(core.locks.tryAcquire('src/auth', { agent: 'claude' }).ok);
    assert.equal(core.locks.blockersFor('src/auth/x.ts', 'human').length, 1);
    assert.equal(core.locks.blockersFor('src/auth/x.ts', 'claude').length, 0);
    assert.equal(core.locks.blockersFor('src/a.ts', 'human').length, 0);
  });
});
