// Where the editor's locks live: the same choice as the CLI's (core's configFor → chooseLockSettings), from the
// repository's .fmes/config.json and the editor's own fmes.locks.* together. A lock server the repository names
// needs a person's confirmation in the editor too; two different servers are refused, never split between.
// The editor's side is the real createCore over configFor's config (what src/extension.ts builds); the other
// side the real `fmes` bin. `npm run build` first.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig, type FmesConfig } from '../../../../src/core/config';
import { confirmRepoConfig, configFor } from '../../../../src/core/configFile';
import { createCore, type Core } from '../../../../src/core/createCore';
import { chooseLockSettings, type LockSettings } from '../../../../src/core/locks/backendChoice';
import { backendSpecOf, LockBackendError } from '../../../../src/hot/locks/backendSpec';
import { startRedis, twoClones, type Clones, type RedisServer } from './redisFixture';
import { fmesIn, machine } from './redisMachines';

const locks = (over: Partial<LockSettings>): LockSettings => ({ ...defaultConfig.locks, ...over });
const editor = (over: Partial<LockSettings>): FmesConfig => ({ ...defaultConfig, locks: locks(over) });
/** What opening the chosen backend says (FMES_LOCKS_BACKEND unset, as in an editor with no such variable). */
const opened = (l: LockSettings) => {
  try {
    return backendSpecOf(l.backend, {});
  } catch (e) {
    assert.ok(LockBackendError.is(e), String(e));
    return e;
  }
};

describe('chooseLockSettings', () => {
  const A = 'redis://10.0.0.1:6379/0';
  it('the file alone, the editor alone, neither', () => {
    assert.equal(chooseLockSettings(locks({ backend: A })).backend, A);
    assert.equal(chooseLockSettings(locks({ backend: A }), locks({})).backend, A);
    assert.equal(chooseLockSettings(locks({}), locks({ backend: A, namespace: 'team' })).namespace, 'team');
    assert.equal(chooseLockSettings(locks({ backend: 'file' }), locks({ backend: A })).backend, A);
    assert.equal(chooseLockSettings(locks({}), locks({})).backend, '');
  });

  it('one server named by both: the file’s settings, the editor’s password', () => {
    const c = chooseLockSettings(
      locks({ backend: 'redis://10.0.0.1/0', namespace: 'team', leaseSec: 20 }),
      locks({ backend: 'redis://:pw@10.0.0.1:6379/0', leaseSec: 5 }),
    );
    assert.deepEqual([c.backend, c.namespace, c.leaseSec], ['redis://:pw@10.0.0.1:6379/0', 'team', 20]);
    // The file's own password is kept.
    assert.equal(
      chooseLockSettings(locks({ backend: 'redis://:a@h/1' }), locks({ backend: 'redis://:b@h/1' })).backend,
      'redis://:a@h/1',
    );
  });

  for (const [what, other] of [
    ['another host', 'redis://10.0.0.2:6379/0'],
    ['another port', 'redis://10.0.0.1:6380/0'],
    ['another database', 'redis://10.0.0.1:6379/1'],
    ['TLS', 'rediss://10.0.0.1:6379/0'],
  ] as const)
    it(`two servers (${what}): refused when opened, naming both, never a password`, () => {
      const e = opened(
        chooseLockSettings(locks({ backend: A }), locks({ backend: other.replace('//', '//:s3cret@') })),
      );
      assert.ok(LockBackendError.is(e, 'config'), JSON.stringify(e));
      assert.ok(e.message.includes(`names ${other}`), e.message);
      assert.ok(e.message.includes(`names ${A}`), e.message);
      assert.doesNotMatch(e.message, /s3cret/);
      assert.match(e.message, /Nothing was locked/);
    });

  it('another namespace on the same server: refused', () => {
    const e = opened(chooseLockSettings(locks({ backend: A, namespace: 'x' }), locks({ backend: A, namespace: 'y' })));
    assert.ok(LockBackendError.is(e, 'config'), JSON.stringify(e));
    assert.match(e.message, /fmes\.locks\.namespace "y" differs from locks\.namespace "x"/);
  });

  it('a server the repository names unconfirmed stays refused, whatever the editor says', () => {
    const file = locks({ backend: 'unconfirmed:locks.backend=redis://10.0.0.9:6379/0' });
    for (const ed of [locks({}), locks({ backend: A }), locks({ backend: 'redis://10.0.0.9:6379/0' })])
      assert.ok(LockBackendError.is(opened(chooseLockSettings(file, ed)), 'unconfirmed'));
  });
});

describe('the editor locks where the CLI does', () => {
  let server: RedisServer;
  let clones: Clones;
  const cores: Core[] = [];
  /** The editor's core over `settings`, as src/extension.ts builds it. */
  const editorCore = (root: string, settings: FmesConfig) => {
    const core = createCore({ workspaceRoot: root, config: configFor(root, settings).config, env: machine('a') });
    cores.push(core);
    return core;
  };
  before(async () => {
    server = await startRedis();
    clones = twoClones({ locks: { backend: server.url } }, { confirm: false });
  });
  after(async () => {
    for (const c of cores) c.dispose();
    await server.stop();
    clones.cleanup();
  });

  it('a server only the repository names: refused in the editor until a person confirms it', async () => {
    for (const settings of [defaultConfig, editor({ backend: server.url })]) {
      const core = editorCore(clones.a, settings);
      assert.throws(
        () => core.lockBackend,
        (e) => LockBackendError.is(e, 'unconfirmed') && /fmes config confirm/.test(e.message),
      );
    }
    assert.deepEqual(await server.client().keys('*'), [], 'nothing reached the server');
    assert.equal(fs.existsSync(path.join(clones.a, '.locks')), false, 'and no .locks/ instead');
  });

  it('confirmed: the editor with no setting of its own holds off the CLI of the other clone (75, named)', async () => {
    confirmRepoConfig(clones.a);
    confirmRepoConfig(clones.b);
    const core = editorCore(clones.a, defaultConfig);
    assert.equal(core.lockBackend.kind, 'redis');
    const lease = await core.lockBackend.acquire('src', { agent: 'human:editor', pid: null });
    const r = fmesIn(clones.b, ['lock', 'acquire', 'src/a.ts', '--agent', 'agent-b'], machine('b'));
    assert.equal(r.status, 75, r.stderr);
    assert.match(r.stdout + r.stderr, /human:editor/);
    await lease.release();
    const again = fmesIn(clones.b, ['lock', 'acquire', 'src/a.ts', '--agent', 'agent-b'], machine('b'));
    assert.equal(again.status, 0, again.stderr);
    const seen = (await core.lockBackend.status()).map((s) => (s.holder.kind === 'lock' ? s.holder.record.agent : '?'));
    assert.deepEqual(seen, ['agent-b'], 'and sees what the CLI took');
  });

  it('an editor naming another server is refused, not split from the CLI', () => {
    const core = editorCore(clones.a, editor({ backend: 'redis://127.0.0.1:1/0' }));
    assert.throws(
      () => core.lockBackend,
      (e) => LockBackendError.is(e, 'config') && /must use one lock server/.test(e.message),
    );
  });

  it('a repository that names none: the editor’s setting applies', async () => {
    fs.rmSync(path.join(clones.b, '.fmes', 'config.json'));
    const core = editorCore(clones.b, editor({ backend: server.url }));
    assert.equal(core.lockBackend.kind, 'redis');
    assert.equal(core.lockBackend.where, `redis://127.0.0.1:${server.port}/0`);
    // And the CLI alone there is on .locks/ (the file backend): what configFor says for it.
    assert.equal(configFor(clones.b).config.locks.backend, '');
  });
});
