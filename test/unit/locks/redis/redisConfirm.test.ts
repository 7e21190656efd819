// `locks.backend` and `locks.namespace` in a repository's committed .fmes/config.json count only once a person
// on this machine confirmed them (`fmes config confirm`): a repository could point every clone's locks at a
// server its author runs. Until then the backend is refused (not replaced by `.locks/`): no lock is taken, the
// hook denies writes and says why, reads pass. Through the real `fmes` bins and hook. `npm run build` first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { weakeningValues } from '../../../../src/core/safety/repoConfirmation';
import { parseConfig } from '../../../../src/core/config';
import { startRedis, twoClones, type Clones, type RedisServer } from './redisFixture';
import { FMES, fmesIn, machine } from './redisMachines';

const DIST = path.resolve(__dirname, '../../../../dist');
const HOOK = path.join(DIST, 'hook.cjs');
const CLI = path.join(DIST, 'cli.mjs');

let server: RedisServer;
let clones: Clones;

function hook(root: string, tool: object) {
  return spawnSync(process.execPath, [HOOK, 'pre-tool-use', '--agent', 'agent-a', '--workspace', root], {
    input: JSON.stringify({ ...tool, cwd: root }),
    env: machine('a'),
    encoding: 'utf8',
  });
}
const writeConfig = (locks: Record<string, unknown>) =>
  fs.writeFileSync(path.join(clones.a, '.fmes', 'config.json'), JSON.stringify({ locks }));
const cli = (args: string[], env = machine('a')) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: clones.a, env, encoding: 'utf8', timeout: 60_000 });
const lockFiles = () => {
  try {
    return fs.readdirSync(path.join(clones.a, '.locks')).filter((n) => n.endsWith('.lock'));
  } catch {
    return [];
  }
};

describe('a lock server named by the repository needs a person’s confirmation', () => {
  before(async () => {
    server = await startRedis();
    clones = twoClones({ locks: { backend: `redis://:s3cret@127.0.0.1:${server.port}/0` } }, { confirm: false });
  });
  after(async () => {
    await server.stop();
    clones.cleanup();
  });

  it('unconfirmed: every lock command refuses (not 0, not 75), names the field and the way out, no password', async () => {
    for (const [bin, args] of [
      [FMES, ['lock', 'acquire', 'src', '--agent', 'agent-a']],
      [FMES, ['lock', 'run', 'src', '--agent', 'agent-a', '--', 'true']],
      [CLI, ['lock', 'acquire', 'src', '--agent', 'agent-a']],
      [CLI, ['lock', 'status']],
    ] as const) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: clones.a, env: machine('a'), encoding: 'utf8' });
      const what = `${path.basename(bin)} ${args.join(' ')}`;
      assert.notEqual(r.status, 0, what);
      assert.notEqual(r.status, 75, what);
      assert.match(r.stderr, /locks\.backend redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 in this repository's/, what);
      assert.match(r.stderr, /fmes config confirm/, what);
      assert.doesNotMatch(r.stdout + r.stderr, /s3cret/, `${what}: the password is never shown`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
    }
    assert.deepEqual(await server.client().keys('*'), [], 'nothing reached the server');
    assert.deepEqual(lockFiles(), [], 'and no .locks/ lock instead');
  });

  it('unconfirmed: the hook denies a write and says why; a read passes', () => {
    const w = hook(clones.a, {
      tool_name: 'Write',
      tool_input: { file_path: path.join(clones.a, 'src/a.ts'), content: '' },
    });
    assert.equal(w.status, 2, w.stderr);
    assert.match(w.stderr, /could not check the locks, so this write is denied: locks\.backend .* not confirmed/);
    assert.doesNotMatch(w.stderr, /s3cret|simpler form/);
    const r = hook(clones.a, { tool_name: 'Read', tool_input: { file_path: path.join(clones.a, 'src/a.ts') } });
    assert.equal(r.status, 0, r.stderr);
  });

  it('the values listed for confirmation carry no password; a new password alone needs no new confirmation', () => {
    const of = (backend: string, namespace = '') =>
      weakeningValues(parseConfig({ locks: { backend, namespace } }).config).map((w) => [w.field, w.value, w.hash]);
    const one = of('redis://:a@h:1/0');
    assert.deepEqual(
      one.map(([f, v]) => [f, v]),
      [['locks.backend', 'redis://:***@h:1/0']],
    );
    assert.deepEqual(of('redis://:b@h:1/0'), one);
    assert.notDeepEqual(of('redis://:a@evil:1/0'), one);
    assert.deepEqual(of('').length, 0, 'the file backend needs nothing');
    assert.deepEqual(of('file', 'x').length, 0, 'a namespace without a server does nothing');
    assert.deepEqual(
      of('redis://h:1/0', 'other-repo').map(([f]) => f),
      ['locks.backend', 'locks.namespace'],
    );
    const show = cli(['config', 'show-unconfirmed']);
    assert.doesNotMatch(show.stdout + show.stderr, /s3cret/);
  });

  it('a person’s FMES_LOCKS_BACKEND needs no confirmation; confirmed, the repository’s value works', async () => {
    const url = server.url;
    const env = machine('a', { FMES_LOCKS_BACKEND: url });
    const viaEnv = fmesIn(clones.a, ['lock', 'acquire', 'src/x.ts', '--agent', 'agent-a'], env);
    assert.equal(viaEnv.status, 0, viaEnv.stderr);
    writeConfig({ backend: url });
    assert.notEqual(fmesIn(clones.a, ['lock', 'acquire', 'src', '--agent', 'agent-a'], machine('a')).status, 0);
    const c = cli(['config', 'confirm', '--yes']);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout + c.stderr, /locks\.backend/);
    const ok = fmesIn(clones.a, ['lock', 'acquire', 'src/y.ts', '--agent', 'agent-a'], machine('a'));
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((await server.client().keys('*')).length > 0, true);
    // Another server, or another namespace, is another value: refused again until confirmed.
    writeConfig({ backend: `redis://127.0.0.1:${server.port}/1` });
    const moved = fmesIn(clones.a, ['lock', 'acquire', 'src/z.ts', '--agent', 'agent-a'], machine('a'));
    assert.notEqual(moved.status, 0);
    assert.match(moved.stderr, /not confirmed/);
    writeConfig({ backend: url, namespace: 'someone-elses' });
    const ns = fmesIn(clones.a, ['lock', 'acquire', 'src/z.ts', '--agent', 'agent-a'], machine('a'));
    assert.notEqual(ns.status, 0);
    assert.match(ns.stderr, /locks\.namespace "someone-elses" in this repository's .* not confirmed/);
  });
});
