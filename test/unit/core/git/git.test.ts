import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeRepo, type TestRepo } from './gitRepo';
import { git, GitError, repoRoot } from '../../../../src/core/git/git';
import { createLogger, type LogLevel } from '../../../../src/core/log';

describe('git runner', () => {
  let repo: TestRepo;
  before(() => {
    repo = makeRepo();
  });
  after(() => repo.cleanup());

  test('returns stdout and logs the argv', async () => {
    const lines: string[] = [];
    const log = createLogger({ log: (level: LogLevel, c, m) => lines.push(`${level} [${c}] ${m}`) }, 'git');
    const r = await git(repo.root, ['rev-parse', 'HEAD'], { log });
    assert.equal(r.stdout.trim(), repo.head());
    assert.equal(r.exitCode, 0);
    assert.ok(
      lines.some((l) => l.includes('git rev-parse HEAD')),
      lines.join('\n'),
    );
  });

  test('a failure is a GitError keeping exit code, stderr and args', async () => {
    const err = await git(repo.root, ['rev-parse', '--verify', 'no-such-branch']).catch((e: unknown) => e);
    assert.ok(GitError.is(err));
    assert.equal(err.exitCode, 128);
    assert.deepEqual(err.args, ['rev-parse', '--verify', 'no-such-branch']);
    assert.match(err.stderr, /Needed a single revision/);
    assert.equal(err.reason, 'notFound');
  });

  test('okExitCodes turn an answer into a result', async () => {
    const r = await git(repo.root, ['diff', '--quiet'], { okExitCodes: [0, 1] });
    assert.equal(r.exitCode, 0);
    repo.write('a.txt', 'changed\n');
    const r2 = await git(repo.root, ['diff', '--quiet'], { okExitCodes: [0, 1] });
    assert.equal(r2.exitCode, 1);
    repo.git(['checkout', '--', 'a.txt']);
  });

  test('outside a repository: notARepo', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-norepo-'));
    try {
      // GIT_CEILING_DIRECTORIES stops git from finding a repository above the temp dir.
      const err = await git(dir, ['status'], { env: { GIT_CEILING_DIRECTORIES: path.dirname(dir) } }).catch(
        (e: unknown) => e,
      );
      assert.ok(GitError.is(err, 'notARepo'), String(err));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an aborted signal fails the run with a GitError', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await git(repo.root, ['status'], { signal: ac.signal }).catch((e: unknown) => e);
    assert.ok(GitError.is(err, 'failed'), String(err));
  });

  test('input reaches stdin', async () => {
    const r = await git(repo.root, ['hash-object', '--stdin'], { input: 'hello\n' });
    assert.equal(r.stdout.trim(), 'ce013625030ba8dba906f756967f9e9ca394464a');
  });

  test('GIT_DIR leaking from a hook does not redirect git', async () => {
    const other = makeRepo({ 'x.txt': 'x' });
    const expected = repo.head();
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(other.root, '.git');
    try {
      assert.equal((await git(repo.root, ['rev-parse', 'HEAD'])).stdout.trim(), expected);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
      other.cleanup();
    }
  });

  test('repoRoot gives the main worktree even from inside a linked one', async () => {
    repo.git(['worktree', 'add', '-q', '-b', 'side', path.join(repo.root, '.trees', 'side')]);
    repo.write('.trees/side/sub/f.txt', 'x');
    assert.equal(await repoRoot(path.join(repo.root, '.trees', 'side', 'sub')), repo.root);
    assert.equal(await repoRoot(path.join(repo.root, 'src')), repo.root);
  });
});
