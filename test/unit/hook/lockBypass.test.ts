/**
 * The lock-bypass suite: every spelling of a guarded path × every writer × every guarded target (a path another
 * agent holds, and each piece of F-MES's protected state), through the PreToolUse hook. A bypass is a call the
 * hook allows outright (exit 0 with no question). The same writers on a free path must stay allowed, so the suite
 * fails if the hook simply denied everything.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, nullSink } from '../../../src/core/log';
import { LockManager } from '../../../src/hot/locks/lockManager';
import { WorkspacePaths } from '../../../src/hot/paths/workspacePath';
import { runHook, type HookResult } from '../../../src/hot/hook/runHook';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-bypass-')));
const root = path.join(tmp, 'ws');
const alias = path.join(tmp, 'alias');
const home = path.join(tmp, 'home');
let sleeper: ChildProcess | undefined;

function sh(cmd: string): void {
  const r = spawnSync('bash', ['-c', cmd], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
}

before(() => {
  fs.mkdirSync(root);
  fs.mkdirSync(home);
  sh(
    'git init -q . && mkdir -p src/auth src/free docs .claude .gemini .codex .fmes .git/hooks && echo a > src/auth/x.ts && echo a > src/free/y.ts && echo a > a.txt',
  );
  sh(
    'echo {} > .claude/settings.json && echo {} > .gemini/settings.json && echo x > .codex/config.toml && echo {} > .mcp.json && echo {} > .fmes/config.json',
  );
  fs.symlinkSync(root, alias);
  fs.symlinkSync('src/auth', path.join(root, 'lnk')); // relative link to the locked folder
  fs.symlinkSync(path.join(root, 'src/auth'), path.join(root, 'alnk')); // absolute link
  fs.symlinkSync('src/auth/new.ts', path.join(root, 'dangling')); // a dangling link: its target is locked
  fs.symlinkSync('src/auth/x.ts', path.join(root, 'flink')); // a link to the locked file
  fs.symlinkSync('.locks', path.join(root, 'lk'));
  fs.symlinkSync('.fmes', path.join(root, 'fm'));
  fs.symlinkSync('.git/hooks', path.join(root, 'gh'));
  fs.mkdirSync(path.join(root, '.trees/claude-T1/src/auth'), { recursive: true });
  fs.writeFileSync(path.join(root, '.trees/claude-T1/src/auth/x.ts'), 'a');
  fs.symlinkSync(path.join(root, 'src/auth'), path.join(root, '.trees/claude-T1/wlnk')); // absolute link in a worktree
  fs.symlinkSync('src/auth', path.join(root, '.trees/claude-T1/rlnk')); // relative link in a worktree
  const m = new LockManager(new WorkspacePaths(root), createLogger(nullSink));
  assert.ok(m.tryAcquire('src/auth', { agent: 'gemini', intent: 'refactor auth', pid: null }).ok);
  m.dispose?.();
  sleeper = spawn('sleep', ['600'], { cwd: root, stdio: 'ignore' });
});
after(() => {
  sleeper?.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Spellings of one logical path, each with the cwd it is written from. */
function spellings(
  logical: string,
  opts: { viaLinks: Record<string, string> },
): { p: string; cwd: string; label: string }[] {
  const out = [
    { p: logical, cwd: root, label: 'relative' },
    { p: `./${logical}`, cwd: root, label: './' },
    { p: logical.replace('/', '//').replace(/\/([^/]+)$/, '/./$1'), cwd: root, label: '// and /./' },
    { p: `docs/../${logical}`, cwd: root, label: '..' },
    { p: path.join(root, logical), cwd: root, label: 'absolute' },
    { p: path.join(alias, logical), cwd: root, label: 'alias of the root' },
    { p: logical, cwd: alias, label: 'cwd through the alias' },
    { p: `/proc/self/cwd/${logical}`, cwd: root, label: '/proc/self/cwd' },
    { p: `/proc/thread-self/cwd/${logical}`, cwd: root, label: '/proc/thread-self/cwd' },
    { p: `/proc/${sleeper!.pid}/cwd/${logical}`, cwd: '/', label: '/proc/<pid>/cwd' },
    { p: `/proc/self/root${root}/${logical}`, cwd: root, label: '/proc/self/root' },
    { p: `.trees/claude-T1/${logical}`, cwd: root, label: 'worktree' },
    { p: logical, cwd: path.join(root, '.trees/claude-T1'), label: 'in the worktree' },
    { p: `../${logical}`, cwd: path.join(root, 'docs'), label: 'up from docs' },
  ];
  for (const [link, rest] of Object.entries(opts.viaLinks))
    out.push({ p: `${link}${rest ? `/${rest}` : ''}`, cwd: root, label: `symlink ${link}` });
  return out;
}

