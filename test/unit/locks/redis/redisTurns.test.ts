// Turns on the Redis backend, client side: a loop of acquisitions keeps its path (quiet, pipelined releases) for a
// bounded time, and a turn that goes idle tells the server, which wakes the head of the line. A reply that comes
// late (a loaded machine, a slow server) does not end the turn. (The server side: redisBackend.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisTurns } from '../../../../src/core/locks/redis/redisTurns';

const P = 'src/a.ts';

function make(batchMax = 32, turnMs = 10_000) {
  const ended: string[] = [];
  const turns = new RedisTurns((p, owner) => ended.push(`${p} ${owner}`), 5, batchMax, turnMs);
  return { ended, turns };
}

describe('RedisTurns', () => {
  it('a quiet release ends the turn, and tells the server, once the path is not taken again within the idle time', async () => {
    const { ended, turns } = make();
    const w = turns.waiterFor(P);
    turns.taken(P, w);
    assert.equal(turns.quietRelease(P), w, 'quiet: the turn goes on under its waiter id');
    assert.equal(turns.waiterFor(P), w, 'the next acquire goes by the same id');
    await sleep(40);
    assert.deepEqual(ended, [`${P} ${w}`]);
    assert.notEqual(turns.waiterFor(P), w, 'after the turn, a new id: the next acquire queues at the end');
    turns.dispose();
  });

  it('an acquire on its way keeps the turn, however late its reply', async () => {
    const { ended, turns } = make();
    const w = turns.waiterFor(P);
    turns.taken(P, w);
    turns.quietRelease(P);
    turns.asking(P);
    await sleep(40); // many idle times
    assert.deepEqual(ended, [], 'the turn goes on while this process is taking the path again');
    turns.settled(P);
    turns.taken(P, w);
    await sleep(40);
    assert.deepEqual(ended, [], 'taken: the turn goes on');
    turns.dispose();
  });

  it('an acquire on its way that fails lets the idle end come after all', async () => {
    const { ended, turns } = make();
    const w = turns.waiterFor(P);
    turns.taken(P, w);
    turns.quietRelease(P);
    turns.asking(P);
    await sleep(20);
    turns.settled(P); // held by someone else: no taken()
    await sleep(40);
    assert.deepEqual(ended, [`${P} ${w}`]);
    turns.dispose();
  });

  it('a turn lost to someone else ends with nothing to tell (the waiter stays in the line)', async () => {
    const { ended, turns } = make();
    const w = turns.waiterFor(P);
    turns.taken(P, w);
    turns.quietRelease(P);
    turns.lost(P);
    await sleep(30);
    assert.deepEqual(ended, []);
    turns.dispose();
  });

  it('the turn ends after batchMax acquisitions or turnMs: that release is not quiet', async () => {
    const { turns } = make(3);
    const w = turns.waiterFor(P);
    for (let i = 0; i < 2; i++) {
      turns.taken(P, w);
      assert.equal(turns.quietRelease(P), w);
    }
    turns.taken(P, w);
    assert.equal(turns.quietRelease(P), '', 'the third release wakes the head of the line itself (in the script)');
    const timed = make(1000, 15).turns;
    const v = timed.waiterFor(P);
    timed.taken(P, v);
    assert.equal(timed.quietRelease(P), v);
    timed.taken(P, v);
    await sleep(30);
    assert.equal(timed.quietRelease(P), '', 'a turn is bounded in time too');
    turns.dispose();
    timed.dispose();
  });

  it('releases are pipelined from the second acquisition of a turn on: a single lock run always waits', () => {
    const { turns } = make();
    assert.equal(turns.pipelined(P), false);
    const w = turns.waiterFor(P);
    turns.taken(P, w);
    assert.equal(turns.pipelined(P), false, 'the first acquisition of a turn');
    turns.quietRelease(P);
    turns.taken(P, w);
    assert.equal(turns.pipelined(P), true, 'a loop');
    turns.dispose();
  });

  it('dispose ends a turn that is between a release and the next acquire, telling the server', () => {
    const { ended, turns } = make();
    const w = turns.waiterFor(P);
    turns.taken(P, w);
    turns.quietRelease(P);
    turns.dispose();
    assert.deepEqual(ended, [`${P} ${w}`]);
  });
});
