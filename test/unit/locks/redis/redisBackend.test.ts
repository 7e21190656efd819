// The Redis backend's protocol against a real redis-server: coverage both ways, claims, breaks, fences,
// expiry, hostile values, and the scripts' atomicity under races between clients.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LockError, PathError } from '../../../../src/core/errors';
import { nullSink, createLogger } from '../../../../src/core/log';
import { LockBackendError } from '../../../../src/hot/locks/backendSpec';
import type { LockBackend } from '../../../../src/hot/locks/lockBackend';
import { openLockBackend } from '../../../../src/hot/locks/openBackend';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import { namespaceKeys } from '../../../../src/core/locks/redis/redisClient';
import { redisHooks, type Clones, type RedisServer } from './redisFixture';

let server: RedisServer;
let clones: Clones;
const open: LockBackend[] = [];

function backend(root = clones.a, env: Record<string, string> = {}): LockBackend {
  const b = openLockBackend({
    paths: new WorkspacePaths(root),
    log: createLogger(nullSink),
    env: { FMES_LOCKS_BACKEND: server.url, ...env },
    connectTimeoutMs: 1_000,
  });
  open.push(b);
  return b;
}

async function heldBy(p: Promise<unknown>): Promise<string[]> {
  const e = await p.then(
    () => assert.fail('expected held'),
    (e: unknown) => e,
  );
  assert.ok(LockError.is(e, 'held'), String(e));
  return (e.details?.holders ?? []).map((h) => (h as { record: { agent: string } }).record.agent);
}

