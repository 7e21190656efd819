// What the hot entries load from Node itself on their common calls. Each built-in a hook or a `fmes lock run`
// loads is paid on every call of every agent (bench/hook.mjs, bench/lockRun.mjs): net and the streams alone are
// about a twentieth of Node's own start-up. Reads the bundles `npm run build` wrote, as sizeBudget.test.ts.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { makeWorkspace } from '../../fixtures/workspace';

const DIST = path.resolve(__dirname, '../../../dist');
/** Built-ins none of these calls needs; each was loaded by one of them once. */
const HEAVY = [
  'net',
  'stream',
  'child_process',
  'dgram',
  'crypto',
  'worker_threads',
  'http',
  'zlib',
  // fs's lazy parts: read at start-up only if the bundle copies fs's accessors (esbuild.mjs builtinDataNames).
  'internal/fs/dir',
  'internal/fs/promises',
];

/**
 * What a hook call needs no more than those: node:os (Node's start does not load it; the host name is asked only
 * for a lock that names a pid, src/hot/nodeOs.ts). `fmes lock run` loads it for signal numbers.
 */
const HOOK_UNNEEDED = ['os'];

const ws = makeWorkspace({ 'src/a.ts': 'a' });
// A git top level, as agents call `fmes lock run` (no --workspace): the hot path finds it without git.
fs.mkdirSync(path.join(ws.root, '.git'));
after(() => ws.cleanup());
const recorder = path.join(ws.root, 'record.cjs');
fs.writeFileSync(
  recorder,
  "process.on('exit', () => require('fs').writeFileSync(process.env.FMES_TEST_MODULES, process.moduleLoadList.join('\\n')));\n",
);

/** Runs a hot entry with the recorder preloaded; returns its result and the built-ins it loaded. */
function loaded(args: string[], input = '', nodeFlags: string[] = []) {
  const out = path.join(ws.root, 'modules.txt');
  fs.rmSync(out, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, FMES_TEST_MODULES: out, FMES_AGENT: 'claude' };
  delete env.FMES_RUN_ID;
  delete env.FMES_BROKER;
  const r = spawnSync(process.execPath, [...nodeFlags, '-r', recorder, ...args], {
    cwd: ws.root,
    env,
    input,
    encoding: 'utf8',
  });
  const modules = fs.existsSync(out)
    ? fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('NativeModule '))
        .map((l) => l.slice('NativeModule '.length))
    : [];
  return { ...r, modules };
}

describe('hot entries load no heavy built-in', () => {
  // A lock another agent holds, so that a decision reads a lock record (and judges its holder's host).
  const held = spawnSync(
    process.execPath,
    [path.join(DIST, 'cli.mjs'), '--workspace', ws.root, 'lock', 'acquire', 'src/held.ts', '--agent', 'gemini'],
    { encoding: 'utf8' },
  );
  const calls: [string, string, Record<string, string>, number][] = [
    ['a Write', 'Write', { file_path: path.join(ws.root, 'src/b.ts'), content: 'x' }, 0],
    ['a Write to a held path (denied)', 'Write', { file_path: path.join(ws.root, 'src/held.ts'), content: 'x' }, 2],
    ['a Bash', 'Bash', { command: 'npm test && git diff > out.txt' }, 0],
  ];
  for (const [what, tool, toolInput, status] of calls)
    it(`the PreToolUse hook deciding ${what}`, () => {
      assert.equal(held.status, 0, held.stderr);
      const input = JSON.stringify({
        session_id: 's',
        cwd: ws.root,
        hook_event_name: 'PreToolUse',
        tool_name: tool,
        tool_input: toolInput,
        tool_use_id: 't',
      });
      const r = loaded([path.join(DIST, 'hook.cjs'), 'pre-tool-use', '--workspace', ws.root], input);
      assert.equal(r.status, status, r.stderr);
      assert.ok(r.modules.length > 0, 'the recorder ran');
      assert.deepEqual(
        r.modules.filter((m) => HEAVY.includes(m) || HOOK_UNNEEDED.includes(m)),
        [],
      );
    });

  it('`fmes lock run` holding a lock around a command', () => {
    const r = loaded([path.join(DIST, 'fmes.cjs'), 'lock', 'run', 'src/a.ts', '--agent', 'claude', '--', 'true']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.modules.includes('os'), 'the recorder ran');
    assert.deepEqual(
      r.modules.filter((m) => HEAVY.includes(m)),
      [],
    );
  });

  it('`fmes lock run` under --pending-deprecation: child_process, and no warning', () => {
    const r = loaded(
      [path.join(DIST, 'fmes.cjs'), 'lock', 'run', 'src/a.ts', '--agent', 'claude', '--', 'sh', '-c', 'exit 4'],
      '',
      ['--pending-deprecation'],
    );
    assert.equal(r.status, 4, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(r.modules.includes('child_process'));
  });
});

describe('hostName', () => {
  it('is what os.hostname() says', async () => {
    const os = await import('node:os');
    const { hostName } = await import('../../../src/hot/locks/liveness');
    assert.equal(hostName(), os.hostname());
  });
});
