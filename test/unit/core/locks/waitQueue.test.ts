// The waiting line of acquire (src/hot/locks/waitQueue.ts): waiters are served in the order they came, and a
// waiter that died does not block the others. No timing assertions: each wait has a generous limit, and in the
// order tests the line's stall rule (a head that leaves a free lock untaken for stallMs lets anyone try) is set
// far beyond any wait: on a loaded machine a woken head can take longer than the default 500 ms, and the order
// would then be the stall rule's, not the line's.
const ORDER = 120_000;
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger, nullSink } from '../../../../src/core/log';
import { hostName } from '../../../../src/hot/locks/liveness';
import { LockManager } from '../../../../src/hot/locks/lockManager';
import { lockFileName } from '../../../../src/hot/locks/lockName';
import { hostTag } from '../../../../src/hot/locks/spares';
import { QUEUE_DIR, WaitQueue } from '../../../../src/hot/locks/waitQueue';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import { deadPid, makeWorkspace } from '../../../fixtures/workspace';

describe('the waiting line', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  const managers: LockManager[] = [];
  // Only the order tests set the stall rule aside; a killed waiter's ticket is found on the stall timer's wake-up.
  const manager = (stallMs?: number) => {
    const m = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink), {
      config: stallMs === undefined ? {} : { stallMs },
    });
    managers.push(m);
    return m;
  };
  const line = () => path.join(ws.root, '.locks', QUEUE_DIR, lockFileName('src/a.ts'));
  const tickets = () => (fs.existsSync(line()) ? fs.readdirSync(line()) : []);
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond(), 'condition not reached within 5 s');
  };
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => {
    for (const m of managers.splice(0)) m.dispose();
    ws.cleanup();
  });

  test('waiters get the lock in the order they came, and the line is removed when empty', async () => {
    const holder = manager(ORDER).tryAcquire('src/a.ts', { agent: 'holder' });
    assert.ok(holder.ok);
    const order: string[] = [];
    const wait = (agent: string) =>
      manager(ORDER)
        .acquire('src/a.ts', { agent, waitMs: 20_000 })
        .then((h) => {
          order.push(agent);
          return h;
        });
    const first = wait('first');
    await until(() => tickets().length === 1);
    const second = wait('second');
    await until(() => tickets().length === 2);
    holder.handle.release();
    const h1 = await first;
    assert.deepEqual(order, ['first']);
    h1.release();
    (await second).release();
    assert.deepEqual(order, ['first', 'second']);
    // A waiter served through the line keeps its ticket for its turn, which ends once it returns to the event loop.
    await new Promise((r) => setImmediate(r));
    assert.equal(fs.existsSync(line()), false);
  });

  test('a holder that takes the lock again while others wait queues behind them', async () => {
    const m = manager(ORDER);
    const mine = await m.acquire('src/a.ts', { agent: 'loop', waitMs: 1000 });
    const other = manager(ORDER).acquire('src/a.ts', { agent: 'other', waitMs: 20_000 });
    await until(() => tickets().length === 1);
    mine.release();
    // The turn of a holder that did not come through the line is over at once: it waits behind `other`.
    const again = m.acquire('src/a.ts', { agent: 'loop', waitMs: 20_000 });
    const h = await other;
    h.release();
    (await again).release();
  });

  test('tickets of two queues in one process sort in the order they were taken, even within one millisecond', () => {
    const me = { pid: process.pid, pidStart: null, hostTag: hostTag(hostName()) };
    const queues = [new WaitQueue(path.join(ws.root, '.locks'), me), new WaitQueue(path.join(ws.root, '.locks'), me)];
    const taken: string[] = [];
    for (let i = 0; i < 200; i++) taken.push(queues[i % 2].join(path.join(ws.root, '.locks', 'x.lock')).name);
    assert.deepEqual([...taken].sort(), taken);
  });

  test('the ticket of a dead waiter is removed by the one behind it', async () => {
    fs.mkdirSync(line(), { recursive: true });
    const dead = `${'1'.padStart(14, '0')}.000000001.${deadPid()}.-.${hostTag(hostName())}.deadbeef`;
    fs.writeFileSync(path.join(line(), dead), '');
    const h = await manager().acquire('src/a.ts', { agent: 'alive', waitMs: 20_000 });
    assert.equal(fs.existsSync(path.join(line(), dead)), false);
    h.release();
  });

  test('a waiter killed in the line does not block the others', async () => {
    const holder = manager().tryAcquire('src/a.ts', { agent: 'holder' });
    assert.ok(holder.ok);
    const script = `const { LockManager } = require(${JSON.stringify(path.resolve(__dirname, '../../../../src/hot/locks/lockManager'))});
const { WorkspacePaths } = require(${JSON.stringify(path.resolve(__dirname, '../../../../src/hot/paths/workspacePath'))});
const m = new LockManager(new WorkspacePaths(${JSON.stringify(ws.root)}), { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child() { return this; } });
m.acquire('src/a.ts', { agent: 'doomed', waitMs: 60_000 });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: 'ignore' });
    await until(() => tickets().length === 1);
    const after = manager().acquire('src/a.ts', { agent: 'survivor', waitMs: 20_000 });
    await until(() => tickets().length === 2);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    holder.handle.release();
    (await after).release();
  });
});
