// Two clones of one repository as two machines on one real redis-server, through the real `fmes` bin and hook:
// exclusion, contention, a crashed holder, the server killed and restarted. `npm run build` first.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { startRedis, twoClones, type Clones, type RedisServer } from './redisFixture';
import { contention, FMES, fmesIn, machine } from './redisMachines';

const HOOK = path.resolve(__dirname, '../../../../dist/hook.cjs');

let server: RedisServer;
let clones: Clones;
const children: ReturnType<typeof spawn>[] = [];

/** Starts `fmes lock run … -- sleep` in the background; resolves once it holds the lock. */
async function holder(root: string, name: string, seconds: number) {
  const marker = path.join(path.dirname(root), `${name}.held`);
  const c = spawn(
    process.execPath,
    [FMES, 'lock', 'run', 'src', '--agent', `agent-${name}`, '--', 'sh', '-c', `touch "${marker}"; sleep ${seconds}`],
    { cwd: root, env: machine(name), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(c);
  let stderr = '';
  c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
  while (!fs.existsSync(marker)) {
    if (c.exitCode !== null) assert.fail(`the holder exited early: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child: c, exited, stderr: () => stderr };
}

function hook(root: string, tool: object, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [HOOK, 'pre-tool-use', '--agent', 'agent-b', '--workspace', root], {
    input: JSON.stringify({ ...tool, cwd: root }),
    env,
    encoding: 'utf8',
  });
}

describe('fmes lock on Redis, two machines', () => {
  beforeEach(async () => {
    server = await startRedis();
    clones = twoClones({ locks: { backend: server.url, leaseSec: 1 } });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await server.stop();
    clones.cleanup();
  });
  after(() => undefined);

  it('a lock taken on one machine holds the other off: exit 75, the holder named', async () => {
    const a = fmesIn(clones.a, ['lock', 'acquire', 'src', '--agent', 'agent-a', '--intent', 'refactor'], machine('a'));
    assert.equal(a.status, 0, a.stderr);
    const b = fmesIn(clones.b, ['lock', 'run', 'src/a.ts', '--agent', 'agent-b', '--', 'true'], machine('b'));
    assert.equal(b.status, 75);
    assert.match(b.stderr, /src held by agent-a \(refactor/);
    const json = fmesIn(clones.b, ['lock', 'status', '--json'], machine('b'));
    assert.equal(JSON.parse(json.stdout)[0].agent, 'agent-a');
  });

  it(`2 machines × 3 processes × 5 lock runs on one path: no overlaps`, { timeout: 120_000 }, () =>
    contention(clones, 3, 5),
  );

  it('a SIGKILLed holder on one machine is recovered from the other within its lease', async () => {
    const h = await holder(clones.a, 'a', 60);
    const held = fmesIn(clones.b, ['lock', 'run', 'src/a.ts', '--agent', 'agent-b', '--', 'true'], machine('b'));
    assert.equal(held.status, 75, 'held while its holder lives');
    h.child.kill('SIGKILL');
    // The lease is 1 s (leaseSec in .fmes/config.json); the wait allows well beyond it, and no more.
    const b = fmesIn(
      clones.b,
      ['lock', 'run', 'src/a.ts', '--agent', 'agent-b', '--wait', '5', '--', 'true'],
      machine('b'),
    );
    assert.equal(b.status, 0, b.stderr);
    const breaks = await server.client().xrange((await server.client().keys('fmes:locks:*:B'))[0], '-', '+');
    assert.ok(
      breaks.some(([, f]) => f.includes('expired') && f.includes('src')),
      'the expiry is in the break log',
    );
  });

  it('Redis killed mid-run: the holder reports the lock lost, acquires fail clearly, nothing is claimed', async () => {
    const h = await holder(clones.a, 'a', 4);
    await server.kill();
    const b = fmesIn(clones.b, ['lock', 'run', 'src/a.ts', '--agent', 'agent-b', '--', 'true'], machine('b'));
    assert.equal(b.status, 69);
    assert.match(b.stderr, new RegExp(`cannot reach the lock server redis://127\\.0\\.0\\.1:${server.port}/0`));
    assert.match(b.stderr, /Nothing was locked/);
    assert.doesNotMatch(b.stderr, /\n\s+at /, 'no stack trace');
    const acq = fmesIn(clones.b, ['lock', 'acquire', 'src', '--agent', 'agent-b'], machine('b'));
    assert.equal(acq.status, 69);
    assert.doesNotMatch(acq.stderr, /\n\s+at /);
    // The hook cannot check a write: denied, and it says why; a read needs no lock and passes.
    const w = hook(
      clones.b,
      { tool_name: 'Write', tool_input: { file_path: path.join(clones.b, 'src/a.ts'), content: '' } },
      machine('b'),
    );
    assert.equal(w.status, 2);
    assert.match(w.stderr, /could not check the locks, so this write is denied: cannot reach the lock server/);
    const r = hook(
      clones.b,
      { tool_name: 'Read', tool_input: { file_path: path.join(clones.b, 'src/a.ts') } },
      machine('b'),
    );
    assert.equal(r.status, 0, r.stderr);
    // Restarted empty (no persistence): the holder's next renewal finds its lock gone and reports it lost; it
    // does not take it again behind anyone's back. Nothing is held.
    await server.restart();
    assert.equal(await h.exited, 0, 'the command ran to its end');
    assert.match(h.stderr(), /lost the lock on src/);
    assert.equal(fmesIn(clones.b, ['lock', 'status'], machine('b')).stdout.trim(), 'no locks');
  });

  it('the hook denies a write under another machine’s lock, in one round trip, naming the holder', () => {
    assert.equal(fmesIn(clones.a, ['lock', 'acquire', 'src', '--agent', 'agent-a'], machine('a')).status, 0);
    const w = hook(
      clones.b,
      { tool_name: 'Write', tool_input: { file_path: path.join(clones.b, 'src/a.ts'), content: '' } },
      machine('b'),
    );
    assert.equal(w.status, 2);
    assert.match(w.stderr, /src is locked by agent-a/);
    const ok = hook(
      clones.b,
      { tool_name: 'Write', tool_input: { file_path: path.join(clones.b, 'lib.ts'), content: '' } },
      machine('b'),
    );
    assert.equal(ok.status, 0, ok.stderr);
  });

  it('the hook on Redis with two locks held uses no ICU (its holders are not sorted)', () => {
    for (const [p, agent] of [
      ['src', 'agent-a'],
      ['docs', 'agent-c'],
    ])
      assert.equal(fmesIn(clones.a, ['lock', 'acquire', p, '--agent', agent], machine('a')).status, 0);
    // Counts localeCompare and Intl.Collator: the first use in a process loads ICU's collator (~5 ms).
    const probe = path.join(path.dirname(clones.a), 'icu.cjs');
    fs.writeFileSync(
      probe,
      `let n = 0; const lc = String.prototype.localeCompare;
String.prototype.localeCompare = function (...a) { n++; return lc.apply(this, a); };
const C = Intl.Collator; Intl.Collator = function (...a) { n++; return new C(...a); };
process.on('exit', () => require('fs').writeSync(2, '\\nICU ' + n));`,
    );
    for (const [file, status] of [
      ['src/a.ts', 2],
      ['lib.ts', 0],
    ] as const) {
      const r = spawnSync(
        process.execPath,
        ['--require', probe, HOOK, 'pre-tool-use', '--agent', 'agent-b', '--workspace', clones.b],
        {
          input: JSON.stringify({
            cwd: clones.b,
            tool_name: 'Write',
            tool_input: { file_path: path.join(clones.b, file), content: '' },
          }),
          env: machine('b'),
          encoding: 'utf8',
        },
      );
      assert.equal(r.status, status, r.stderr);
      assert.match(r.stderr, /ICU 0$/);
    }
  });

  it('with the file backend the hook never loads the Redis chunk', () => {
    const probe = path.join(path.dirname(clones.a), 'probe.cjs');
    fs.writeFileSync(
      probe,
      `process.on('exit', () => require('fs').writeSync(2, '\\nLOADED ' + Object.keys(require.cache).filter((k) => /chunks.redis\\.cjs$/.test(k)).length));`,
    );
    fs.rmSync(path.join(clones.b, '.fmes'), { recursive: true });
    const r = spawnSync(
      process.execPath,
      ['--require', probe, HOOK, 'pre-tool-use', '--agent', 'b', '--workspace', clones.b],
      {
        input: JSON.stringify({
          tool_name: 'Write',
          tool_input: { file_path: path.join(clones.b, 'src/a.ts'), content: '' },
        }),
        env: machine('b'),
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /LOADED 0$/);
    // The same call with a Redis backend does load it: the probe can tell.
    const r2 = spawnSync(
      process.execPath,
      ['--require', probe, HOOK, 'pre-tool-use', '--agent', 'b', '--workspace', clones.b],
      {
        input: JSON.stringify({
          tool_name: 'Write',
          tool_input: { file_path: path.join(clones.b, 'src/a.ts'), content: '' },
        }),
        env: machine('b', { FMES_LOCKS_BACKEND: server.url }),
        encoding: 'utf8',
      },
    );
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stderr, /LOADED 1$/);
  });
});
