import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeRepo, type TestRepo } from './gitRepo';
import { GitError } from '../../../../src/core/git/git';
import { rollback, takeSnapshot } from '../../../../src/core/git/snapshot';
import { Worktrees } from '../../../../src/core/git/worktrees';

describe('snapshot and rollback', () => {
  let repo: TestRepo;
  beforeEach(() => {
    repo = makeRepo({
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'src/c.ts': 'c\n',
      'keep.txt': 'k\n',
      '.gitignore': 'build/\n.env\n*.log\n',
    });
  });
  afterEach(() => repo.cleanup());

  const indexBytes = () => fs.readFileSync(path.join(repo.root, '.git', 'index'));

  test('takeSnapshot touches neither the index, the files, HEAD nor the stash', async () => {
    repo.write('a.txt', 'staged\n');
    repo.git(['add', 'a.txt']);
    repo.write('a.txt', 'staged, then edited again\n');
    repo.write('untracked.txt', 'u\n');
    repo.write('build/out.bin', 'ignored\n');
    const head = repo.head();
    const status = repo.status({ ignored: true });
    const cached = repo.git(['diff', '--cached']);
    const index = indexBytes();

    const snap = await takeSnapshot(path.join(repo.root, 'src'), 'run-1');
    assert.match(snap.ref, /^refs\/fmes\/snapshots\/run-1\/\d{8}T\d{9}Z$/);
    assert.equal(snap.head, head);
    assert.equal(repo.git(['rev-parse', snap.ref]).trim(), snap.commit);
    assert.equal(repo.git(['rev-parse', `${snap.commit}^`]).trim(), head);
    assert.ok(!Number.isNaN(Date.parse(snap.createdAt)));
    assert.equal(repo.git(['show', `${snap.ref}:a.txt`]), 'staged, then edited again\n');
    assert.equal(repo.git(['show', `${snap.ref}:untracked.txt`]), 'u\n');
    assert.equal(
      repo.git(['ls-tree', '-r', '--name-only', snap.ref]).includes('build/'),
      false,
      'ignored files are not copied',
    );

    assert.equal(repo.head(), head);
    assert.deepEqual(repo.status({ ignored: true }), status);
    assert.equal(repo.git(['diff', '--cached']), cached);
    assert.ok(indexBytes().equals(index), 'the index file is byte-for-byte unchanged');
    assert.equal(repo.git(['stash', 'list']), '');
    assert.deepEqual(
      fs.readdirSync(path.join(repo.root, '.git')).filter((n) => n.startsWith('fmes-index')),
      [],
    );

    const second = await takeSnapshot(repo.root, 'run-1');
    assert.notEqual(second.ref, snap.ref, 'two snapshots never share a ref');
    await assert.rejects(takeSnapshot(repo.root, 'bad label'), (e) => GitError.is(e));
  });

  test('rollback restores the files, keeps the run’s commits and moves its new files aside', async () => {
    // Before the run: an uncommitted edit, untracked and ignored files.
    repo.write('a.txt', 'a, edited before the run\n');
    repo.write('notes.txt', 'untracked before the run\n');
    repo.write('.env', 'SECRET=1\n');
    repo.write('build/cache.bin', 'ignored before the run\n');
    const head = repo.head();
    const statusBefore = repo.status();
    const snap = await takeSnapshot(repo.root, 'T7');

    // The run: edits, deletes, creates, commits, and touches ignored files.
    repo.write('a.txt', 'a, rewritten by the run\n');
    repo.write('src/c.ts', 'c, committed by the run\n');
    repo.write('committed-new.txt', 'new and committed\n');
    const runCommit = repo.commit('run commit');
    fs.rmSync(path.join(repo.root, 'b.txt'));
    fs.rmSync(path.join(repo.root, 'notes.txt'));
    repo.write('new.txt', 'created by the run\n');
    repo.write('deep/er/new.ts', 'created by the run\n');
    repo.write('staged-new.txt', 'staged by the run\n');
    repo.git(['add', 'staged-new.txt']);
    repo.write('build/run-output.bin', 'ignored, created by the run\n');
    repo.write('.env', 'SECRET=changed by the run\n');

    const r = await rollback(repo.root, { ref: snap.ref });

    assert.equal(repo.head(), head, 'the branch is back at the snapshot’s HEAD');
    assert.equal(repo.git(['rev-parse', r.keptCommitsRef!]).trim(), runCommit);
    assert.match(r.keptCommitsRef!, /^refs\/fmes\/rolledback\/T7\//);
    assert.equal(
      repo.git(['show', `${r.stateRef!}:deep/er/new.ts`]),
      'created by the run\n',
      'the state before the rollback is kept too',
    );

    assert.equal(repo.read('a.txt'), 'a, edited before the run\n');
    assert.equal(repo.read('b.txt'), 'b\n');
    assert.equal(repo.read('src/c.ts'), 'c\n');
    assert.equal(repo.read('notes.txt'), 'untracked before the run\n');
    assert.equal(repo.read('keep.txt'), 'k\n');
    assert.deepEqual(r.restored, ['a.txt', 'b.txt', 'notes.txt', 'src/c.ts']);

    assert.deepEqual(r.movedAside, ['committed-new.txt', 'deep/er/new.ts', 'new.txt', 'staged-new.txt']);
    assert.match(r.trash!, /^\.fmes\/trash\/\d{8}T\d{9}Z$/);
    for (const rel of r.movedAside) {
      assert.ok(!repo.exists(rel), `${rel} was moved away`);
      assert.ok(repo.exists(path.join(r.trash!, rel)), `${rel} is in the trash`);
    }
    assert.equal(repo.read(path.join(r.trash!, 'new.txt')), 'created by the run\n');

    // Ignored files are never touched, whoever made them.
    assert.equal(repo.read('build/cache.bin'), 'ignored before the run\n');
    assert.equal(repo.read('build/run-output.bin'), 'ignored, created by the run\n');
    assert.equal(repo.read('.env'), 'SECRET=changed by the run\n');

    assert.equal(repo.git(['diff', '--cached']), '', 'the index matches HEAD');
    assert.deepEqual(repo.status(), statusBefore, 'git status is as before the run (the trash is excluded)');
  });

  test('rollback of a run that only edited files: no kept commits, a no-op second time', async () => {
    const snap = await takeSnapshot(repo.root, 'T8');
    repo.write('a.txt', 'changed\n');
    repo.write('*.txt', 'a file named like a pattern\n');
    const r = await rollback(repo.root, snap);
    assert.equal(r.keptCommitsRef, undefined);
    assert.deepEqual(r.restored, ['a.txt']);
    assert.deepEqual(r.movedAside, ['*.txt']);
    assert.equal(repo.read('a.txt'), 'a\n');
    assert.equal(repo.read('b.txt'), 'b\n');
    assert.deepEqual(repo.status(), []);

    const again = await rollback(repo.root, snap);
    assert.deepEqual(again, { restored: [], movedAside: [] });
  });

  test('a file the run replaced by a folder comes back, the folder’s files go to the trash', async () => {
    const snap = await takeSnapshot(repo.root, 'T9');
    fs.rmSync(path.join(repo.root, 'b.txt'));
    repo.write('b.txt/inner.txt', 'x\n');
    const r = await rollback(repo.root, snap);
    assert.deepEqual(r.movedAside, ['b.txt/inner.txt']);
    assert.equal(repo.read('b.txt'), 'b\n');
  });

  test('snapshot and rollback inside a linked worktree stay in that worktree', async () => {
    const wts = new Worktrees({ root: repo.root });
    const wt = await wts.create({ agent: 'claude', task: 'T1' });
    const snap = await takeSnapshot(wt.path, 'T1');
    repo.write('a.txt', 'agent edit\n', { cwd: wt.path });
    repo.write('agent-new.txt', 'n\n', { cwd: wt.path });
    const r = await rollback(wt.path, snap);
    assert.equal(repo.read('a.txt', { cwd: wt.path }), 'a\n');
    assert.ok(repo.exists(path.join(r.trash!, 'agent-new.txt'), { cwd: wt.path }));
    assert.deepEqual(repo.status({ cwd: wt.path }), []);
    assert.deepEqual(repo.status(), []);
  });

  test('rollback of an unknown ref fails with notFound and changes nothing', async () => {
    repo.write('a.txt', 'mine\n');
    await assert.rejects(rollback(repo.root, { ref: 'refs/fmes/snapshots/x/nope' }), (e) => GitError.is(e, 'notFound'));
    assert.equal(repo.read('a.txt'), 'mine\n');
  });
});
