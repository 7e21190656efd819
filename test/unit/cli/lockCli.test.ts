import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, fmes, fmesAsync } from '../../fixtures/cli';
import { makeWorkspace } from '../../fixtures/workspace';

describe('fmes lock', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());
  const run = (...args: string[]) => fmes(['--workspace', ws.root, ...args]);

  test('acquire, status, release', () => {
    const a = run('lock', 'acquire', 'src/a.ts', '--agent', 'claude', '--intent', 'refactor', '--json');
    assert.equal(a.status, 0, a.stderr);
    const rec = JSON.parse(a.stdout);
    assert.equal(rec.agent, 'claude');
    assert.equal(rec.pid, null, 'a CLI lock is bounded by its TTL, not by the short-lived CLI process');
    const s = run('lock', 'status', '--json');
    assert.equal(s.status, 0);
    const list = JSON.parse(s.stdout);
    assert.equal(list.length, 1);
    assert.equal(list[0].path, 'src/a.ts');
    assert.equal(list[0].stale, false);
    assert.match(run('lock', 'status').stdout, /src\/a\.ts\tclaude\trefactor/);
    const r = run('lock', 'release', 'src/a.ts', '--agent', 'claude');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run('lock', 'status').stdout.trim(), 'no locks');
  });

  test('exit 75 and the holder when another agent holds it', () => {
    assert.equal(run('lock', 'acquire', 'src', '--agent', 'claude', '--intent', 'auth rewrite').status, 0);
    const b = run('lock', 'acquire', 'src/a.ts', '--agent', 'gemini', '--wait', '0.2');
    assert.equal(b.status, 75);
    assert.match(b.stderr, /src held by claude \(auth rewrite/);
    const j = run('lock', 'acquire', 'src/a.ts', '--agent', 'gemini', '--json');
    assert.equal(j.status, 75);
    assert.equal(JSON.parse(j.stdout).holders[0].agent, 'claude');
  });

  test('release by someone else fails without a stack trace', () => {
    run('lock', 'acquire', 'src/a.ts', '--agent', 'claude');
    const r = run('lock', 'release', 'src/a.ts', '--agent', 'gemini');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /held by claude, not gemini/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('paths outside the workspace are refused with exit 2', () => {
    const r = run('lock', 'acquire', '../elsewhere', '--agent', 'claude');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /outside the workspace/);
  });

  test('--agent is required (or FMES_AGENT)', () => {
    assert.equal(run('lock', 'acquire', 'src/a.ts').status, 2);
    const r = fmes(['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts'], { env: { FMES_AGENT: 'from-env' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /for from-env/);
  });

  test('relative paths follow the current folder inside the workspace', () => {
    const r = fmes(['lock', 'acquire', 'a.ts', '--agent', 'claude', '--workspace', ws.root], {
      cwd: path.join(ws.root, 'src'),
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(ws.root, '.locks', 'src%2Fa.ts.lock')));
  });

  test('renew and break', () => {
    run('lock', 'acquire', 'src/a.ts', '--agent', 'claude', '--ttl', '10');
    const n = run('lock', 'renew', 'src/a.ts', '--agent', 'claude', '--ttl', '3600');
    assert.equal(n.status, 0, n.stderr);
    const b = run('lock', 'break', 'src/a.ts', '--reason', 'stuck', '--by', 'human:ana');
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /held by claude/);
    const log = fs.readFileSync(path.join(ws.root, '.locks/.broken/breaks.jsonl'), 'utf8');
    assert.match(log, /"by":"human:ana"/);
    assert.equal(run('lock', 'break', 'src/a.ts', '--reason', 'x').status, 1);
  });

  test('--help on every command', () => {
    for (const args of [[], ['lock'], ['lock', 'acquire'], ['lock', 'run'], ['validate'], ['watch']]) {
      const r = fmes([...args, '--help']);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: fmes/);
    }
  });

  test('the workspace defaults to the git top level', () => {
    fs.mkdirSync(path.join(ws.root, '.git'));
    const init = fmes(['lock', 'status'], { cwd: path.join(ws.root, 'src') });
    // Not a real repository: git fails, so the current folder is the workspace; with a real one, the top.
    assert.equal(init.status, 0);
    fs.rmSync(path.join(ws.root, '.git'), { recursive: true });
    spawnSync('git', ['init', '-q'], { cwd: ws.root });
    const a = fmes(['lock', 'acquire', 'a.ts', '--agent', 'claude'], { cwd: path.join(ws.root, 'src') });
    assert.equal(a.status, 0, a.stderr);
    assert.ok(fs.existsSync(path.join(ws.root, '.locks', 'src%2Fa.ts.lock')));
  });
});