/** Bash writers of a path P (already shell-quoted). */
const BASH_WRITERS: ((p: string) => string)[] = [
  (p) => `echo x > ${p}`,
  (p) => `echo x >> ${p}`,
  (p) => `: > ${p}`,
  (p) => `printf x | tee ${p}`,
  (p) => `echo x | tee -a ${p} >/dev/null`,
  (p) => `cp a.txt ${p}`,
  (p) => `mv a.txt ${p}`,
  (p) => `install -m 644 a.txt ${p}`,
  (p) => `rsync a.txt ${p}`,
  (p) => `ln -f a.txt ${p}`,
  (p) => `sed -i 's/a/b/' ${p}`,
  (p) => `perl -pi -e 's/a/b/' ${p}`,
  (p) => `touch ${p}`,
  (p) => `rm -f ${p}`,
  (p) => `truncate -s 0 ${p}`,
  (p) => `dd if=a.txt of=${p}`,
  (p) => `chmod 000 ${p}`,
  (p) => `ed -s ${p} <<< $'1d\\nw'`,
  (p) => `vim -es -c '%s/a/b/' -c wq ${p}`,
  (p) => `gzip ${p}`,
  (p) => `sqlite3 ${p} 'create table t(x)'`,
  (p) => `split -l 1 a.txt ${p}`,
  (p) => `sort -o ${p} a.txt`,
  (p) => `cat a.txt > ${p} 2>&1`,
  (p) => `exec 3> ${p}`,
  (p) => `bash -c 'echo x > ${p}'`,
  (p) => `sudo tee ${p} < a.txt`,
  (p) => `env X=1 touch ${p}`,
  (p) => `python3 -c "open('${p}', 'w').write('x')"`,
  (p) => `node -e "require('fs').writeFileSync('${p}', 'x')"`,
  (p) => `some-unknown-tool --out=${p}`,
  (p) => `some-unknown-tool ${p}`,
];

function hook(tool: string, input: Record<string, unknown>, cwd: string, cli = 'claude'): HookResult {
  const event = cli === 'gemini' ? 'BeforeTool' : 'PreToolUse';
  const stdin = JSON.stringify({
    session_id: 's',
    cwd,
    hook_event_name: event,
    tool_name: tool,
    tool_input: input,
    tool_use_id: 't',
    ...(cli === 'codex' ? { turn_id: 'u' } : {}),
  });
  return runHook(['pre-tool-use', '--cli', cli, '--agent', 'claude', '--workspace', root], {
    stdin,
    env: { HOME: home },
    self: '',
  });
}

const allowed = (r: HookResult): boolean => r.exitCode === 0 && !/"permissionDecision":"(ask|deny)"/.test(r.stdout);

/** Every tool-level writer of one spelled path. */
function toolWrites(p: string, cwd: string): { label: string; r: () => HookResult }[] {
  return [
    { label: 'Write', r: () => hook('Write', { file_path: p, content: 'x' }, cwd) },
    { label: 'Edit', r: () => hook('Edit', { file_path: p, old_string: 'a', new_string: 'b' }, cwd) },
    { label: 'MultiEdit', r: () => hook('MultiEdit', { file_path: p, edits: [] }, cwd) },
    { label: 'NotebookEdit', r: () => hook('NotebookEdit', { notebook_path: p, new_source: 'x' }, cwd) },
    { label: 'gemini write_file', r: () => hook('write_file', { file_path: p, content: 'x' }, cwd, 'gemini') },
    {
      label: 'gemini replace',
      r: () => hook('replace', { file_path: p, old_string: 'a', new_string: 'b', instruction: 'i' }, cwd, 'gemini'),
    },
    {
      label: 'codex apply_patch update',
      r: () =>
        hook(
          'apply_patch',
          { command: `*** Begin Patch\n*** Update File: ${p}\n@@\n-a\n+b\n*** End Patch\n` },
          cwd,
          'codex',
        ),
    },
    {
      label: 'codex apply_patch delete',
      r: () =>
        hook('apply_patch', { command: `*** Begin Patch\n*** Delete File: ${p}\n*** End Patch\n` }, cwd, 'codex'),
    },
    {
      label: 'codex apply_patch move',
      r: () =>
        hook(
          'apply_patch',
          { command: `*** Begin Patch\n*** Update File: a.txt\n*** Move to: ${p}\n@@\n-a\n+b\n*** End Patch\n` },
          cwd,
          'codex',
        ),
    },
    { label: 'mcp write tool', r: () => hook('mcp__filesystem__write_file', { path: p, content: 'x' }, cwd) },
    ...BASH_WRITERS.map((w, i) => ({
      label: `Bash #${i}: ${w('P')}`,
      r: () => hook('Bash', { command: w(quote(p)) }, cwd),
    })),
    ...BASH_WRITERS.slice(0, 6).map((w, i) => ({
      label: `gemini shell #${i}`,
      r: () => hook('run_shell_command', { command: w(quote(p)) }, cwd, 'gemini'),
    })),
    ...BASH_WRITERS.slice(0, 6).map((w, i) => ({
      label: `codex Bash #${i}`,
      r: () => hook('Bash', { command: w(quote(p)) }, cwd, 'codex'),
    })),
  ];
}

