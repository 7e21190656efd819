import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeRepo, type TestRepo } from './gitRepo';
import { GitError } from '../../../../src/core/git/git';
import { abortMerge, conflictedFiles, mergeBranch, predictMerge } from '../../../../src/core/git/merge';

describe('merge', () => {
  let repo: TestRepo;
  let base: string;
  beforeEach(() => {
    repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n' });
    base = repo.head();
  });
  afterEach(() => repo.cleanup());

  /** A branch from the first commit changing `files`. */
  function branch(name: string, files: Record<string, string>): string {
    repo.git(['branch', name, base]);
    const wt = path.join(repo.root, '.git', `wt-${name.replace(/\//g, '-')}`);
    repo.git(['worktree', 'add', '-q', wt, name]);
    for (const [rel, text] of Object.entries(files)) repo.write(rel, text, { cwd: wt });
    const sha = repo.commit(`change on ${name}`, { cwd: wt });
    repo.git(['worktree', 'remove', '--force', wt]);
    return sha;
  }
  function onMain(files: Record<string, string>): string {
    for (const [rel, text] of Object.entries(files)) repo.write(rel, text);
    return repo.commit('change on main');
  }

  test('predictMerge: clean, with the merged tree, touching nothing', async () => {
    branch('fmes/T1', { 'a.txt': 'one\ntwo\nthree\nfour\n', 'new.txt': 'n\n' });
    const head = onMain({ 'b.txt': 'b on main\n' });
    repo.write('a.txt', 'uncommitted local edit\n');
    const before = repo.status();
    const p = await predictMerge(repo.root, 'fmes/T1');
    assert.equal(p.clean, true);
    assert.deepEqual(p.conflicts, []);
    assert.ok(p.tree);
    assert.equal(repo.git(['show', `${p.tree}:new.txt`]), 'n\n');
    assert.equal(repo.git(['show', `${p.tree}:b.txt`]), 'b on main\n');
    assert.equal(repo.head(), head);
    assert.deepEqual(repo.status(), before);
    assert.ok(!fs.existsSync(path.join(repo.root, '.git', 'MERGE_HEAD')));
  });

  test('predictMerge: conflicting files are named', async () => {
    branch('fmes/T1', { 'a.txt': 'one\nTWO on branch\nthree\n', 'b.txt': 'b on branch\n' });
    onMain({ 'a.txt': 'one\ntwo on main\nthree\n' });
    const p = await predictMerge(repo.root, 'fmes/T1');
    assert.equal(p.clean, false);
    assert.deepEqual(p.conflicts, ['a.txt']);
    assert.deepEqual(repo.status(), []);
    await assert.rejects(predictMerge(repo.root, 'no-such-branch'), (e) => GitError.is(e, 'notFound'));
  });

  test('mergeBranch: clean merge makes a merge commit, keeping unrelated local edits', async () => {
    const tip = branch('fmes/T1', { 'new.txt': 'n\n' });
    const head = onMain({ 'b.txt': 'b on main\n' });
    repo.write('a.txt', 'local edit, unrelated to the merge\n');
    const r = await mergeBranch(repo.root, 'fmes/T1', 'Merge T1 (F-MES)');
    assert.ok(r.merged);
    assert.equal(r.commit, repo.head());
    assert.equal(repo.git(['rev-parse', `${r.commit}^1`, `${r.commit}^2`]).trim(), `${head}\n${tip}`);
    assert.equal(repo.git(['log', '-1', '--format=%s']).trim(), 'Merge T1 (F-MES)');
    assert.equal(repo.read('new.txt'), 'n\n');
    assert.equal(repo.read('a.txt'), 'local edit, unrelated to the merge\n');
  });

  test('mergeBranch: fast-forwardable branches still get a merge commit (--no-ff)', async () => {
    const tip = branch('fmes/T1', { 'new.txt': 'n\n' });
    const r = await mergeBranch(repo.root, 'fmes/T1', 'Merge T1');
    assert.ok(r.merged);
    assert.notEqual(r.commit, tip);
    assert.equal(repo.git(['rev-parse', `${r.commit}^2`]).trim(), tip);
  });

  test('mergeBranch: conflicts are left in progress; conflictedFiles lists them; abortMerge restores', async () => {
    branch('fmes/T1', { 'a.txt': 'one\nTWO on branch\nthree\n', 'c.txt': 'clean\n' });
    const head = onMain({ 'a.txt': 'one\ntwo on main\nthree\n' });
    const r = await mergeBranch(repo.root, 'fmes/T1', 'Merge T1');
    assert.deepEqual(r, { merged: false, conflicts: ['a.txt'] });
    assert.ok(fs.existsSync(path.join(repo.root, '.git', 'MERGE_HEAD')));
    assert.match(repo.read('a.txt'), /^<<<<<<< /m);
    assert.deepEqual(await conflictedFiles(repo.root), ['a.txt']);
    await assert.rejects(mergeBranch(repo.root, 'fmes/T1', 'again'), (e) => GitError.is(e, 'conflict'));

    await abortMerge(repo.root);
    assert.equal(repo.head(), head);
    assert.equal(repo.read('a.txt'), 'one\ntwo on main\nthree\n');
    assert.ok(!repo.exists('c.txt'));
    assert.deepEqual(await conflictedFiles(repo.root), []);
    assert.deepEqual(repo.status(), []);
    await abortMerge(repo.root);
  });

  test('mergeBranch: refuses with dirty when local edits touch files the merge changes', async () => {
    branch('fmes/T1', { 'a.txt': 'one\ntwo\nthree\nfour\n' });
    const head = onMain({ 'b.txt': 'b on main\n' });
    repo.write('a.txt', 'precious local edit\n');
    const err = await mergeBranch(repo.root, 'fmes/T1', 'Merge T1').catch((e: unknown) => e);
    assert.ok(GitError.is(err, 'dirty'), String(err));
    assert.equal(err.exitCode, 2);
    assert.equal(repo.head(), head);
    assert.equal(repo.read('a.txt'), 'precious local edit\n');
    assert.ok(!fs.existsSync(path.join(repo.root, '.git', 'MERGE_HEAD')));
  });

  test('mergeBranch: refuses with dirty when an untracked local file is in the way', async () => {
    branch('fmes/T1', { 'new.txt': 'from branch\n' });
    repo.write('new.txt', 'my own untracked file\n');
    await assert.rejects(mergeBranch(repo.root, 'fmes/T1', 'Merge T1'), (e) => GitError.is(e, 'dirty'));
    assert.equal(repo.read('new.txt'), 'my own untracked file\n');
  });
});
