// The editor's view of a Redis lock backend: the feed puts its holders in the model (which the panel, the
// decorations and the read-only guard read) and reports the server down, then up again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RemoteLockFeed } from '../../../../src/core/locks/remoteLockFeed';
import { buildDashboardState } from '../../../../src/core/dashboard/dashboardModel';
import { createLogger, nullSink } from '../../../../src/core/log';
import { WorkspaceModel } from '../../../../src/core/model/workspaceModel';
import { LockManager } from '../../../../src/hot/locks/lockManager';
import { openLockBackend } from '../../../../src/hot/locks/openBackend';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import { lockBackendNotice } from '../../../../webview-ui/src/lockNotice';
import { startRedis, twoClones, type Clones, type RedisServer } from './redisFixture';

describe('the editor’s feed of a Redis lock backend', () => {
  let server: RedisServer;
  let clones: Clones;
  before(async () => {
    server = await startRedis();
    clones = twoClones();
  });
  after(async () => {
    await server.stop();
    clones.cleanup();
  });

  it('shows the other machine’s locks, and the server down and back', async () => {
    const log = createLogger(nullSink);
    const open = (root: string) =>
      openLockBackend({
        paths: new WorkspacePaths(root),
        log,
        env: { FMES_LOCKS_BACKEND: server.url },
        connectTimeoutMs: 500,
      });
    const other = open(clones.a);
    const mine = open(clones.b);
    const model = new WorkspaceModel(clones.b, new LockManager(new WorkspacePaths(clones.b), log), {
      parseCostLog: () => ({ records: [], issues: [] }),
    });
    const feed = new RemoteLockFeed(mine);
    feed.onDidChange(({ holders, state }) => {
      model.setRemoteLocks(holders);
      model.setLockBackend({
        kind: 'redis',
        where: state.where,
        ok: state.ok,
        ...(state.ok ? {} : { message: state.message }),
      });
    });
    const dashboard = () => buildDashboardState({ root: clones.b, live: model, trusted: true }).lockBackend;
    const lease = await other.acquire('src', { agent: 'agent-a', pid: null, intent: 'refactor' });
    await feed.poll();
    assert.deepEqual(
      model.locksTouching('src/a.ts').map((l) => [l.path, l.agent]),
      [['src', 'agent-a']],
    );
    await server.kill();
    await feed.poll();
    assert.equal(feed.state.ok, false);
    assert.match(feed.state.ok ? '' : feed.state.message, /cannot reach the lock server/);
    assert.equal(model.locksTouching('src/a.ts').length, 1, 'while down, the last holders known still guard');
    assert.equal(dashboard()?.ok, false, 'the dashboard shows the server down');
    assert.equal(lockBackendNotice(dashboard())?.tone, 'down', 'as an alert in its header');
    assert.match(
      dashboard()?.message ?? '',
      new RegExp(`cannot reach the lock server redis://127\\.0\\.0\\.1:${server.port}/0`),
    );
    await server.restart();
    await feed.poll();
    assert.equal(feed.state.ok, true, feed.state.ok ? '' : feed.state.message);
    assert.equal(model.locksTouching('src/a.ts').length, 0, 'the restarted server holds nothing');
    assert.deepEqual(dashboard(), { kind: 'redis', where: `redis://127.0.0.1:${server.port}/0`, ok: true });
    assert.equal(lockBackendNotice(dashboard())?.tone, 'ok');
    void lease;
    feed.dispose();
    other.dispose();
    mine.dispose();
  });

  it('hears each change the scripts publish, with no poll to catch it', async () => {
    const log = createLogger(nullSink);
    const open = (root: string) =>
      openLockBackend({ paths: new WorkspacePaths(root), log, env: { FMES_LOCKS_BACKEND: server.url } });
    const other = open(clones.a);
    const mine = open(clones.b);
    // The poll would come in ten minutes: only the subscription can bring these changes in time.
    const feed = new RemoteLockFeed(mine, 600_000, 600_000);
    const seen: string[][] = [];
    feed.onDidChange(({ holders }) =>
      seen.push((holders ?? []).map((h) => (h.holder.kind === 'lock' ? h.holder.record.agent : '?'))),
    );
    const next = async (want: string[]) => {
      for (let i = 0; i < 400; i++) {
        if (seen.some((s) => JSON.stringify(s) === JSON.stringify(want))) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.fail(`never saw ${JSON.stringify(want)}: ${JSON.stringify(seen)}`);
    };
    feed.start();
    await next([]);
    const lease = await other.acquire('src', { agent: 'agent-a', pid: null });
    await next(['agent-a']);
    seen.length = 0;
    await lease.release();
    await next([]);
    feed.dispose();
    other.dispose();
    mine.dispose();
  });
});
