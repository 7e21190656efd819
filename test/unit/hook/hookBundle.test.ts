// The built hook (dist/hook.cjs, `npm test` builds it): a common call loads no zod, no node:crypto and no child
// process module, and each path that needs its cold half (dist/chunks/cold.cjs) finds there what it needs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger, nullSink } from '../../../src/core/log';
import { LockManager } from '../../../src/hot/locks/lockManager';
import { lockFileName } from '../../../src/hot/locks/lockName';
import { WorkspacePaths } from '../../../src/hot/paths/workspacePath';

const HOOK = path.resolve(__dirname, '../../../dist/hook.cjs');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-hookbundle-')));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Loaded with -r before the hook: on exit, records which of our files and which built-ins the process loaded.
const PROBE = path.join(tmp, 'probe.cjs');
fs.writeFileSync(
  PROBE,
  `process.on('exit', () => require('fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify({
    files: Object.keys(require.cache),
    builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)),
  })));`,
);

let n = 0;
function workspace(): string {
  const d = path.join(tmp, `ws${n++}`);
  fs.mkdirSync(path.join(d, 'src'), { recursive: true });
  return d;
}

function hook(root: string, tool: string, input: Record<string, unknown>, env: Record<string, string> = {}) {
  const out = path.join(tmp, `probe${n++}.json`);
  const stdin = JSON.stringify({ session_id: 's', cwd: root, tool_name: tool, tool_input: input, tool_use_id: 't' });
  const r = spawnSync(process.execPath, ['-r', PROBE, HOOK, 'pre-tool-use', '--agent', 'claude', '--workspace', root], {
    input: stdin,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PROBE_OUT: out, ...env },
  });
  const loaded = JSON.parse(fs.readFileSync(out, 'utf8')) as { files: string[]; builtins: string[] };
  return {
    status: r.status,
    stderr: r.stderr,
    stdout: r.stdout,
    cold: loaded.files.some((f) => f.endsWith('chunks/cold.cjs')),
    builtins: loaded.builtins,
  };
}

