// A release inside a turn waits for the end of its tick (redisDeferred.ts): the same process's next acquire of the
// same lock takes it back without the server, and an acquire of the path that differs (another intent) carries
// the release in one script (RELEASE_ACQUIRE in redisScripts.ts). Against a real redis-server: one script per turn
// of a loop, exclusion kept across processes, the release sent alone when no acquire follows, written out at
// process.exit, and refused releases reported as lost locks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { LockError } from '../../../../src/core/errors';
import { LockBackendError } from '../../../../src/hot/locks/backendSpec';
import { createLogger, nullSink } from '../../../../src/core/log';
import type { RedisLockBackend } from '../../../../src/core/locks/redis/redisBackend';
import type { LockBackend } from '../../../../src/hot/locks/lockBackend';
import { openLockBackend } from '../../../../src/hot/locks/openBackend';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import { overlapsIn } from '../../../fixtures/cli';
import { namespaceKeys } from '../../../../src/core/locks/redis/redisClient';
import { ACQUIRE, RELEASE_ACQUIRE } from '../../../../src/core/locks/redis/redisScripts';
import { redisHooks, until, type Clones, type RedisServer } from './redisFixture';

const P = 'src/a.ts';
const WORKER = path.join(__dirname, 'loopWorker.ts');
let server: RedisServer;
let clones: Clones;
const open: LockBackend[] = [];

function backend(turnMs = 600_000): RedisLockBackend {
  const b = openLockBackend({
    paths: new WorkspacePaths(clones.a),
    log: createLogger(nullSink),
    env: { FMES_LOCKS_BACKEND: server.url },
    connectTimeoutMs: 1_000,
    config: { batchMs: turnMs },
  });
  open.push(b);
  return b as RedisLockBackend;
}