describe('fmes lock run', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());
  const lockPath = () => path.join(ws.root, '.locks', 'src%2Fa.ts.lock');

  test('holds the lock during the command and exits with its code', () => {
    const r = fmes([
      '--workspace',
      ws.root,
      'lock',
      'run',
      'src/a.ts',
      '--agent',
      'claude',
      '--',
      'sh',
      '-c',
      `test -f '${lockPath()}' && exit 7`,
    ]);
    assert.equal(r.status, 7, r.stderr);
    assert.ok(!fs.existsSync(lockPath()), 'released after the command');
  });

  test('releases after a failing command and reports a missing one with 127', () => {
    const r = fmes([
      '--workspace',
      ws.root,
      'lock',
      'run',
      'src/a.ts',
      '--agent',
      'claude',
      '--',
      'no-such-command-xyz',
    ]);
    assert.equal(r.status, 127);
    assert.ok(!fs.existsSync(lockPath()));
  });

  test('exit 75 without running the command when held', () => {
    fmes(['--workspace', ws.root, 'lock', 'acquire', 'src', '--agent', 'gemini']);
    const marker = path.join(ws.root, 'ran');
    const r = fmes(['--workspace', ws.root, 'lock', 'run', 'src/a.ts', '--agent', 'claude', '--', 'touch', marker]);
    assert.equal(r.status, 75);
    assert.ok(!fs.existsSync(marker));
  });

  test('a signal is forwarded to the command and the lock is released', async () => {
    const child = spawn(
      process.execPath,
      [CLI, '--workspace', ws.root, 'lock', 'run', 'src/a.ts', '--agent', 'claude', '--', 'sleep', '30'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Generous: a loaded CI machine can take seconds to start node; this is a wait, not a timing assertion.
    for (let i = 0; i < 2400 && !fs.existsSync(lockPath()) && child.exitCode === null; i++)
      await new Promise((r) => setTimeout(r, 25));
    assert.ok(fs.existsSync(lockPath()), 'lock taken');
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
      child.on('exit', (c, sig) => r([c, sig])),
    );
    assert.equal(code, 128 + 15, `exit ${code} signal ${signal} stderr: ${stderr}`);
    assert.ok(!fs.existsSync(lockPath()), 'released');
  });

  test('a signal while waiting for the lock ends the wait with 128+signal and leaves nothing behind', async () => {
    fmes(['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini']);
    const marker = path.join(ws.root, 'ran');
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--workspace',
        ws.root,
        'lock',
        'run',
        'src/a.ts',
        '--agent',
        'claude',
        '--wait',
        '30',
        '--',
        'touch',
        marker,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), /waiting up to 30s/.test(stderr) && resolve())),
    );
    assert.match(stderr, /waiting up to 30s for src\/a\.ts: src\/a\.ts held by gemini/);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 128 + 15);
    assert.ok(!fs.existsSync(marker), 'the command never ran');
    assert.equal(JSON.parse(fs.readFileSync(lockPath(), 'utf8')).agent, 'gemini', "gemini's lock untouched");
  });

  test('lock run with --json reports a held lock as JSON', async () => {
    fmes(['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini']);
    const r = await fmesAsync([
      '--workspace',
      ws.root,
      'lock',
      'run',
      'src/a.ts',
      '--agent',
      'claude',
      '--json',
      '--',
      'true',
    ]);
    assert.equal(r.code, 75);
    assert.equal(JSON.parse(r.stdout).holders[0].agent, 'gemini');
  });
});
