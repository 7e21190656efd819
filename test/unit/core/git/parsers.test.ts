import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  isUnmerged,
  parseMergeTreeZ,
  parseNameStatusZ,
  parseNulList,
  parseStatusZ,
  parseWorktreeListZ,
} from '../../../../src/core/git/parsers';

// Captured from git 2.39.5.
const WORKTREES =
  'worktree /tmp/gx\0HEAD c88d0cd40d16a033f42f7b266914d6a3dfeac137\0branch refs/heads/main\0\0' +
  'worktree /tmp/gx-det\0HEAD c88d0cd40d16a033f42f7b266914d6a3dfeac137\0detached\0prunable gitdir file points to non-existent location\0\0' +
  'worktree /tmp/gx/.trees/a-x\0HEAD c88d0cd40d16a033f42f7b266914d6a3dfeac137\0branch refs/heads/fmes/x\0locked busy now\0\0';

describe('git output parsers', () => {
  test('worktree list --porcelain -z', () => {
    const list = parseWorktreeListZ(WORKTREES);
    assert.equal(list.length, 3);
    assert.deepEqual(list[0], {
      path: '/tmp/gx',
      head: 'c88d0cd40d16a033f42f7b266914d6a3dfeac137',
      branch: 'refs/heads/main',
      bare: false,
      detached: false,
      locked: false,
      prunable: false,
    });
    assert.equal(list[1].detached, true);
    assert.equal(list[1].prunable, true);
    assert.equal(list[1].branch, undefined);
    assert.equal(list[2].branch, 'refs/heads/fmes/x');
    assert.equal(list[2].locked, true);
    assert.deepEqual(parseWorktreeListZ('worktree /srv/repo.git\0bare\0\0'), [
      { path: '/srv/repo.git', bare: true, detached: false, locked: false, prunable: false },
    ]);
    assert.deepEqual(parseWorktreeListZ(''), []);
  });

  test('status --porcelain=v1 -z, with a rename, spaces and non-ASCII names', () => {
    const out = ' M f\0R  g r.txt\0g\0?? .trees/\0?? unt ü.txt\0UU conflicted.ts\0AA both.ts\0';
    const entries = parseStatusZ(out);
    assert.deepEqual(entries, [
      { x: ' ', y: 'M', path: 'f' },
      { x: 'R', y: ' ', path: 'g r.txt', origPath: 'g' },
      { x: '?', y: '?', path: '.trees/' },
      { x: '?', y: '?', path: 'unt ü.txt' },
      { x: 'U', y: 'U', path: 'conflicted.ts' },
      { x: 'A', y: 'A', path: 'both.ts' },
    ]);
    assert.deepEqual(
      entries.filter(isUnmerged).map((e) => e.path),
      ['conflicted.ts', 'both.ts'],
    );
    assert.deepEqual(parseStatusZ(''), []);
  });

  test('merge-tree --write-tree --name-only -z, with and without messages', () => {
    const tree = 'd25b54137b4595904c43f92d5da2a6802a7ee28c';
    assert.deepEqual(parseMergeTreeZ(`${tree}\0f\0`), { tree, conflicts: ['f'] });
    assert.deepEqual(parseMergeTreeZ(`${tree}\0`), { tree, conflicts: [] });
    // With messages: an empty field separates the paths from "<n>\0<path>\0<type>\0<message>" records.
    const withMessages = `${tree}\0f\0\x001\0f\0Auto-merging\0Auto-merging f\n\x001\0f\0CONFLICT (contents)\0CONFLICT (content): Merge conflict in f\n\0`;
    assert.deepEqual(parseMergeTreeZ(withMessages), { tree, conflicts: ['f'] });
    assert.deepEqual(parseMergeTreeZ(`${tree}\0a\0a\0b c\0`).conflicts, ['a', 'b c']);
  });

  test('diff --name-status -z with renames', () => {
    assert.deepEqual(parseNameStatusZ('R100\0g\0g r.txt\0M\0f\0A\0new\0D\0old\0'), [
      { status: 'R', path: 'g r.txt', origPath: 'g' },
      { status: 'M', path: 'f' },
      { status: 'A', path: 'new' },
      { status: 'D', path: 'old' },
    ]);
    assert.deepEqual(parseNameStatusZ(''), []);
  });

  test('NUL lists', () => {
    assert.deepEqual(parseNulList('a\0b c\0'), ['a', 'b c']);
    assert.deepEqual(parseNulList(''), []);
  });
});
