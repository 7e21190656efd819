// Releases inside a turn keep their lock file until the turn goes on or ends (src/hot/locks/keptReleases.ts):
// a loop in one process takes its lock back without a link or an unlink, the lock file goes when the loop yields
// or the process exits, and anything but the same lock taken back by the same holder gets a fresh lock.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger, nullSink } from '../../../../src/core/log';
import { LockManager } from '../../../../src/hot/locks/lockManager';
import { lockFileName } from '../../../../src/hot/locks/lockName';
import { QUEUE_DIR } from '../../../../src/hot/locks/waitQueue';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import { makeWorkspace } from '../../../fixtures/workspace';

const WORKER = path.resolve(__dirname, '../../../fixtures/keptExitWorker.ts');
const nextTurnOfLoop = () => new Promise((r) => setImmediate(r));

describe('releases kept for a turn', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  const managers: LockManager[] = [];
  const manager = (config = {}) => {
    const m = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink), { config });
    managers.push(m);
    return m;
  };
  const lockFile = (p = 'src/a.ts') => path.join(ws.root, '.locks', lockFileName(p));
  const line = () => path.join(ws.root, '.locks', QUEUE_DIR, lockFileName('src/a.ts'));
  const read = (p?: string) => JSON.parse(fs.readFileSync(lockFile(p), 'utf8')) as { token: string; agent: string };
  /** `loop` gets src/a.ts through the line (a turn), from a holder in another manager. */
  async function turn(m: LockManager, owner = { agent: 'loop' }) {
    const first = manager().tryAcquire('src/a.ts', { agent: 'first' });
    assert.ok(first.ok);
    const waiting = m.acquire('src/a.ts', { ...owner, waitMs: 20_000 });
    for (let i = 0; i < 500 && !(fs.existsSync(line()) && fs.readdirSync(line()).length === 1); i++)
      await new Promise((r) => setTimeout(r, 10));
    first.handle.release();
    return waiting;
  }
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => {
    for (const m of managers.splice(0)) m.dispose();
    ws.cleanup();
  });

  test('a loop inside its turn takes the lock back without unlinking it; the file goes when the loop yields', async () => {
    // A turn long enough for the pause below (by default it lasts 25 ms).
    const m = manager({ batchMs: 60_000 });
    const events: string[] = [];
    fs.mkdirSync(path.dirname(lockFile()));
    const watcher = fs.watch(path.dirname(lockFile()), (_, name) => {
      if (name === lockFileName('src/a.ts')) events.push(String(name));
    });
    try {
      let h = await turn(m);
      const token = h.token;
      // The events of getting the turn arrive; only the loop's are counted.
      await new Promise((r) => setTimeout(r, 100));
      events.length = 0;
      for (let i = 0; i < 60; i++) {
        h.release();
        assert.ok(fs.existsSync(lockFile()), 'kept until the loop yields');
        h = await m.acquire('src/a.ts', { agent: 'loop', waitMs: 20_000 });
        assert.equal(h.token, token, 'the same lock, taken back');
        assert.equal(read().token, token);
      }
      h.release();
      await nextTurnOfLoop();
      assert.equal(fs.existsSync(lockFile()), false, 'gone once the loop yielded');
      assert.equal(fs.existsSync(line()), false, 'and the turn ended');
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      watcher.close();
    }
    // Without keeping, 60 cycles are 120 creates and unlinks of the lock file; kept, only the final unlink.
    assert.equal(events.length, 1, `events on the lock file: ${events.length}`);
  });

  test('after the turn ends, the same loop gets a fresh lock', async () => {
    const m = manager();
    const h = await turn(m);
    h.release();
    await nextTurnOfLoop();
    const again = await m.acquire('src/a.ts', { agent: 'loop', waitMs: 20_000 });
    assert.notEqual(again.token, h.token);
    again.release();
    assert.equal(fs.existsSync(lockFile()), false, 'outside a turn a release unlinks at once');
  });

  test('another intent, TTL or agent gets a fresh lock; the kept one is released first', async () => {
    const m = manager();
    const h = await turn(m);
    h.release();
    const intent = await m.acquire('src/a.ts', { agent: 'loop', intent: 'other work', waitMs: 20_000 });
    assert.notEqual(intent.token, h.token);
    assert.equal(read().token, intent.token);
    intent.release();
    const ttl = await m.acquire('src/a.ts', { agent: 'loop', ttlMs: 60_000, waitMs: 20_000 });
    assert.notEqual(ttl.token, intent.token);
    ttl.release();
    const other = await m.acquire('src/a.ts', { agent: 'someone-else', waitMs: 20_000 });
    assert.equal(read().agent, 'someone-else');
    other.release();
    await nextTurnOfLoop();
    assert.equal(fs.existsSync(lockFile()), false);
  });

  test('a kept lock broken by a person before it is taken back: a fresh lock, and the archive is never rewritten', async () => {
    const m = manager();
    let h = await turn(m);
    h.release();
    manager().forceBreak('src/a.ts', { by: 'human:pat', reason: 'test' });
    const broken = path.join(ws.root, '.locks', '.broken');
    const archived = () =>
      fs
        .readdirSync(broken)
        .filter((n) => n.startsWith(`${lockFileName('src/a.ts')}.`))
        .map((n) => fs.readFileSync(path.join(broken, n), 'utf8'));
    const before = archived();
    assert.equal(before.length, 1);
    assert.equal(JSON.parse(before[0]).token, h.token);
    const fresh = await m.acquire('src/a.ts', { agent: 'loop', waitMs: 20_000 });
    assert.notEqual(fresh.token, h.token);
    h = fresh;
    // The loop goes on with its new lock: the spare the archive names is never written again.
    for (let i = 0; i < 10; i++) {
      h.release();
      h = await m.acquire('src/a.ts', { agent: 'loop', waitMs: 20_000 });
      assert.equal(h.token, fresh.token);
    }
    h.release();
    assert.deepEqual(archived(), before, 'the archive keeps its bytes');
  });

  test('a plain try while a release is kept: the kept one is released first, then taken fresh', async () => {
    const m = manager();
    const h = await turn(m);
    h.release();
    const r = m.tryAcquire('src/a.ts', { agent: 'loop' });
    assert.ok(r.ok && !r.reentered);
    assert.notEqual(r.handle.token, h.token);
    r.handle.release();
  });

  for (const how of ['exit', 'return']) {
    test(`a process that releases inside its turn and then ${how === 'exit' ? 'calls process.exit' : 'ends'} leaves no lock`, () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', WORKER, ws.root, how], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'released\n');
      assert.deepEqual(
        fs.readdirSync(path.join(ws.root, '.locks')).filter((n) => n.startsWith(`${lockFileName('src/a.ts')}.`)),
        [],
      );
      assert.deepEqual(fs.readdirSync(path.join(ws.root, '.locks', '.spares')), [], 'no spare left either');
    });
  }
});