describe('dist/hook.cjs', () => {
  it('a common call (Write, Bash, a held path) loads neither the cold half, node:crypto nor node:child_process', () => {
    const root = workspace();
    new LockManager(new WorkspacePaths(root), createLogger(nullSink)).tryAcquire('src/held.ts', {
      agent: 'gemini',
      pid: null,
    });
    const calls = [
      hook(root, 'Write', { file_path: path.join(root, 'src/free.ts'), content: 'x' }),
      hook(root, 'Bash', { command: 'npm test && git diff > out.txt' }),
      hook(root, 'Write', { file_path: path.join(root, 'src/held.ts'), content: 'x' }),
    ];
    assert.deepEqual(
      calls.map((c) => c.status),
      [0, 0, 2],
    );
    assert.match(calls[2].stderr, /src\/held\.ts is locked by gemini/);
    for (const c of calls) {
      assert.equal(c.cold, false);
      assert.ok(!c.builtins.includes('crypto') && !c.builtins.includes('child_process'), c.builtins.join(' '));
    }
  });

  it('settings: the cold half reads .fmes/config.json and merges its rules', () => {
    const root = workspace();
    fs.mkdirSync(path.join(root, '.fmes'));
    fs.writeFileSync(
      path.join(root, '.fmes/config.json'),
      JSON.stringify({
        safety: {
          rules: [{ id: 'no-prod-ssh', tier: 'deny', description: 'ssh to prod', program: 'ssh', argPattern: '^prod' }],
        },
      }),
    );
    const r = hook(root, 'Bash', { command: 'ssh prod-db uptime' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ssh to prod \(rule no-prod-ssh/);
    assert.equal(r.cold, true);
  });

  it('a lock file the fast check refuses goes to the schema (cold) and still holds the path', () => {
    const root = workspace();
    fs.mkdirSync(path.join(root, '.locks'));
    fs.writeFileSync(
      path.join(root, '.locks', lockFileName('src/odd.ts')),
      JSON.stringify({ version: 1, path: 'src/odd.ts', agent: 'gemini', token: 'short' }),
    );
    const r = hook(root, 'Write', { file_path: path.join(root, 'src/odd.ts'), content: 'x' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /src\/odd\.ts is locked by an invalid lock file/);
    assert.equal(r.cold, true);
  });

  it('an ask in a headless run records an approval request (the cold approval store)', () => {
    const root = workspace();
    const r = hook(root, 'Bash', { command: 'git reset --hard HEAD~1' }, { FMES_RUN_ID: 'run-1' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /F-MES recorded request \S+ \(fmes approve/);
    assert.equal(fs.readdirSync(path.join(root, '.fmes/approvals')).length, 1);
    assert.equal(r.cold, true);
    assert.ok(r.builtins.includes('crypto'), 'the probe sees node:crypto when it loads (approval ids)');
  });
});

// The hook ends its process from its 'exit' listener (bin.ts endNow), which skips Node's teardown: only when no
// other listener is there, with the exit code of the decision, and after its audit record is written.
describe('dist/hook.cjs ends at once', () => {
  // Loaded with -r: says on stderr when the process ends through process.reallyExit (process.exit) and, with
  // LATE_LISTENER, adds an 'exit' listener after the hook's own (the hook registers its listener as it loads).
  const ENDS = path.join(tmp, 'ends.cjs');
  fs.writeFileSync(
    ENDS,
    `const fs = require('fs');
const really = process.reallyExit;
process.reallyExit = (code) => { fs.writeSync(2, '[reallyExit ' + code + ']'); really.call(process, code); };
if (process.env.LATE_LISTENER) setImmediate(() => process.on('exit', () => fs.writeSync(2, '[late listener]')));
if (process.env.BOOM) setImmediate(() => { throw new Error('boom after the answer'); });`,
  );
  function run(root: string, tool: string, input: Record<string, unknown>, env: Record<string, string> = {}) {
    const stdin = JSON.stringify({ session_id: 's', cwd: root, tool_name: tool, tool_input: input, tool_use_id: 't' });
    return spawnSync(process.execPath, ['-r', ENDS, HOOK, 'pre-tool-use', '--agent', 'claude', '--workspace', root], {
      input: stdin,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
  }
  const root = workspace();
  new LockManager(new WorkspacePaths(root), createLogger(nullSink)).tryAcquire('src/held.ts', {
    agent: 'gemini',
    pid: null,
  });
  const held = { file_path: path.join(root, 'src/held.ts'), content: 'x' };

  it('ends through process.exit with the decision as its exit code, its audit written', () => {
    const calls = [
      ['Write', { file_path: path.join(root, 'src/free.ts'), content: 'x' }, 0],
      ['Bash', { command: 'npm test && git diff > out.txt' }, 0],
      ['Write', held, 2],
      ['Bash', { command: 'rm -rf src/held.ts' }, 2],
    ] as const;
    for (const [tool, input, status] of calls) {
      const r = run(root, tool, input);
      assert.equal(r.status, status, r.stderr);
      assert.ok(r.stderr.endsWith(`[reallyExit ${status}]`), r.stderr);
    }
    const audit = fs
      .readdirSync(path.join(root, '.fmes/audit'))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(root, '.fmes/audit', f), 'utf8')
          .trim()
          .split('\n'),
      )
      .map((l) => JSON.parse(l) as { outcome: string; tool: string });
    assert.deepEqual(
      audit.map((a) => `${a.tool} ${a.outcome}`),
      ['Write denied', 'Bash denied'],
    );
  });

  it('leaves the end to Node after an uncaught error, which is then printed (exit code 1)', () => {
    const r = run(root, 'Write', { file_path: path.join(root, 'src/free.ts'), content: 'x' }, { BOOM: '1' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Error: boom after the answer/);
    assert.ok(!r.stderr.includes('[reallyExit'), r.stderr);
  });

  it('leaves the end to Node when another exit listener is waiting, which then runs', () => {
    for (const status of [0, 2]) {
      const input = status === 2 ? held : { file_path: path.join(root, 'src/free.ts'), content: 'x' };
      const r = run(root, 'Write', input, { LATE_LISTENER: '1' });
      assert.equal(r.status, status, r.stderr);
      assert.ok(r.stderr.endsWith('[late listener]'), r.stderr);
      assert.ok(!r.stderr.includes('[reallyExit'), r.stderr);
    }
  });
});
