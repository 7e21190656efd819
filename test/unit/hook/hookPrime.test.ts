// The built hook's code caches (dist/hook.cjs, `npm test` builds it) hold the common decisions whatever the first
// call after an install was (src/hot/hook/primeCache.ts), and priming them leaves nothing behind. The hook has two
// bodies (src/hot/hook/bin.ts): hookFull.cjs for a shell command, hookMain.cjs (with hookShell.cjs, its shell half,
// loaded when needed) for any other call.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

const DIST = path.resolve(__dirname, '../../../dist');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-hookprime-')));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A copy of the hook's files in a folder of its own: a fresh install, with no code cache yet. */
function install(): string {
  const d = path.join(tmp, `install${n++}`);
  fs.mkdirSync(d);
  for (const f of ['hook.cjs', 'hookMain.cjs', 'hookShell.cjs', 'hookFull.cjs'])
    fs.copyFileSync(path.join(DIST, f), path.join(d, f));
  fs.cpSync(path.join(DIST, 'chunks'), path.join(d, 'chunks'), { recursive: true });
  return d;
}

function workspace(): string {
  const d = path.join(tmp, `ws${n++}`);
  fs.mkdirSync(path.join(d, 'src'), { recursive: true });
  return d;
}

function hook(dir: string, root: string, tool: string, input: Record<string, unknown>, env: Record<string, string>) {
  const stdin = JSON.stringify({ session_id: 's', cwd: root, tool_name: tool, tool_input: input, tool_use_id: 't' });
  return spawnSync(
    process.execPath,
    [path.join(dir, 'hook.cjs'), 'pre-tool-use', '--agent', 'claude', '--workspace', root],
    { input: stdin, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
  );
}

/** The code cache of each of the hook's bundles that has one, in bytes, by bundle name. */
function cacheBytes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of fs.readdirSync(path.join(dir, '.cache')).filter((x) => x.endsWith('.v8')))
    out[f.split('.')[0]] = fs.statSync(path.join(dir, '.cache', f)).size;
  return out;
}

const near = (a: number | undefined, b: number | undefined, what: string) =>
  assert.ok(a !== undefined && b !== undefined && a >= b * 0.95, `${what}: ${a} bytes, against ${b}`);