/** Scripts the server ran so far (EVALSHA and EVAL calls, from INFO commandstats). */
async function scriptsRun(): Promise<number> {
  const info = await server.client().info('commandstats');
  return [...info.matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

function worker(mode: 'loop' | 'exit', cycles: number, log: string, id: string) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const c = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER, clones.a, server.url, mode, String(cycles), log, id],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('Redis lock backend: a release and the next acquire in one round trip', () => {
  redisHooks(open, (s, c) => ((server = s), (clones = c)));

  it('a loop taking the same lock again takes it back without the server: a script per turn, not per cycle', async () => {
    const b = backend();
    await b.status();
    const before = await scriptsRun();
    const n = 300;
    const tokens = new Set<string>();
    for (let i = 0; i < n; i++) {
      const l = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
      tokens.add(`${l.token} ${l.fence}`);
      await l.release();
    }
    await tick(); // the last release goes at the end of its tick
    const sent = (await scriptsRun()) - before - 1; // less INFO's own view: scripts only
    // The first acquire (alone: its turn has not begun), the second, and the last release.
    assert.ok(sent <= 4, `${sent} scripts for ${n} cycles`);
    assert.ok(tokens.size <= 2, `${tokens.size} different locks: taken back as they were`);
    assert.deepEqual(await b.status(), [], 'the last release reached the server');
  });

  it('a loop that changes its intent sends one script per cycle: the release travels with the next acquire', async () => {
    const b = backend();
    await b.status();
    const before = await scriptsRun();
    const n = 300;
    for (let i = 0; i < n; i++)
      await (await b.acquire(P, { agent: 'loop', intent: `step ${i % 2}`, waitMs: 1_000 })).release();
    await tick();
    const sent = (await scriptsRun()) - before - 1;
    // The first cycle's acquire and release go alone (its turn has not begun), and the last release.
    assert.ok(sent <= n + 3, `${sent} scripts for ${n} cycles (two per cycle would be ${2 * n})`);
    assert.ok(sent >= n, `${sent} scripts for ${n} cycles`);
    assert.deepEqual(await b.status(), [], 'the last release reached the server');
  });

  it('no two processes are inside at once: 4 processes × 150 cycles, each a loop of turns', async () => {
    const log = path.join(path.dirname(clones.a), 'merge-sections.log');
    const runs = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((id) => worker('loop', 150, log, id)));
    for (const r of runs) {
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), { lost: [] }, 'no lock was lost');
    }
    assert.deepEqual(overlapsIn(fs.readFileSync(log, 'utf8')), { sections: 600, overlaps: 0, unmatched: 0 });
    assert.deepEqual(await backend().status(), []);
  });

  it('a release not yet sent when the process exits is written out: the path is free at once', async () => {
    const r = await worker('exit', 0, '', 'x');
    assert.equal(r.code, 0, r.err);
    const c = server.client();
    // Freed by the release, long before its lease (10 s) would run out, and not noted as expired.
    await until('the path is free', async () => (await backend().status()).length === 0, 3_000);
    const ns = backend().namespace;
    const log = await c.xrange(`fmes:locks:{${ns}}:B`, '-', '+');
    assert.ok(!log.some(([, f]) => f.includes('expired')), JSON.stringify(log));
  });

  it('what this process sends after a release returned goes after it, on any of its connections', async () => {
    const looper = backend();
    const other = backend();
    await other.status();
    for (let i = 0; i < 100; i++) {
      await (await looper.acquire(P, { agent: 'loop', waitMs: 1_000 })).release();
      // Synchronously after: a one-shot try on another connection of this process finds the path free.
      const r = await other.tryAcquire(P, { agent: 'other', pid: null });
      assert.ok(r.ok, `round ${i}`);
      await r.lease.release();
    }
  });

  it('a release refused inside the merged script is reported as lost; the acquire in it goes on', async () => {
    const b = backend();
    await (await b.acquire(P, { agent: 'loop', waitMs: 1_000 })).release();
    const second = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    const lost: unknown[] = [];
    second.startHeartbeat(60_000, (e) => lost.push(e));
    await backend().forceBreak(P, { by: 'test', reason: 'taken away' });
    await second.release(); // not sent yet: it goes with the acquire below (another intent: not taken back)
    const third = await b.acquire(P, { agent: 'loop', intent: 'third', waitMs: 1_000 });
    assert.equal(lost.length, 1, 'the refusal is known when the acquire returns');
    assert.ok(LockError.is(lost[0], 'notHeld'), String(lost[0]));
    assert.deepEqual(
      (await b.status()).map((s) => s.holder.kind === 'lock' && s.holder.record.token),
      [third.token],
      'the acquire took the path',
    );
    // Refused because another agent holds the path by then: the acquire waits its turn behind it.
    await third.release();
    const fourth = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    const lost2: unknown[] = [];
    fourth.startHeartbeat(60_000, (e) => lost2.push(e));
    await backend().forceBreak(P, { by: 'test', reason: 'taken away' });
    const intruder = await backend().acquire(P, { agent: 'intruder' });
    await fourth.release();
    const fifth = b.acquire(P, { agent: 'loop', intent: 'fifth', waitMs: 5_000 });
    await until('the loss is reported', () => lost2.length === 1);
    assert.match((lost2[0] as Error).message, /held by intruder/);
    await sleep(50);
    assert.deepEqual(
      (await b.status()).map((s) => s.holder.kind === 'lock' && s.holder.record.agent),
      ['intruder'],
      'the loop waits behind the intruder',
    );
    await intruder.release();
    await (await fifth).release();
  });

  it('a record that is not a JSON object is refused before anything is written, merged or not', async () => {
    const b = backend();
    const l = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    const { keys, channel } = namespaceKeys(b.namespace);
    const c = server.client();
    for (const bad of ['', '[1]', 'x', '{"open"', '"{}"']) {
      await assert.rejects(
        c.eval(RELEASE_ACQUIRE, 5, ...keys, channel, P, 'loop', l.token, 'w', bad, '10000', '1', 'h', 'src', '.'),
        /not an object/,
      );
      await assert.rejects(
        c.eval(ACQUIRE, 5, ...keys, channel, 'src/b.ts', bad, '10000', 'other', '1', 'h', '', 'src', '.'),
        /not an object/,
      );
    }
    const held = await b.status();
    assert.deepEqual(
      held.map((h) => h.holder.kind === 'lock' && [h.holder.path, h.holder.record.token]),
      [[P, l.token]],
      'the lock is still held, by its token; nothing else was taken',
    );
    await l.release();
  });

  it('the server gone with a release deferred: the lease hears it lost, the next acquire fails clearly', async () => {
    const b = backend();
    await (await b.acquire(P, { agent: 'loop', waitMs: 1_000 })).release();
    const second = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    const lost: unknown[] = [];
    second.startHeartbeat(60_000, (e) => lost.push(e));
    await server.kill();
    try {
      await second.release(); // deferred: it goes with the acquire below, which finds no server
      const next = b.acquire(P, { agent: 'loop', intent: 'another step', waitMs: 1_000 });
      await assert.rejects(next, (e) => LockBackendError.is(e));
      assert.equal(lost.length, 1, 'the release was reported lost');
      assert.ok(LockBackendError.is(lost[0]), String(lost[0]));
      assert.match((lost[0] as Error).message, /cannot reach the lock server/);
    } finally {
      await server.restart();
    }
  });

  it('a lock broken while a loop holds it: taken back once, the loss heard when the turn ends, then a fresh lock', async () => {
    const b = backend();
    await (await b.acquire(P, { agent: 'loop', waitMs: 1_000 })).release();
    const second = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    await backend().forceBreak(P, { by: 'test', reason: 'taken away' });
    await second.release(); // waits for the end of the tick
    // Taken back within the tick, as a lock held across the turn: the server is not asked.
    const third = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    assert.equal(third.token, second.token);
    assert.equal(third.fence, second.fence);
    const lost: unknown[] = [];
    third.startHeartbeat(60_000, (e) => lost.push(e));
    await third.release();
    // The turn's release reaches the server, which refuses it: the loss is reported, as a heartbeat would.
    await until('the loss is reported', () => lost.length === 1);
    assert.ok(LockError.is(lost[0], 'notHeld'), String(lost[0]));
    const fresh = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    assert.notEqual(fresh.token, second.token);
    assert.ok(Number(fresh.fence) > Number(second.fence), 'a new fence: a store refuses the old one');
    assert.deepEqual(
      (await b.status()).map((s) => s.holder.kind === 'lock' && s.holder.record.token),
      [fresh.token],
    );
    await fresh.release();
  });

  it('the server gone while a loop holds its lock: taken back, then the turn’s release reports it lost', async () => {
    const b = backend();
    await (await b.acquire(P, { agent: 'loop', waitMs: 1_000 })).release();
    const second = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    await server.kill();
    try {
      await second.release();
      const third = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
      const lost: unknown[] = [];
      third.startHeartbeat(60_000, (e) => lost.push(e));
      await third.release();
      await until('the loss is reported', () => lost.length === 1);
      assert.ok(LockBackendError.is(lost[0]), String(lost[0]));
      await assert.rejects(b.acquire(P, { agent: 'loop', waitMs: 1_000 }), (e) => LockBackendError.is(e));
    } finally {
      await server.restart();
    }
  });

  it('a folder lock by another agent waits for the loop, and the loop does not run while it is held', async () => {
    const looper = backend(20);
    let cycles = 0;
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        await (await looper.acquire(P, { agent: 'looper', waitMs: 20_000 })).release();
        cycles++;
      }
    })();
    await until('the loop runs', () => cycles > 100);
    const folder = await backend().acquire('src', { agent: 'folder', waitMs: 20_000 });
    const during = cycles;
    await sleep(200);
    assert.ok(cycles <= during + 1, `${cycles - during} acquisitions of src/a.ts while src was held by another agent`);
    await folder.release();
    await until('the loop goes on', () => cycles > during + 50);
    stop = true;
    await loop;
  });
});
