// The waiting line of the Redis backend against a real redis-server: waiters are served in the order they came,
// a holder that loops keeps the path for a bounded turn, a waiter that gives up or goes silent leaves the line,
// and a pipelined release the server refuses is reported as a lost lock. Each backend stands for one process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockError } from '../../../../src/core/errors';
import { createLogger, nullSink } from '../../../../src/core/log';
import type { RedisLockBackend } from '../../../../src/core/locks/redis/redisBackend';
import type { LockBackend } from '../../../../src/hot/locks/lockBackend';
import { openLockBackend } from '../../../../src/hot/locks/openBackend';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import { redisHooks, until, type Clones, type RedisServer } from './redisFixture';

const P = 'src/a.ts';
let server: RedisServer;
let clones: Clones;
const open: LockBackend[] = [];

/** turnMs: how long a process that takes the path again and again keeps it (the default, 25 ms, unless set). */
function backend(turnMs?: number): RedisLockBackend {
  const b = openLockBackend({
    paths: new WorkspacePaths(clones.a),
    log: createLogger(nullSink),
    env: { FMES_LOCKS_BACKEND: server.url },
    connectTimeoutMs: 1_000,
    config: turnMs === undefined ? {} : { batchMs: turnMs },
  });
  open.push(b);
  return b as RedisLockBackend;
}

/** The waiters in the line of `p`, first first. */
async function line(b: RedisLockBackend, p = P): Promise<string[]> {
  return server.client().zrange(`fmes:locks:{${b.namespace}}:Q:${p}`, 0, -1);
}

describe('Redis lock backend: the waiting line', () => {
  redisHooks(open, (s, c) => ((server = s), (clones = c)));

  it('waiters are served in the order they came, even when a later one asks again first', async () => {
    const holder = backend();
    const l = await holder.acquire(P, { agent: 'holder' });
    const order: string[] = [];
    const waits: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) {
      const b = backend();
      await b.status(); // connected, so that the joins below happen in this order
      waits.push(
        b.acquire(P, { agent: `w${i}`, waitMs: 20_000 }).then(async (got) => {
          order.push(`w${i}`);
          await sleep(2);
          await got.release();
        }),
      );
      await until(`w${i} is in the line`, async () => (await line(holder)).length === i);
    }
    // A one-shot try by a newcomer does not join the line and does not reorder it.
    await assert.rejects(backend().acquire(P, { agent: 'late' }), (e) => LockError.is(e, 'held'));
    assert.equal((await line(holder)).length, 5);
    await l.release();
    await Promise.all(waits);
    assert.deepEqual(order, ['w1', 'w2', 'w3', 'w4', 'w5']);
    assert.deepEqual(await line(holder), [], 'the line is empty once everyone was served');
  });

  it('a holder that takes the path again and again keeps it for a bounded turn: waiters get it meanwhile', async () => {
    const looper = backend();
    let stop = false;
    let cycles = 0;
    const loop = (async () => {
      while (!stop) {
        const l = await looper.acquire(P, { agent: 'looper', waitMs: 20_000 });
        cycles++;
        await l.release();
      }
    })();
    await until('the loop runs', () => cycles > 50);
    const served: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        const b = backend();
        const l = await b.acquire(P, { agent: name, waitMs: 20_000 });
        served.push(name);
        await l.release();
      }),
    );
    const during = cycles;
    await until('the loop goes on after them', () => cycles > during + 50);
    stop = true;
    await loop;
    assert.deepEqual(served.sort(), ['a', 'b', 'c'], 'every waiter was served while the loop ran');
    assert.deepEqual(await looper.status(), []);
  });

  it('a waiter that gives up leaves the line at once; a silent one is passed over', async () => {
    const holder = backend();
    const l = await holder.acquire(P, { agent: 'holder' });
    const quitter = backend();
    const quit = quitter.acquire(P, { agent: 'quitter', waitMs: 300 });
    await until('the quitter is in the line', async () => (await line(holder)).length === 1);
    await assert.rejects(quit, (e) => LockError.is(e, 'held'));
    await until('the quitter left the line', async () => (await line(holder)).length === 0);
    // A waiter that died without a word: ahead of everyone, last heard of long ago.
    const c = server.client();
    const ns = `fmes:locks:{${holder.namespace}}`;
    await c.zadd(`${ns}:Q:${P}`, 0, 'ghost');
    await c.hset(`${ns}:S:${P}`, 'ghost', '1');
    const next = backend();
    const got = next.acquire(P, { agent: 'next', waitMs: 20_000 });
    await until('next is in the line', async () => (await line(holder)).length === 2);
    await l.release();
    await (await got).release();
    assert.deepEqual(await line(holder), [], 'the ghost was dropped, next was served');
  });

  it('a release sent without waiting (a loop) is on the server before anything sent after it returned', async () => {
    const looper = backend(600_000);
    const other = backend();
    await other.status();
    for (let i = 0; i < 200; i++) {
      const l = await looper.acquire(P, { agent: 'loop', waitMs: 1_000 });
      await l.release(); // from the second on: not waited for
      const r = await other.tryAcquire(P, { agent: 'other', pid: null });
      assert.ok(r.ok, `round ${i}: the path is free for another client at once`);
      await r.lease.release();
    }
    assert.deepEqual(await other.status(), []);
  });

  it('a release sent without waiting (a loop) that the server refuses is reported as a lost lock', async () => {
    const b = backend(600_000); // one turn for the whole test, however slow the machine
    const first = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    await first.release();
    const second = await b.acquire(P, { agent: 'loop', waitMs: 1_000 }); // the second of its turn: pipelined
    const lost: unknown[] = [];
    second.startHeartbeat(60_000, (e) => lost.push(e));
    await backend().forceBreak(P, { by: 'test', reason: 'taken away' });
    await second.release(); // returns: the refusal comes later
    await until('the loss is reported', () => lost.length === 1);
    assert.ok(LockError.is(lost[0], 'notHeld'), String(lost[0]));
    // The same with a lock someone else holds by then: named.
    const third = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    await third.release();
    const fourth = await b.acquire(P, { agent: 'loop', waitMs: 1_000 });
    const lost2: unknown[] = [];
    fourth.startHeartbeat(60_000, (e) => lost2.push(e));
    await backend().forceBreak(P, { by: 'test', reason: 'taken away' });
    const other = await backend().acquire(P, { agent: 'other' });
    await fourth.release();
    await until('the loss is reported', () => lost2.length === 1);
    assert.ok(LockError.is(lost2[0], 'notHolder'), String(lost2[0]));
    assert.match((lost2[0] as Error).message, /held by other/);
    await other.release();
  });
});
