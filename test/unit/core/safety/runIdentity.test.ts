// runIdentity with real processes: an "agent" started with FMES_RUN_ID/FMES_AGENT runs a probe through
// `env -u …` (and with forged values); the probe must still see the run, and see the outermost one.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { callerIdentity, refusalToActAs, runIdentity } from '../../../../src/hot/safety/runIdentity';
import { inRun } from '../../../fixtures/inRun';

const linux = process.platform === 'linux';

describe('runIdentity', () => {
  let dir: string;
  let probe: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-runid-'));
    const src = path.join(dir, 'probe.ts');
    fs.writeFileSync(
      src,
      `import { runIdentity } from ${JSON.stringify(path.resolve(__dirname, '../../../../src/hot/safety/runIdentity'))};\nprocess.stdout.write(JSON.stringify({ id: runIdentity() ?? null, ppid: process.ppid }));\n`,
    );
    probe = path.join(dir, 'probe.js');
    buildSync({ entryPoints: [src], bundle: true, platform: 'node', format: 'cjs', outfile: probe, logLevel: 'error' });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const clean = () => {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('FMES_')) delete env[k];
    return env;
  };
  const parse = (r: { stdout: string; stderr: string; status: number | null }) => {
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { id: { runId: string; agent?: string; from: 'self' | number } | null };
  };

  test('outside every run: none', () => {
    const r = spawnSync(process.execPath, [probe], { encoding: 'utf8', env: clean() });
    assert.equal(parse(r).id, null);
  });

  test('in its own environment', () => {
    const r = spawnSync(process.execPath, [probe], {
      encoding: 'utf8',
      env: { ...clean(), FMES_RUN_ID: 'r1', FMES_AGENT: 'gemini' },
    });
    assert.deepEqual(parse(r).id, { runId: 'r1', agent: 'gemini', from: 'self' } as never);
  });

  test('variables dropped with env -u: found in the parent', { skip: !linux && 'needs /proc' }, () => {
    const id = parse(inRun([process.execPath, probe])).id;
    assert.equal(id?.runId, 'run-7');
    assert.equal(id?.agent, 'claude');
    assert.equal(typeof id?.from, 'number');
  });

  test('forged values in the command do not override the run above it', { skip: !linux && 'needs /proc' }, () => {
    const id = parse(inRun([process.execPath, probe], { forged: { FMES_RUN_ID: 'fake', FMES_AGENT: 'gemini' } })).id;
    assert.equal(id?.runId, 'run-7');
    assert.equal(id?.agent, 'claude');
  });

  test('several levels down, through a shell that stays alive', { skip: !linux && 'needs /proc' }, () => {
    const id = parse(inRun(['sh', '-c', `sh -c '"${process.execPath}" "${probe}"; true'; true`])).id;
    assert.equal(id?.runId, 'run-7');
  });

  test('without /proc (other systems): only the own environment', () => {
    assert.equal(runIdentity({ env: {}, procRoot: undefined }), undefined);
    assert.equal(runIdentity({ env: { FMES_RUN_ID: 'x' }, procRoot: undefined })?.runId, 'x');
    // An unreadable /proc is the same.
    assert.equal(runIdentity({ env: {}, procRoot: path.join(os.tmpdir(), 'no-such-proc') }), undefined);
  });

  test('a fake /proc: entries decoded as before, whatever their size and neighbours', () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-proc-'));
    try {
      const put = (pid: number, ppid: number, environ: string) => {
        fs.mkdirSync(path.join(proc, String(pid)));
        fs.writeFileSync(path.join(proc, String(pid), 'environ'), Buffer.from(environ, 'utf8'));
        fs.writeFileSync(path.join(proc, String(pid), 'stat'), `${pid} (a) b) (c) S ${ppid} 1 1 0 -1\n`);
      };
      // The inner process: a forged run, an FMES_ text inside another value, a value with an '=' and UTF-8.
      put(20, 10, ['X=FMES_RUN_ID=inside', 'FMES_RUN_ID=forged', 'FMES_TASK=a=b ü'].join('\0') + '\0');
      // The outer one: 200 KB of other variables first (more than one read), the run at the very end, no final NUL.
      put(10, 1, `${'PAD=' + 'x'.repeat(200_000)}\0FMES_RUN_ID=outer\0FMES_AGENT=claude`);
      const id = runIdentity({ env: {}, procRoot: proc, ppid: 20 });
      assert.deepEqual(id, { runId: 'outer', agent: 'claude', task: undefined, from: 10 });
      fs.writeFileSync(path.join(proc, '10', 'environ'), 'PAD=1');
      assert.deepEqual(runIdentity({ env: {}, procRoot: proc, ppid: 20 }), {
        runId: 'forged',
        agent: undefined,
        task: 'a=b ü',
        from: 20,
      });
    } finally {
      fs.rmSync(proc, { recursive: true, force: true });
    }
  });

  test('callerIdentity and refusalToActAs', () => {
    const run = { runId: 'r', agent: 'claude', task: undefined, from: 'self' as const };
    assert.equal(refusalToActAs('claude', { id: 'claude', run }), undefined);
    assert.match(refusalToActAs('gemini', { id: 'claude', run }) ?? '', /acts only as itself/);
    assert.equal(
      refusalToActAs('gemini', { id: 'human:ana', run: undefined }, {}),
      undefined,
      'a person at a plain terminal',
    );
    assert.match(
      refusalToActAs('gemini', { id: 'claude', run: undefined }, { FMES_AGENT: 'claude' }) ?? '',
      /FMES_AGENT/,
    );
    assert.equal(callerIdentity({ env: { FMES_AGENT: 'codex' }, procRoot: undefined }).id, 'codex');
    assert.match(callerIdentity({ env: {}, procRoot: undefined }).id, /^human:/);
    assert.equal(
      callerIdentity({ env: { FMES_RUN_ID: 'r9', FMES_AGENT: 'gemini' }, procRoot: undefined }).id,
      'gemini',
    );
  });
});
