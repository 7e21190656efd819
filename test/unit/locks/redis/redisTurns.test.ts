// Turns on the Redis backend: a loop of acquisitions keeps its path without waking a waiter for each release,
// and the turn's end wakes one. A reply that comes late (a loaded machine, a slow server) does not end the turn.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisTurns } from '../../../../src/core/locks/redis/redisTurns';

const P = 'src/a.ts';

describe('RedisTurns', () => {
  it('a quiet release wakes a waiter once the path is not taken again within the idle time', async () => {
    const woken: string[] = [];
    const turns = new RedisTurns((p) => woken.push(p), 5, 32, 10_000);
    turns.taken(P);
    assert.equal(turns.quietRelease(P), true);
    await sleep(40);
    assert.deepEqual(woken, [P]);
    assert.equal(turns.shouldYield(P), true, 'the next acquire lets the woken waiter go first');
    assert.equal(turns.shouldYield(P), false, 'once');
    turns.dispose();
  });

  it('an acquire on its way keeps the turn, however late its reply', async () => {
    const woken: string[] = [];
    const turns = new RedisTurns((p) => woken.push(p), 5, 32, 10_000);
    turns.taken(P);
    assert.equal(turns.quietRelease(P), true);
    turns.asking(P);
    await sleep(40); // many idle times
    assert.deepEqual(woken, [], 'no wake while this process is taking the path again');
    turns.settled(P);
    turns.taken(P);
    await sleep(40);
    assert.deepEqual(woken, [], 'the turn goes on');
    assert.equal(turns.shouldYield(P), false);
    turns.dispose();
  });

  it('an acquire on its way that fails lets the idle wake come after all', async () => {
    const woken: string[] = [];
    const turns = new RedisTurns((p) => woken.push(p), 5, 32, 10_000);
    turns.taken(P);
    turns.quietRelease(P);
    turns.asking(P);
    await sleep(20);
    turns.settled(P); // held by someone else: no taken()
    await sleep(40);
    assert.deepEqual(woken, [P]);
    turns.dispose();
  });

  it('the turn ends after batchMax acquisitions: that release is not quiet', () => {
    const woken: string[] = [];
    const turns = new RedisTurns((p) => woken.push(p), 5, 3, 10_000);
    for (let i = 0; i < 2; i++) {
      turns.taken(P);
      assert.equal(turns.quietRelease(P), true);
    }
    turns.taken(P);
    assert.equal(turns.quietRelease(P), false, 'the third release wakes a waiter itself (in the script)');
    assert.equal(turns.shouldYield(P), true);
    turns.dispose();
  });
});
