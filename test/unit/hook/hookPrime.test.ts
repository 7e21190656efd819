// The built hook's code cache (dist/hook.cjs, `npm test` builds it) holds the common decisions whatever the first
// call after an install was (src/hot/hook/primeCache.ts), and priming it leaves nothing behind.
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
  for (const f of ['hook.cjs', 'hookMain.cjs']) fs.copyFileSync(path.join(DIST, f), path.join(d, f));
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

function cacheBytes(dir: string): number {
  const files = fs.readdirSync(path.join(dir, '.cache')).filter((f) => f.endsWith('.v8'));
  assert.equal(files.length, 1, files.join(' '));
  return fs.statSync(path.join(dir, '.cache', files[0])).size;
}

describe('the hook code cache is primed', () => {
  it('a cache written after a Read holds as much as one written after a Bash call; no trace is left', () => {
    const root = workspace();
    const tmpA = fs.mkdtempSync(path.join(tmp, 'tmpdir-'));
    const tmpB = fs.mkdtempSync(path.join(tmp, 'tmpdir-'));
    const afterRead = install();
    const r = hook(afterRead, root, 'Read', { file_path: path.join(root, 'src/a.ts') }, { TMPDIR: tmpA });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout + r.stderr, '');
    const afterBash = install();
    const b = hook(afterBash, root, 'Bash', { command: 'npm test && git diff > out.txt' }, { TMPDIR: tmpB });
    assert.equal(b.status, 0, b.stderr);
    // Unprimed, the cache after a Read held about half of the one after a Bash call (the shell half missing).
    const read = cacheBytes(afterRead);
    const bash = cacheBytes(afterBash);
    assert.ok(read >= bash * 0.95, `cache after a Read: ${read} bytes; after a Bash call: ${bash}`);
    // The scratch workspace went, and nothing was written into the real one (an allowed call is not audited).
    assert.deepEqual(fs.readdirSync(tmpA), []);
    assert.deepEqual(fs.readdirSync(tmpB), []);
    assert.deepEqual(fs.readdirSync(root), ['src']);
    // Later calls take the cache as it is and still decide as before.
    const later = hook(afterRead, root, 'Bash', { command: 'rm -rf ~' }, { TMPDIR: tmpA });
    assert.ok(
      later.status === 2 || /"permissionDecision":"(ask|deny)"/.test(later.stdout),
      later.stdout + later.stderr,
    );
    assert.equal(cacheBytes(afterRead), read);
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
    assert.ok(cacheBytes(dir) > 0);
  });
});
