/**
 * Hostile hook inputs through the built hook (dist/hook.cjs), started exactly as the agent CLIs start it: the
 * shell command `hookCommand()` writes into their settings. A fail-open is anything but a denial (exit 2 with a
 * reason on stderr) for a call that writes or runs something F-MES cannot judge — an exit 1 from a crash, a hang,
 * an exit 0. Every CLI runs the tool in those cases (../shared/reference/AGENT-HOOKS.md).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { hookCommand } from '../../../src/core/agents/hookSettings';

const HOOK = path.resolve(__dirname, '../../../dist/hook.cjs');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-hostile-')));
const root = path.join(tmp, 'ws');
fs.mkdirSync(path.join(root, 'src'), { recursive: true });
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(
  stdin: string,
  opts: { cli?: 'claude' | 'gemini' | 'codex'; script?: string; env?: Record<string, string> } = {},
): { code: number | null; stderr: string; stdout: string; ms: number } {
  const command = hookCommand(
    {
      node: process.execPath,
      hookScript: opts.script ?? HOOK,
      cli: opts.cli ?? 'claude',
      agent: 'claude',
      workspace: root,
    },
    'pre-tool-use',
  );
  const t0 = Date.now();
  const r = spawnSync('/bin/sh', ['-c', command], {
    input: stdin,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, ...opts.env },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout, ms: Date.now() - t0 };
}

const call = (tool: string, input: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    session_id: 's',
    cwd: root,
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
    ...extra,
  });

function denied(r: ReturnType<typeof run>, what: string): void {
  assert.equal(r.code, 2, `${what}: exit ${r.code}, stderr ${r.stderr.slice(0, 300)}`);
  assert.ok(r.stderr.trim().length > 0, `${what}: a denial says why`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout (Codex runs the tool on exit 2 with stdout only)`);
}

const nest = (open: string, inner: string, close: string, n: number): string =>
  open.repeat(n) + inner + close.repeat(n);
/** `bash -c '…'` around `inner`, properly quoted at every level, until the text is longer than `size`. */
function bashInBash(inner: string, size: number): string {
  let s = inner;
  while (s.length <= size) s = `bash -c '${s.replace(/'/g, `'\\''`)}'`;
  return s;
}

describe('hostile hook inputs: the hook never fails open', () => {
  const malformed: [string, string][] = [
    ['empty input', ''],
    ['not JSON', '{"tool_na'],
    ['JSON null', 'null'],
    ['JSON array', '[1,2]'],
    ['a string', '"Bash"'],
    ['no tool_name', JSON.stringify({ tool_input: { command: 'rm -rf /' } })],
    ['tool_name a number', JSON.stringify({ tool_name: 7, tool_input: {} })],
    ['tool_name an object', JSON.stringify({ tool_name: { x: 1 }, tool_input: {} })],
    ['tool_input a string', call('Bash', 'rm -rf /')],
    ['tool_input an array', call('Write', ['src/a.ts'])],
    ['tool_input null', call('Edit', null)],
    ['command a number', call('Bash', { command: 42 })],
    ['command an object', call('Bash', { command: { toString: 'rm -rf /' } })],
    ['command an array of numbers', call('Bash', { command: [1, 2] })],
    ['file_path a number', call('Write', { file_path: 7, content: 'x' })],
    ['file_path empty', call('Write', { file_path: '', content: 'x' })],
    ['file_path missing', call('Edit', { old_string: 'a', new_string: 'b' })],
    ['cwd a number', call('Write', { file_path: 'src/a.ts', content: 'x' }, { cwd: 5 })],
    ['cwd relative', call('Write', { file_path: 'src/a.ts', content: 'x' }, { cwd: 'src' })],
    ['cwd empty', call('Bash', { command: 'touch x' }, { cwd: '' })],
    ['apply_patch without a patch', call('apply_patch', { command: 7 }, { turn_id: 't' })],
    [
      'apply_patch naming no file',
      call('apply_patch', { command: '*** Begin Patch\n*** End Patch\n' }, { turn_id: 't' }),
    ],
    [
      'gemini shell with a dir_path object',
      JSON.stringify({
        cwd: root,
        hook_event_name: 'BeforeTool',
        tool_name: 'run_shell_command',
        tool_input: { command: 'ls', dir_path: {} },
      }),
    ],
    ['an unknown tool with a non-object input', call('SomeNewTool', 'x')],
    ['invalid UTF-8 and NULs', `{"tool_name":"Bash","tool_input":{"command":"rm -rf \u0000/"},"cwd":"${root}\u0000"}`],
  ];
  for (const [what, stdin] of malformed) {
    it(`denies: ${what}`, () => denied(run(stdin), what));
  }

  it('denies deeply nested constructs (they once overflowed the stack or passed)', () => {
    const cases: [string, string][] = [
      ['$( ) 5,000 deep', nest('$(', 'rm -rf /', ')', 5000)],
      ['"$( )" 5,000 deep', nest('"$(', 'rm -rf /', ')"', 5000)],
      ['subshells 20,000 deep', nest('( ', 'rm -rf /', ' )', 20_000)],
      ['((…)) arithmetic 20,000 deep around a substitution', nest('((', '$(rm -rf /)', '))', 20_000)],
      ['braces 10,000 deep', nest('{ ', 'true; ', '}; ', 10_000)],
      ['backticks nested', nest('`echo \\`', 'rm -rf /', '\\``', 200)],
      ['${ } 10,000 deep', nest('${x:-', 'y', '}', 10_000)],
      ['$(( )) 10,000 deep', nest('$((', '1', '))', 10_000)],
      ['bash -c in bash -c, quoted, until past the size limit', bashInBash('rm -rf /', 300_000)],
      ['bash -c in bash -c, quoted, 6 deep', bashInBash('rm -rf /', 2_000)],
      ['<( ) 5,000 deep', nest('cat <(', 'true', ')', 5000)],
    ];
    for (const [what, command] of cases) {
      const r = run(call('Bash', { command }));
      assert.ok(
        r.code === 2 || (r.code === 0 && r.stdout.includes('"ask"')),
        `${what}: exit ${r.code} ${r.stderr.slice(0, 200)}`,
      );
    }
  });

  it('a huge command is judged or denied, never left running past the budget', () => {
    const pipes = Array.from({ length: 40_000 }, () => 'cat').join(' | ');
    const r = run(call('Bash', { command: pipes }));
    assert.ok(r.code === 0 || r.code === 2, `40,000 pipes: exit ${r.code}`);
    const big = run(call('Bash', { command: `echo ${'a'.repeat(2 * 1024 * 1024)} > src/x` }));
    assert.ok(big.code === 0 || big.code === 2, `2 MiB command: exit ${big.code}`);
  });

  it('a path of 100,000 parts is judged in a small heap (every prefix was once joined: minutes and gigabytes)', () => {
    const locked = spawnSync(
      process.execPath,
      [path.join(path.dirname(HOOK), 'cli.mjs'), '--workspace', root, 'lock', 'acquire', 'deep', '--agent', 'gemini'],
      { encoding: 'utf8' },
    );
    assert.equal(locked.status, 0, locked.stderr);
    const parts = 'a/'.repeat(100_000);
    // 64 MB of heap: the old walk needed gigabytes for a fifth of these parts (and the CLIs' hook timeout passed).
    const env = { NODE_OPTIONS: '--max-old-space-size=64' };
    const free = [
      call('Write', { file_path: path.join(root, `src/${parts}f.ts`), content: 'x' }),
      call('Bash', { command: `echo x > src/${parts}f` }),
    ];
    for (const stdin of free) {
      const r = run(stdin, { env });
      assert.equal(r.code, 0, r.stderr.slice(0, 300));
    }
    for (const stdin of [
      call('Write', { file_path: path.join(root, `deep/${parts}f.ts`), content: 'x' }),
      call('Bash', { command: `echo x > deep/${parts}f` }),
    ]) {
      const r = run(stdin, { env });
      denied(r, 'a deep path under a locked folder');
      assert.match(r.stderr, /deep is locked by gemini/);
    }
  });

  it('a decision past its time budget is a denial', () => {
    const r = run(call('Bash', { command: Array.from({ length: 20_000 }, (_, i) => `echo ${i} > f${i}`).join('; ') }), {
      env: { FMES_HOOK_BUDGET_MS: '1' },
    });
    denied(r, 'budget of 1 ms');
  });

  it('a hook that cannot start (missing script) or dies is a denial, through the command wrapper', () => {
    denied(
      run(call('Write', { file_path: 'src/a.ts', content: 'x' }), { script: path.join(tmp, 'missing.cjs') }),
      'missing script',
    );
    const dies = path.join(tmp, 'dies.cjs');
    fs.writeFileSync(dies, "process.kill(process.pid, 'SIGKILL')");
    denied(run(call('Write', { file_path: 'src/a.ts', content: 'x' }), { script: dies }), 'killed hook');
    const throws = path.join(tmp, 'throws.cjs');
    fs.writeFileSync(throws, "throw new Error('boom')");
    denied(run(call('Write', { file_path: 'src/a.ts', content: 'x' }), { script: throws }), 'throwing hook');
  });

  it('harmless calls stay allowed (the checks can fail)', () => {
    assert.equal(run(call('Write', { file_path: 'src/a.ts', content: 'x' })).code, 0);
    assert.equal(run(call('Bash', { command: 'git status && npm test' })).code, 0);
    assert.equal(run(call('Read', { file_path: '/etc/passwd' })).code, 0);
    assert.equal(
      run(
        JSON.stringify({
          cwd: root,
          hook_event_name: 'BeforeTool',
          tool_name: 'write_file',
          tool_input: { file_path: 'src/b.ts', content: 'x' },
        }),
        { cli: 'gemini' },
      ).code,
      0,
    );
  });
});