function quote(p: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** Groups failures by writer, with a count and one example each: readable when something regresses. */
function summary(examples: readonly string[]): string {
  const by = new Map<string, { n: number; first: string }>();
  for (const e of examples) {
    const k = e.slice(e.lastIndexOf(' via ') + 5);
    const g = by.get(k) ?? { n: 0, first: e };
    g.n++;
    by.set(k, g);
  }
  return [...by].map(([k, g]) => `${g.n} × ${k} (e.g. ${g.first})`).join('\n');
}

function bypasses(targets: { logical: string; viaLinks: Record<string, string> }[]): {
  count: number;
  total: number;
  examples: string[];
} {
  const examples: string[] = [];
  let total = 0;
  for (const t of targets) {
    for (const s of spellings(t.logical, { viaLinks: t.viaLinks })) {
      for (const w of toolWrites(s.p, s.cwd)) {
        total++;
        const r = w.r();
        if (allowed(r)) examples.push(`${t.logical} as ${s.label} (${s.p}, cwd ${s.cwd}) via ${w.label}`);
      }
    }
  }
  return { count: examples.length, total, examples };
}

describe('lock bypass suite', () => {
  it('a path another agent holds: no spelling and no writer gets through', () => {
    const r = bypasses([
      {
        logical: 'src/auth/x.ts',
        viaLinks: {
          lnk: 'x.ts',
          alnk: 'x.ts',
          flink: '',
          '.trees/claude-T1/wlnk': 'x.ts',
          '.trees/claude-T1/rlnk': 'x.ts',
        },
      },
      { logical: 'src/auth/new.ts', viaLinks: { dangling: '' } },
    ]);
    console.log(`locked path: ${r.total} calls, ${r.count} bypasses`);
    assert.equal(r.count, 0, summary(r.examples));
  });

  it("F-MES's protected state: no spelling and no writer gets through", () => {
    const r = bypasses([
      { logical: '.locks/src%2Fauth.lock', viaLinks: { lk: 'src%2Fauth.lock' } },
      { logical: '.fmes/config.json', viaLinks: { fm: 'config.json' } },
      { logical: '.claude/settings.json', viaLinks: {} },
      { logical: '.gemini/settings.json', viaLinks: {} },
      { logical: '.codex/config.toml', viaLinks: {} },
      { logical: '.mcp.json', viaLinks: {} },
      { logical: '.git/hooks/pre-commit', viaLinks: { gh: 'pre-commit' } },
      { logical: '.git/config', viaLinks: {} },
    ]);
    console.log(`protected state: ${r.total} calls, ${r.count} bypasses`);
    assert.equal(r.count, 0, summary(r.examples));
  });

  it('moving or deleting a folder above a guarded path is writing it', () => {
    for (const cmd of [
      'rm -rf src',
      'mv src src2',
      'rm -rf .claude',
      'mv .git .git2',
      'rm -r lnk/',
      'chmod -R 000 src',
      'mv .fmes /tmp/x',
    ]) {
      assert.ok(!allowed(hook('Bash', { command: cmd }, root)), cmd);
    }
  });

  it('creating a symlink to a guarded path is refused in the same command', () => {
    for (const cmd of [
      'ln -s .locks l2 && rm l2/x.lock',
      'ln -s src/auth l3; echo x > l3/x.ts',
      'ln -sf ../.fmes docs/f',
      'cp -s src/auth/x.ts docs/',
    ]) {
      assert.ok(!allowed(hook('Bash', { command: cmd }, root)), cmd);
    }
  });

  it("the agent CLIs' user settings (hooks for every later session) are guarded too", () => {
    fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
    for (const p of ['~/.claude/settings.json', `${home}/.gemini/settings.json`, '~/.codex/config.toml']) {
      assert.ok(!allowed(hook('Bash', { command: `echo '{"disableAllHooks":true}' > ${p}` }, root)), p);
      if (!p.startsWith('~')) assert.ok(!allowed(hook('Write', { file_path: p, content: '{}' }, root)), p);
    }
  });

  it('the same writers on a free path are allowed (the suite can fail)', () => {
    const stopped: string[] = [];
    for (const s of spellings('src/free/y.ts', { viaLinks: {} })) {
      for (const w of toolWrites(s.p, s.cwd)) {
        // Inline interpreter code that writes asks whatever the path (it is read, not run), and so does vim's
        // `-c` (an ex command can write any file).
        if (/python3 -c|node -e|vim -es|unknown-tool --out|mcp write/.test(w.label)) continue;
        const r = w.r();
        if (!allowed(r)) stopped.push(`${s.label}: ${(r.stderr || r.stdout).slice(0, 160)} via ${w.label}`);
      }
    }
    // /proc/self spellings of a free path are fine, but a few writers may ask for reasons of their own; none may.
    assert.equal(stopped.length, 0, summary(stopped));
  });
});