describe('the hook code cache is primed', () => {
  it('caches written after a Read or a plain `ls` hold as much as after the calls they stand for; no trace is left', () => {
    const root = workspace();
    fs.mkdirSync(path.join(root, '.locks'));
    const tmpA = fs.mkdtempSync(path.join(tmp, 'tmpdir-'));
    const tmpB = fs.mkdtempSync(path.join(tmp, 'tmpdir-'));
    // A: first a Read (hookMain.cjs), then a bare `ls` (hookFull.cjs).
    const a = install();
    const r = hook(a, root, 'Read', { file_path: path.join(root, 'src/a.ts') }, { TMPDIR: tmpA });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout + r.stderr, '');
    assert.equal(hook(a, root, 'Bash', { command: 'ls' }, { TMPDIR: tmpA }).status, 0);
    // B: first the calls themselves: a Write and a shell command with redirections, inline code and a heredoc.
    const b = install();
    assert.equal(
      hook(b, root, 'Write', { file_path: path.join(root, 'src/a.ts'), content: 'x' }, { TMPDIR: tmpB }).status,
      0,
    );
    const heavy = `npm test && git diff > out.txt; python3 -c 'print(1)' | tee log.txt\ncat <<EOF > b.txt\nx\nEOF`;
    assert.equal(hook(b, root, 'Bash', { command: heavy }, { TMPDIR: tmpB }).status, 0);
    // Unprimed, A's caches held a third to a half of B's: what a Read and an `ls` run, nothing else.
    const ca = cacheBytes(a);
    const cb = cacheBytes(b);
    // hookMain.cjs never needed its shell half: a shell command goes to hookFull.cjs.
    assert.deepEqual(Object.keys(ca).sort(), ['hookFull', 'hookMain']);
    for (const k of Object.keys(cb)) near(ca[k], cb[k], `${k} cache of install A`);
    // The scratch workspaces went, and nothing was written into the real one (an allowed call is not audited).
    assert.deepEqual(fs.readdirSync(tmpA), []);
    assert.deepEqual(fs.readdirSync(tmpB), []);
    assert.deepEqual(fs.readdirSync(root).sort(), ['.locks', 'src']);
    // Later calls take the caches as they are and still decide as before.
    const later = hook(a, root, 'Bash', { command: 'rm -rf ~' }, { TMPDIR: tmpA });
    assert.ok(
      later.status === 2 || /"permissionDecision":"(ask|deny)"/.test(later.stdout),
      later.stdout + later.stderr,
    );
    assert.deepEqual(cacheBytes(a), ca);
  });

  it('a shell command bin.ts did not see as one loads the shell half, whose cache is primed for shell commands', () => {
    const root = workspace();
    const dir = install();
    // tool_name past the first 4 KB (a CLI that writes the input first): bin.ts takes it for another call.
    const late = (command: string) =>
      spawnSync(
        process.execPath,
        [path.join(dir, 'hook.cjs'), 'pre-tool-use', '--agent', 'claude', '--workspace', root],
        {
          input: `{"tool_input":{"command":${JSON.stringify(command)},"pad":"${'x'.repeat(5000)}"},"cwd":${JSON.stringify(root)},"tool_name":"Bash"}`,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
        },
      );
    const r = late('ls');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(Object.keys(cacheBytes(dir)).sort(), ['hookMain', 'hookShell']);
    const d = late('rm -rf ~');
    assert.ok(d.status === 2 || /"permissionDecision":"(ask|deny)"/.test(d.stdout), d.stdout + d.stderr);
    // As large as the shell half's cache after the heaviest of the primed commands would be on its own.
    const other = install();
    const heavy = `cat <<EOF > src/held.ts\nexport {};\nEOF\nrm -rf ~ && git push --force; python3 -c 'print(1)'`;
    fs.writeFileSync(path.join(other, 'hookFull.cjs'), 'module.exports = {'); // every call through hookMain.cjs
    const h = hook(other, root, 'Bash', { command: heavy }, {});
    assert.ok(h.status === 2 || /"permissionDecision":"(ask|deny)"/.test(h.stdout), h.stdout + h.stderr);
    near(cacheBytes(dir).hookShell, cacheBytes(other).hookShell, 'the shell half’s cache');
  });

  it('an after-tool audit of a shell command goes to hookMain.cjs: no shell analysis loaded, the audit written', () => {
    const root = workspace();
    const dir = install();
    const post = spawnSync(
      process.execPath,
      [path.join(dir, 'hook.cjs'), 'post-tool-use', '--agent', 'claude', '--workspace', root],
      {
        input: JSON.stringify({
          session_id: 's',
          cwd: root,
          hook_event_name: 'PostToolUse',
          tool_name: 'Bash',
          tool_input: { command: 'npm test > out.txt' },
          tool_response: { stdout: 'ok' },
          tool_use_id: 't',
        }),
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      },
    );
    assert.equal(post.status, 0, post.stderr);
    assert.deepEqual(Object.keys(cacheBytes(dir)), ['hookMain']);
    const audit = fs.readdirSync(path.join(root, '.fmes', 'audit'));
    assert.equal(audit.length, 1);
    assert.match(
      fs.readFileSync(path.join(root, '.fmes', 'audit', audit[0]), 'utf8'),
      /"tool":"Bash".*npm test > out\.txt/,
    );
    // The decision on the same command still goes to hookFull.cjs.
    assert.equal(hook(dir, root, 'Bash', { command: 'npm test > out.txt' }, {}).status, 0);
    assert.deepEqual(Object.keys(cacheBytes(dir)).sort(), ['hookFull', 'hookMain']);
  });

  it('a temp folder that cannot be written costs the priming, not the answer nor the cache', () => {
    const root = workspace();
    const dir = install();
    const r = hook(
      dir,
      root,
      'Write',
      { file_path: path.join(root, 'src/a.ts'), content: 'x' },
      {
        TMPDIR: path.join(tmp, 'no', 'such', 'folder'),
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout + r.stderr, '');
    // The priming failed before it reached a shell command: the main cache is there, the shell half's is not yet.
    assert.deepEqual(
      fs.readdirSync(path.join(dir, '.cache')).map((f) => f.split('.')[0]),
      ['hookMain'],
    );
  });

  it('a Write never loads the shell half; a damaged install denies a shell command, never allows it', () => {
    const root = workspace();
    const dir = install();
    const write = () => hook(dir, root, 'Write', { file_path: path.join(root, 'src/a.ts'), content: 'x' }, {});
    const ls = () => hook(dir, root, 'Bash', { command: 'ls' }, {});
    assert.equal(hook(dir, root, 'Read', { file_path: path.join(root, 'src/a.ts') }, {}).status, 0);
    fs.rmSync(path.join(dir, 'hookShell.cjs'));
    assert.equal(write().status, 0, write().stderr);
    // The shell command goes to hookFull.cjs, which holds its shell half.
    assert.equal(ls().status, 0, ls().stderr);
    // Without hookFull.cjs it falls back to hookMain.cjs, whose shell half is gone: denied.
    fs.rmSync(path.join(dir, 'hookFull.cjs'));
    const b = ls();
    assert.equal(b.status, 2, b.stdout);
    assert.match(b.stderr, /could not check this call/);
    // A shell half that is not what it should be (a truncated file) is no allow either.
    fs.writeFileSync(path.join(dir, 'hookShell.cjs'), 'module.exports = {');
    assert.equal(ls().status, 2);
    // Neither body loads: every call is denied, with what to do.
    fs.writeFileSync(path.join(dir, 'hookMain.cjs'), 'module.exports = {');
    for (const c of [write(), ls()]) {
      assert.equal(c.status, 2, c.stdout);
      assert.match(c.stderr, /could not load its hook .*Reinstall F-MES/);
    }
  });
});
