// A run's broker on the Redis lock backend, against a real redis-server: the agent's `fmes lock …` (the hot
// dist/fmes.cjs and the full CLI) reaches Redis through the broker, so another machine (a second clone of the
// repository, with its own backend in this process) sees the locks; a connection-bound lock holds the backend's
// short lease, renewed by the broker's heartbeat; a server that is down fails closed with the server named.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunBroker } from '../../../src/core/broker/runBroker';
import { createLogger, nullSink } from '../../../src/core/log';
import type { LockBackend } from '../../../src/hot/locks/lockBackend';
import { openLockBackend } from '../../../src/hot/locks/openBackend';
import { WorkspacePaths } from '../../../src/hot/paths/workspacePath';
import { startRedis, twoClones, type Clones, type RedisServer } from '../locks/redis/redisFixture';
import { fmesIn, lockFiles, openBroker, privateDir } from './brokerFixture';

const FMES_BIN = path.resolve(__dirname, '../../../dist/fmes.cjs');
const base = privateDir();
const outside = privateDir();

describe('a run’s broker on the Redis lock backend', () => {
  let server: RedisServer;
  let clones: Clones;
  let broker: RunBroker;
  let machineB: LockBackend;
  const run = (args: string[], o: Parameters<typeof fmesIn>[2] = {}) => fmesIn(broker, args, { cwd: outside, ...o });
  const holdersB = async () =>
    (await machineB.status()).map((s) => (s.holder.kind === 'lock' ? s.holder.record : undefined));

  before(async () => {
    server = await startRedis();
    clones = twoClones();
  });
  after(async () => {
    await server.stop();
    clones.cleanup();
    fs.rmSync(base, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await server.client().flushall();
    broker = openBroker(clones.a, { agent: 'claude', runId: 'run-1' }, base, undefined, {
      lockBackend: { backend: server.url, leaseMs: 2_000 },
      env: {},
    });
    machineB = openLockBackend({
      paths: new WorkspacePaths(clones.b),
      log: createLogger(nullSink),
      env: { FMES_LOCKS_BACKEND: server.url, FMES_LOCK_HOST: 'machine-b' },
      connectTimeoutMs: 1_000,
    });
  });
  afterEach(async () => {
    machineB.dispose();
    await broker.close();
  });

  test('the run is told its backend: FMES_LOCKS_BACKEND in the broker’s variables', () => {
    assert.equal(broker.env.FMES_LOCKS_BACKEND, server.url);
  });

  test('acquire and release inside the run reach Redis: the other machine sees the holder, and exit 75', async () => {
    const a = await run(['lock', 'acquire', 'src/a.ts', '--intent', 'edit']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^locked src\/a\.ts for claude until /);
    assert.deepEqual(lockFiles(clones.a), [], 'nothing in .locks/: the file backend was not used');
    const [rec] = await holdersB();
    assert.equal(rec?.agent, 'claude');
    assert.equal(rec?.intent, 'edit');
    await assert.rejects(machineB.acquire('src', { agent: 'gemini', pid: null }), /held/);
    // The other direction: a lock of machine B holds the run off, holder named, exit 75.
    const b = await machineB.acquire('src/b.ts', { agent: 'gemini', pid: null, intent: 'rename' });
    for (const script of [FMES_BIN, undefined]) {
      const r = await run(['lock', 'acquire', 'src/b.ts'], { script });
      assert.equal(r.code, 75, `${script ?? 'cli.mjs'}: ${r.stderr}`);
      assert.match(r.stderr, /src\/b\.ts held by gemini \(rename/);
    }
    const s = await run(['lock', 'status']);
    assert.match(s.stdout, /^src\/a\.ts\tclaude\tedit\t/m);
    assert.match(s.stdout, /^src\/b\.ts\tgemini\trename\t/m);
    const rel = await run(['lock', 'release', 'src/a.ts']);
    assert.equal(rel.code, 0, rel.stderr);
    assert.deepEqual(
      (await holdersB()).map((r) => r?.path),
      ['src/b.ts'],
    );
    // Another agent's lock is not the run's to release, on Redis as on files.
    const other = await run(['lock', 'release', 'src/b.ts']);
    assert.equal(other.code, 77, other.stderr);
    await b.release();
  });

  test('lock run: bound to the broker, on the backend’s lease, renewed, and released at the end', async () => {
    const probe = path.join(outside, 'probe.json');
    // While the command runs, it waits past two leases: the heartbeat must keep the lock.
    const cmd = `setTimeout(()=>{require('fs').writeFileSync(${JSON.stringify(probe)},'x');process.exit(3)},4500)`;
    for (const script of [FMES_BIN, undefined]) {
      fs.rmSync(probe, { force: true });
      const child = run(['lock', 'run', 'src/a.ts', '--', process.execPath, '-e', cmd], { script });
      let seen: Awaited<ReturnType<typeof holdersB>> = [];
      for (let i = 0; i < 100 && seen.length === 0; i++) {
        seen = await holdersB();
        if (seen.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      const rec = seen[0];
      assert.equal(rec?.agent, 'claude');
      assert.equal(rec?.pid, process.pid, 'held by the broker’s process');
      const lease = Date.parse(rec.expiresAt) - Date.parse(rec.acquiredAt);
      assert.ok(lease <= 2_000, `the backend's lease (${lease} ms), not a process TTL`);
      await new Promise((r) => setTimeout(r, 3_000));
      const later = (await holdersB())[0];
      assert.equal(later?.agent, 'claude', 'renewed past its lease by the heartbeat');
      // Each renewal is one lease from its time, not a lease longer by every renewal.
      assert.ok(Date.parse(later.expiresAt) - Date.now() <= 2_000, `${later.expiresAt}: beyond one lease`);
      const r = await child;
      assert.equal(r.code, 3, r.stderr);
      assert.ok(fs.existsSync(probe));
      assert.deepEqual(await holdersB(), [], `${script ?? 'cli.mjs'}: released when the command ended`);
    }
  });

  test('a run that ends releases its connection-bound locks on Redis; detached ones stay', async () => {
    const held = run(['lock', 'run', 'src/a.ts', '--', process.execPath, '-e', 'setTimeout(()=>{},1500)']);
    for (let i = 0; i < 100 && (await holdersB()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const d = await run(['lock', 'acquire', 'src/d.ts']);
    assert.equal(d.code, 0, d.stderr);
    await broker.close();
    assert.deepEqual(
      (await holdersB()).map((r) => r?.path),
      ['src/d.ts'],
    );
    await held;
  });

  test('Redis down: exit 69 naming the server, no stack trace, nothing claimed; back up: works', async () => {
    await server.kill();
    for (const script of [FMES_BIN, undefined]) {
      for (const args of [
        ['lock', 'acquire', 'src/a.ts'],
        ['lock', 'run', 'src/a.ts', '--', 'true'],
        ['lock', 'status'],
      ]) {
        const r = await run(args, { script });
        assert.equal(r.code, 69, `${args.join(' ')} ${script ?? 'cli.mjs'}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
    }
    await server.restart();
    assert.deepEqual(await holdersB(), []);
    const a = await run(['lock', 'acquire', 'src/a.ts']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal((await holdersB())[0]?.agent, 'claude');
  });
});
