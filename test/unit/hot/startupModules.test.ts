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
// Also counts the uses of ICU's locale services: the first of them in a process loads ICU's data for the
// locale (about 5 ms for a collator, a twelfth of Node's start-up here), and a hook call needs none.
fs.writeFileSync(
  recorder,
  `const icu = [];
const count = (owner, key, name) => {
  const f = owner[key];
  owner[key] = function (...args) {
    icu.push(name);
    return new.target ? Reflect.construct(f, args, new.target) : f.apply(this, args);
  };
};
count(String.prototype, 'localeCompare', 'localeCompare');
for (const k of ['Collator', 'DateTimeFormat', 'NumberFormat', 'PluralRules', 'ListFormat', 'Segmenter'])
  count(Intl, k, 'Intl.' + k);
for (const [o, n] of [[Date.prototype, 'Date'], [Number.prototype, 'Number'], [Array.prototype, 'Array']])
  count(o, 'toLocaleString', n + '.toLocaleString');
process.on('exit', () =>
  require('fs').writeFileSync(
    process.env.FMES_TEST_MODULES,
    [...process.moduleLoadList, ...icu.map((n) => 'ICU ' + n)].join('\\n'),
  ),
);
`,
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
  const lines = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n') : [];
  const after = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  return { ...r, modules: after('NativeModule '), icu: after('ICU ') };
}

describe('hot entries load no heavy built-in', () => {
  // Locks other agents hold, so that a decision reads lock records (and judges their holders' hosts); two, as
  // in any workspace where agents work side by side (a list of two is sorted, a list of one is not).
  const acquire = (p: string, agent: string) =>
    spawnSync(
      process.execPath,
      [path.join(DIST, 'cli.mjs'), '--workspace', ws.root, 'lock', 'acquire', p, '--agent', agent],
      { encoding: 'utf8' },
    );
  const held = acquire('src/held.ts', 'gemini');
  const other = acquire('docs/guide.md', 'codex');
  const calls: [string, string, Record<string, string>, number][] = [
    ['a Write', 'Write', { file_path: path.join(ws.root, 'src/b.ts'), content: 'x' }, 0],
    ['a Write to a held path (denied)', 'Write', { file_path: path.join(ws.root, 'src/held.ts'), content: 'x' }, 2],
    ['a Bash', 'Bash', { command: 'npm test && git diff > out.txt' }, 0],
  ];
  for (const [what, tool, toolInput, status] of calls)
    it(`the PreToolUse hook deciding ${what}`, () => {
      assert.equal(held.status, 0, held.stderr);
      assert.equal(other.status, 0, other.stderr);
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
      assert.deepEqual(r.icu, []);
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