describe('Redis lock backend', () => {
  redisHooks(open, (s, c) => ((server = s), (clones = c)));

  it('both clones share one namespace (the root commit) and see each other’s locks', async () => {
    const a = backend(clones.a);
    const b = backend(clones.b);
    const l = await a.acquire('src/a.ts', { agent: 'x', pid: null, intent: 'editing' });
    assert.deepEqual(await heldBy(b.acquire('src/a.ts', { agent: 'y' })), ['x']);
    const [s] = await b.status();
    assert.equal(s?.holder.kind === 'lock' && s.holder.record.intent, 'editing');
    await l.release();
    assert.deepEqual(await b.status(), []);
  });

  it('a folder lock covers everything inside it, and a lock inside blocks its folders, for other agents only', async () => {
    const a = backend();
    const folder = await a.acquire('src', { agent: 'x', pid: null });
    assert.deepEqual(await heldBy(a.acquire('src/deep/b.ts', { agent: 'y', pid: null })), ['x']);
    const mine = await a.acquire('src/a.ts', { agent: 'x', pid: null }); // the same agent nests its own
    await mine.release();
    await folder.release();
    const inner = await a.acquire('lib/a/b.ts', { agent: 'y', pid: null });
    assert.deepEqual(await heldBy(a.acquire('lib', { agent: 'x', pid: null })), ['y']);
    assert.deepEqual(await heldBy(a.acquire('.', { agent: 'x', pid: null })), ['y']);
    const sibling = await a.acquire('lib/a/b.tsx', { agent: 'x', pid: null }); // a name prefix is no folder
    const other = await a.acquire('libx', { agent: 'x', pid: null });
    for (const l of [inner, sibling, other]) await l.release();
    const root = await a.acquire('.', { agent: 'x', pid: null });
    assert.deepEqual(await heldBy(a.acquire('anything/at/all', { agent: 'y', pid: null })), ['x']);
    await root.release();
  });

  it('odd spellings of a path are the same lock; paths outside the workspace are refused', async () => {
    const a = backend();
    const l = await a.acquire('./src//a.ts', { agent: 'x', pid: null });
    assert.equal(l.path, 'src/a.ts');
    for (const spelling of ['src/a.ts', 'src/../src/a.ts', path.join(clones.a, 'src/a.ts'), 'src/./a.ts/'])
      assert.deepEqual(await heldBy(a.acquire(spelling, { agent: 'y', pid: null })), ['x'], spelling);
    await assert.rejects(a.acquire('../elsewhere', { agent: 'y', pid: null }), (e) => PathError.is(e));
    await l.release();
  });

  it('release and renewal go by token or key only; a break is recorded with who and why', async () => {
    const a = backend();
    const l = await a.acquire('src/a.ts', { agent: 'x', pid: null, ttlMs: 60_000 });
    assert.ok(l.key, 'a detached lock hands out its key once');
    await assert.rejects(a.release('src/a.ts', { agent: 'y' }), (e) => LockError.is(e, 'notHolder'));
    await assert.rejects(a.release('src/a.ts', { agent: 'x', token: 'not-the-token' }), (e) =>
      LockError.is(e, 'notHolder'),
    );
    await assert.rejects(a.release('src/a.ts', { key: 'forged' }), (e) => LockError.is(e, 'notHolder'));
    const renewed = await a.renew('src/a.ts', { key: l.key, ttlMs: 120_000 });
    assert.ok(Date.parse(renewed.expiresAt) > Date.parse(l.record.expiresAt));
    const rec = await a.forceBreak('src/a.ts', { by: 'human:ops', reason: 'machine lost' });
    assert.equal(rec.holder?.agent, 'x');
    await assert.rejects(a.release('src/a.ts', { key: l.key }), (e) => LockError.is(e, 'notHeld'));
    const log = await server
      .client()
      .xrange(namespaceKeys((a as unknown as { namespace: string }).namespace).keys[4], '-', '+');
    const last = Object.fromEntries(chunk(log.at(-1)![1]));
    assert.deepEqual([last.path, last.kind, last.by, last.reason], ['src/a.ts', 'forced', 'human:ops', 'machine lost']);
    assert.equal(JSON.parse(last.holder).agent, 'x');
  });

  it('the fencing token grows with every acquire, also across a restart that lost the data', async () => {
    const a = backend();
    const fences: bigint[] = [];
    for (let i = 0; i < 20; i++) {
      const l = await a.acquire(i % 2 ? 'src' : 'src/a.ts', { agent: `w${i % 3}`, pid: null });
      fences.push(BigInt(l.fence!));
      await l.release();
    }
    await server.kill();
    await server.restart();
    const l = await backend().acquire('src', { agent: 'w', pid: null });
    fences.push(BigInt(l.fence!));
    for (let i = 1; i < fences.length; i++) assert.ok(fences[i] > fences[i - 1], `fence ${i}: ${fences.join(',')}`);
    await l.release();
  });

  it('a TTL that runs out frees the path for everyone, noted in the break log', async () => {
    const a = backend();
    await a.acquire('src/a.ts', { agent: 'x', pid: null, ttlMs: 150 });
    await new Promise((r) => setTimeout(r, 300));
    const l = await backend(clones.b).acquire('src/a.ts', { agent: 'y', pid: null });
    await l.release();
    const log = await server
      .client()
      .xrange(namespaceKeys((a as unknown as { namespace: string }).namespace).keys[4], '-', '+');
    assert.ok(log.some(([, f]) => Object.fromEntries(chunk(f)).kind === 'expired'));
  });

  it('hostile values: a huge intent or control characters claim nothing; a forged record holds until broken', async () => {
    const a = backend();
    await assert.rejects(a.acquire('src/a.ts', { agent: 'x', pid: null, intent: 'x'.repeat(1_000_000) }), (e) =>
      LockBackendError.is(e, 'invalid'),
    );
    await assert.rejects(a.acquire('src/a.ts', { agent: 'x', pid: null, intent: 'a\nb' }));
    await assert.rejects(a.acquire('src/a.ts', { agent: 'bad agent', pid: null }), (e) =>
      LockError.is(e, 'invalidAgent'),
    );
    assert.deepEqual(await a.status(), []);
    const keys = namespaceKeys((a as unknown as { namespace: string }).namespace).keys;
    const raw = server.client();
    await raw.hset(keys[0], 'src', '{"agent":"x","path":"src","pid":"<script>"}');
    await raw.zadd(keys[2], 0, 'src');
    const [s] = await a.status();
    assert.equal(s?.holder.kind, 'invalid');
    await assert.rejects(a.acquire('src/a.ts', { agent: 'y', pid: null }), (e) => LockError.is(e, 'held'));
    await a.forceBreak('src', { by: 'human:ops', reason: 'forged' });
    await (await a.acquire('src/a.ts', { agent: 'y', pid: null })).release();
  });

  it('the scripts are atomic: clients racing on nested paths never hold covering locks of two agents', async () => {
    const clients = Array.from({ length: 6 }, (_, i) => backend(i % 2 ? clones.a : clones.b));
    const paths = ['.', 'src', 'src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'lib', 'lib/x'];
    for (let round = 0; round < 15; round++) {
      const tries = clients.flatMap((c, i) =>
        paths.map((p, j) =>
          (
            c as unknown as {
              tryAcquire: (p: string, o: object) => Promise<{ ok: boolean; lease?: { release(): Promise<void> } }>;
            }
          )
            .tryAcquire(paths[(j + round + i) % paths.length], { agent: `a${(i + round) % 3}`, pid: null })
            .catch((e: unknown) => assert.fail(String(e)))
            .then((r) => ({ r, p })),
        ),
      );
      const got = await Promise.all(tries);
      const held = (await clients[0].status()).map((s) => s.holder);
      for (const x of held)
        for (const y of held) {
          if (x === y || x.kind !== 'lock' || y.kind !== 'lock' || x.record.agent === y.record.agent) continue;
          const covers = x.path === '.' || y.path.startsWith(`${x.path}/`) || x.path === y.path;
          assert.ok(
            !covers,
            `round ${round}: ${x.path} (${x.record.agent}) and ${y.path} (${y.record.agent}) both held`,
          );
        }
      assert.ok(held.length > 0);
      // A re-entry (same agent, same process) hands back the same generation: the first release frees it.
      for (const { r } of got)
        if (r.ok) await r.lease!.release().catch((e: unknown) => assert.ok(LockError.is(e, 'notHeld'), String(e)));
      assert.deepEqual(await clients[0].status(), []);
    }
  });

  it('an unreachable server fails within seconds, names itself, and claims nothing', async () => {
    const dead = openLockBackend({
      paths: new WorkspacePaths(clones.a),
      log: createLogger(nullSink),
      env: { FMES_LOCKS_BACKEND: `redis://127.0.0.1:${server.port + 1}/0` },
      connectTimeoutMs: 1_000,
    });
    const e = await dead.acquire('src', { agent: 'x', pid: null }).catch((x: unknown) => x);
    assert.ok(LockBackendError.is(e, 'unreachable'), String(e));
    assert.match(e.message, new RegExp(`redis://127\\.0\\.0\\.1:${server.port + 1}/0`));
    assert.match(e.message, /Check that redis-server runs there/);
    assert.deepEqual((await dead.health()).ok, false);
    dead.dispose();
  });
});

function chunk(fields: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < fields.length; i += 2) out.push([fields[i], fields[i + 1]]);
  return out;
}
