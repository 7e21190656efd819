import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeRepo, type TestRepo } from './gitRepo';
import { GitError } from '../../../../src/core/git/git';
import { mergeBranch } from '../../../../src/core/git/merge';
import { Worktrees } from '../../../../src/core/git/worktrees';

describe('Worktrees', () => {
  let repo: TestRepo;
  let wts: Worktrees;
  beforeEach(() => {
    repo = makeRepo({
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'src/c.ts': 'export const c = 1;\n',
      '.gitignore': 'node_modules/\ndist/\n',
    });
    repo.write('node_modules/pkg/index.js', 'module.exports = 1;\n');
    wts = new Worktrees({ root: repo.root });
  });
  afterEach(() => repo.cleanup());

  test('create puts the task on fmes/<task> under .trees/, hidden from the main checkout', async () => {
    const head = repo.head();
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    assert.equal(wt.relPath, '.trees/claude-T1');
    assert.equal(wt.path, path.join(repo.root, '.trees', 'claude-T1'));
    assert.equal(wt.branch, 'fmes/T1');
    assert.equal(wt.baseCommit, head);
    assert.equal(wt.agent, 'claude');
    assert.equal(repo.git(['rev-parse', 'HEAD'], { cwd: wt.path }).trim(), head);
    assert.equal(repo.read('a.txt', { cwd: wt.path }), 'a\n');
    assert.deepEqual(repo.status(), [], 'the main checkout shows no untracked .trees/');
    assert.match(fs.readFileSync(path.join(repo.root, '.git', 'info', 'exclude'), 'utf8'), /^\/\.trees\/$/m);
  });

  test('create reuses the task’s worktree, keeping its work and its base', async () => {
    const first = await wts.create({ agent: 'claude', task: 'T1' });
    repo.write('work.txt', 'in progress\n', { cwd: first.path });
    repo.write('main-moves.txt', 'x');
    repo.commit('main moves on');
    const again = await wts.create({ agent: 'gemini', task: 'T1' });
    assert.deepEqual(again, first);
    assert.equal(repo.read('work.txt', { cwd: again.path }), 'in progress\n');
  });

  test('create from an explicit base; invalid names are refused', async () => {
    const base = repo.head();
    repo.write('later.txt', 'x');
    repo.commit('later');
    const wt = await wts.create({ agent: 'codex', task: 'old', base });
    assert.equal(wt.baseCommit, base);
    assert.ok(!repo.exists('later.txt', { cwd: wt.path }));
    await assert.rejects(wts.create({ agent: 'codex', task: '../escape' }), (e) => GitError.is(e));
    await assert.rejects(wts.create({ agent: 'a b', task: 't' }), (e) => GitError.is(e));
    await assert.rejects(wts.create({ agent: 'codex', task: 'x', base: 'no-such-rev' }), (e) =>
      GitError.is(e, 'notFound'),
    );
  });

  test('list and find return only F-MES worktrees', async () => {
    await wts.create({ agent: 'claude', task: 'T1' });
    await wts.create({ agent: 'gemini-pro', task: 'T2' });
    repo.git([
      'worktree',
      'add',
      '-q',
      '-b',
      'feature',
      path.join(repo.root, '..', `${path.basename(repo.root)}-feature`),
    ]);
    try {
      const list = await wts.list();
      assert.deepEqual(list.map((w) => [w.task, w.agent, w.relPath, w.branch]).sort(), [
        ['T1', 'claude', '.trees/claude-T1', 'fmes/T1'],
        ['T2', 'gemini-pro', '.trees/gemini-pro-T2', 'fmes/T2'],
      ]);
      assert.equal((await wts.find('T2'))?.agent, 'gemini-pro');
      assert.equal(await wts.find('nope'), undefined);
    } finally {
      repo.git(['worktree', 'remove', '--force', path.join(repo.root, '..', `${path.basename(repo.root)}-feature`)]);
    }
  });

  test('node_modules is linked from the main checkout, not copied, and is no change', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    const link = path.join(wt.path, 'node_modules');
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.realpathSync(link), path.join(repo.root, 'node_modules'));
    assert.equal(repo.read('node_modules/pkg/index.js', { cwd: wt.path }), 'module.exports = 1;\n');
    assert.deepEqual(repo.status({ cwd: wt.path }), []);
    assert.deepEqual(await wts.changedFiles('T1'), []);
    assert.equal(await wts.commitAll('T1', 'nothing'), undefined);
    assert.equal(await wts.isMerged('T1'), true);
    assert.deepEqual(repo.status(), []);
  });

  test('changedFiles sees committed, staged, unstaged, untracked and renamed files; commitAll commits them', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    const cwd = wt.path;
    repo.write('committed.txt', 'c\n', { cwd });
    repo.commit('agent commit', { cwd });
    repo.write('a.txt', 'a changed\n', { cwd });
    repo.write('staged.txt', 's\n', { cwd });
    repo.git(['add', 'staged.txt'], { cwd });
    repo.write('dir/untracked ü.txt', 'u\n', { cwd });
    repo.git(['mv', 'src/c.ts', 'src/renamed.ts'], { cwd });
    repo.git(['rm', '-q', 'b.txt'], { cwd });
    repo.write('dist/build.js', 'ignored\n', { cwd });
    // The main checkout moving on must not show up as the task's changes.
    repo.write('main-only.txt', 'm\n');
    repo.commit('main moves on');

    const expected = [
      'a.txt',
      'b.txt',
      'committed.txt',
      'dir/untracked ü.txt',
      'src/c.ts',
      'src/renamed.ts',
      'staged.txt',
    ];
    assert.deepEqual(await wts.changedFiles('T1'), expected);
    const stat = await wts.diffStat('T1');
    assertIncludes(stat, ['a.txt', 'committed.txt', 'untracked ü.txt', 'renamed.ts', 'files changed']);

    const sha = await wts.commitAll('T1', 'F-MES: T1 done', { name: 'Claude', email: 'claude@agents' });
    assert.ok(sha && /^[0-9a-f]{40}$/.test(sha));
    assert.equal(
      repo.git(['log', '-1', '--format=%an <%ae>|%s', sha], { cwd }).trim(),
      'Claude <claude@agents>|F-MES: T1 done',
    );
    assert.deepEqual(repo.status({ cwd }), []);
    assert.ok(!repo.git(['ls-files'], { cwd }).includes('dist/build.js'), 'ignored files are not committed');
    assert.ok(!repo.git(['ls-files'], { cwd }).includes('node_modules'), 'the link is not committed');
    assert.deepEqual(await wts.changedFiles('T1'), expected);
    assert.equal(await wts.commitAll('T1', 'again'), undefined);
  });

  test('remove refuses commits that are not in HEAD, and leaves everything in place', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    repo.write('feature.txt', 'f\n', { cwd: wt.path });
    await wts.commitAll('T1', 'feature');
    assert.equal(await wts.isMerged('T1'), false);
    const err = await wts.remove('T1').catch((e: unknown) => e);
    assert.ok(GitError.is(err, 'unmerged'), String(err));
    assert.equal(repo.read('feature.txt', { cwd: wt.path }), 'f\n');
    assert.ok(await wts.find('T1'));
  });

  test('remove refuses uncommitted and untracked work, even when the branch itself is merged', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    repo.write('scratch.txt', 'unsaved\n', { cwd: wt.path });
    assert.equal(await wts.isMerged('T1'), false);
    await assert.rejects(wts.remove('T1'), (e) => GitError.is(e, 'unmerged'));
    assert.equal(repo.read('scratch.txt', { cwd: wt.path }), 'unsaved\n');
    assert.ok(
      fs.lstatSync(path.join(wt.path, 'node_modules')).isSymbolicLink(),
      'the link is still there after a refusal',
    );
    fs.rmSync(path.join(wt.path, 'scratch.txt'));
    repo.write('a.txt', 'edited\n', { cwd: wt.path });
    await assert.rejects(wts.remove('T1'), (e) => GitError.is(e, 'unmerged'));
  });

  test('remove with discard keeps everything under refs/fmes/discarded/<task>/…', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    repo.write('committed.txt', 'c\n', { cwd: wt.path });
    const committed = await wts.commitAll('T1', 'committed');
    repo.write('a.txt', 'uncommitted edit\n', { cwd: wt.path });
    repo.write('new/untracked.txt', 'untracked\n', { cwd: wt.path });

    const { backupRef } = await wts.remove('T1', { discard: true });
    assert.ok(backupRef?.startsWith('refs/fmes/discarded/T1/'), backupRef);
    assert.equal(repo.git(['show', `${backupRef}:new/untracked.txt`]), 'untracked\n');
    assert.equal(repo.git(['show', `${backupRef}:a.txt`]), 'uncommitted edit\n');
    assert.equal(repo.git(['show', `${backupRef}:committed.txt`]), 'c\n');
    assert.equal(repo.git(['rev-parse', `${backupRef}^`]).trim(), committed);
    assert.ok(!fs.existsSync(wt.path));
    assert.equal(await wts.find('T1'), undefined);
    assert.equal(repo.git(['branch', '--list', 'fmes/T1']).trim(), '');
    assert.equal(
      repo.read('node_modules/pkg/index.js'),
      'module.exports = 1;\n',
      'the linked folder in the main checkout survives',
    );
    assert.deepEqual(repo.status(), []);
  });

  test('discard with only unmerged commits backs up the branch tip itself', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    repo.write('x.txt', 'x\n', { cwd: wt.path });
    const tip = await wts.commitAll('T1', 'x');
    const { backupRef } = await wts.remove('T1', { discard: true });
    assert.equal(repo.git(['rev-parse', backupRef!]).trim(), tip);
  });

  test('isMerged after a merge; then remove needs no discard and keeps nothing', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    repo.write('feature.txt', 'f\n', { cwd: wt.path });
    repo.write('dist/out.js', 'build output\n', { cwd: wt.path });
    await wts.commitAll('T1', 'feature');
    const r = await mergeBranch(repo.root, 'fmes/T1', 'Merge T1');
    assert.ok(r.merged);
    assert.equal(await wts.isMerged('T1'), true);
    assert.deepEqual(await wts.remove('T1'), {});
    assert.ok(!fs.existsSync(wt.path));
    assert.equal(repo.git(['branch', '--list', 'fmes/T1']).trim(), '');
    assert.equal(repo.read('feature.txt'), 'f\n');
    assert.equal(repo.read('node_modules/pkg/index.js'), 'module.exports = 1;\n');
    await assert.rejects(wts.remove('T1'), (e) => GitError.is(e, 'notFound'));
  });

  test('a worktree folder deleted by hand is recreated on its branch', async () => {
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    repo.write('kept.txt', 'k\n', { cwd: wt.path });
    await wts.commitAll('T1', 'kept');
    fs.rmSync(wt.path, { recursive: true, force: true });
    const again = await wts.create({ agent: 'claude', task: 'T1' });
    assert.equal(repo.read('kept.txt', { cwd: again.path }), 'k\n');
  });
});

function assertIncludes(text: string, parts: readonly string[]): void {
  for (const p of parts) assert.ok(text.includes(p), `${p} missing from:\n${text}`);
}

describe('Worktrees under concurrency', () => {
  test('two creates of the same task at once give one worktree', async () => {
    const repo = makeRepo();
    try {
      const wts = new Worktrees({ root: repo.root });
      const [a, b] = await Promise.all([
        wts.create({ agent: 'claude', task: 'T1' }),
        wts.create({ agent: 'claude', task: 'T1' }),
      ]);
      assert.equal(a.path, b.path);
      assert.equal((await wts.list()).length, 1);
    } finally {
      repo.cleanup();
    }
  });
});
