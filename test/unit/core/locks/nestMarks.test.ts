// Marks of nested locks (src/hot/locks/nestMarks.ts): what they spare (reading .locks/ for a lock on a path
// never locked inside) must never cost exclusion: a lock on a folder or a missing path still conflicts with
// every lock inside it, including when the two are taken at the same moment by two processes on fresh marks.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { createLogger, nullSink } from '../../../../src/core/log';
import { LockManager } from '../../../../src/hot/locks/lockManager';
import { NestMarks } from '../../../../src/hot/locks/nestMarks';
import { lockFileName } from '../../../../src/hot/locks/lockName';
import { WorkspacePaths, type WorkspacePath } from '../../../../src/hot/paths/workspacePath';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-nest-')));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const workspace = () => {
  const root = path.join(tmp, `ws${n++}`);
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  return root;
};
const manager = (root: string) => new LockManager(new WorkspacePaths(root), createLogger(nullSink));
const wp = (p: string) => p as WorkspacePath;

describe('nest marks', () => {
  test('a lock makes the marks of the folders above it, and only those', () => {
    const root = workspace();
    const m = manager(root);
    const r = m.tryAcquire('nx/sub/f.txt', { agent: 'claude' });
    assert.ok(r.ok);
    const marks = new NestMarks(path.join(root, '.locks'));
    assert.equal(marks.mayHaveInside(wp('nx')), true);
    assert.equal(marks.mayHaveInside(wp('nx/sub')), true);
    assert.equal(marks.mayHaveInside(wp('nx/sub/f.txt')), false);
    assert.equal(marks.mayHaveInside(wp('src')), false);
    assert.equal(marks.mayHaveInside(wp('.')), true);
    assert.deepEqual(
      fs.readdirSync(path.join(root, '.locks', '.nest')).sort(),
      [lockFileName('nx'), lockFileName('nx/sub')].sort(),
    );
    r.handle.release();
    m.dispose();
  });

  test('a lock on a missing path or a folder still conflicts with locks inside it, marked or not yet', () => {
    const root = workspace();
    const a = manager(root);
    const b = manager(root);
    const inner = a.tryAcquire('nx/sub/f.txt', { agent: 'claude' });
    assert.ok(inner.ok);
    for (const p of ['nx', 'nx/sub']) {
      const outer = b.tryAcquire(p, { agent: 'gemini' });
      assert.ok(!outer.ok, p);
      assert.equal(outer.holders[0]?.path, 'nx/sub/f.txt');
    }
    inner.handle.release();
    // No mark for src/new.ts (nothing was ever locked inside it): the lock is taken without reading .locks/.
    const fresh = b.tryAcquire('src/new.ts', { agent: 'gemini' });
    assert.ok(fresh.ok);
    // And a lock inside it, taken later, sees it from below.
    const below = a.tryAcquire('src/new.ts/x', { agent: 'claude' });
    assert.ok(!below.ok);
    fresh.handle.release();
    a.dispose();
    b.dispose();
  });

  test('fails closed: marks that cannot be made refuse the lock; an unreadable mark means reading .locks/', () => {
    const root = workspace();
    const m = manager(root);
    fs.mkdirSync(path.join(root, '.locks'), { recursive: true });
    // A lock file inside `nx` written by something that made no mark (an older F-MES, a hand).
    const other = manager(root).tryAcquire('nx/f.txt', { agent: 'claude', pid: null });
    assert.ok(other.ok);
    fs.rmSync(path.join(root, '.locks', '.nest'), { recursive: true });
    fs.writeFileSync(path.join(root, '.locks', '.nest'), 'not a folder');
    assert.throws(() => m.tryAcquire('nx/g.txt', { agent: 'gemini' }), /ENOTDIR|EEXIST/);
    const outer = m.tryAcquire('nx', { agent: 'gemini' });
    assert.ok(!outer.ok, 'with .nest unreadable the check reads .locks/ and finds nx/f.txt');
    m.dispose();
  });

  test('two processes racing a folder lock and a lock inside it, on fresh marks each round: never both', async () => {
    const worker = path.join(tmp, 'worker.cjs');
    const src = path.join(tmp, 'worker.ts');
    fs.writeFileSync(
      src,
      `import { LockManager } from ${JSON.stringify(path.resolve(__dirname, '../../../../src/hot/locks/lockManager'))};
import { WorkspacePaths } from ${JSON.stringify(path.resolve(__dirname, '../../../../src/hot/paths/workspacePath'))};
const [root, p, at] = process.argv.slice(2);
const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child() { return log; } };
const m = new LockManager(new WorkspacePaths(root!), log as never);
m.tryAcquire('warm/up', { agent: 'w' + p!.length }).ok; // compile the path before the start line
while (Date.now() < Number(at)) {}
const r = m.tryAcquire(p!, { agent: 'w' + p!.length });
process.stdout.write(r.ok ? 'ok' : 'held');
setTimeout(() => process.exit(0), 150); // hold past the other's check
`,
    );
    buildSync({
      entryPoints: [src],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: worker,
      logLevel: 'error',
    });
    const run = (root: string, p: string, at: number) =>
      new Promise<string>((resolve, reject) => {
        const c = spawn(process.execPath, [worker, root, p, String(at)]);
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.on('error', reject);
        c.on('exit', () => resolve(out));
      });
    let bothHeld = 0;
    for (let round = 0; round < 12; round++) {
      const root = workspace();
      const at = Date.now() + 400;
      const [outer, inner] = await Promise.all([run(root, 'nx', at), run(root, 'nx/sub/f.txt', at)]);
      assert.ok(!(outer === 'ok' && inner === 'ok'), `round ${round}: both took their lock`);
      if (outer === 'held' && inner === 'held') bothHeld++;
      assert.ok(
        [outer, inner].every((o) => o === 'ok' || o === 'held'),
        `${outer} ${inner}`,
      );
    }
    assert.ok(bothHeld < 12, 'someone should get a lock at least once');
  });
});
