import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PathMemo } from '../../../../src/hot/locks/pathMemo';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import type { Core } from '../../../../src/core/createCore';
import { makeWorkspace, testCore } from '../../../fixtures/workspace';

/** Waits until the folders' ctimes are old enough for the memo to trust them (it skips fresher folders). */
async function settle(...dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    const c = fs.lstatSync(dir).ctimeMs;
    const wait = c + (c % 1000 === 0 ? 2_200 : 80) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

describe('PathMemo', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let memo: PathMemo;
  beforeEach(async () => {
    ws = makeWorkspace({ 'src/a.ts': 'a', 'src/deep/b.ts': 'b', 'README.md': '#' });
    memo = new PathMemo(new WorkspacePaths(ws.root));
    await settle(path.join(ws.root, 'src'), path.join(ws.root, 'src/deep'));
  });
  afterEach(() => ws.cleanup());

  test('repeated resolutions of a file below a folder come from the memo and match a fresh resolution', () => {
    const fresh = new WorkspacePaths(ws.root);
    for (const p of ['src/a.ts', 'src/deep/b.ts', 'src/new.ts']) {
      const first = memo.resolve(p);
      const hits = memo.hits;
      const again = memo.resolve(p);
      assert.equal(memo.hits, hits + 1, `${p} served from the memo`);
      assert.ok(again.markerFreeBelowRoot);
      assert.deepEqual({ path: again.path, kind: again.kind }, fresh.resolve(p));
      assert.deepEqual({ path: first.path, kind: first.kind }, fresh.resolve(p));
    }
  });

  test('paths at the root, folders and non-normalised inputs are resolved in full every time', () => {
    for (const p of ['README.md', 'src', 'src/deep', './src/a.ts', 'src//a.ts']) {
      memo.resolve(p);
      memo.resolve(p);
    }
    assert.equal(memo.hits, 0);
    assert.equal(memo.resolve('./src/a.ts').path, 'src/a.ts');
  });

  test('a marker dropped into a remembered folder is noticed at once', () => {
    assert.ok(memo.resolve('src/deep/b.ts').markerFreeBelowRoot);
    fs.writeFileSync(path.join(ws.root, 'src/deep/.agent_lock'), 'gemini: busy\n');
    assert.equal(memo.resolve('src/deep/b.ts').markerFreeBelowRoot, false);
    assert.equal(memo.resolve('src/deep/b.ts').markerFreeBelowRoot, false, 'not remembered while the marker is there');
  });

  test('a folder replaced by a symbolic link is resolved again', () => {
    assert.equal(memo.resolve('src/a.ts').path, 'src/a.ts');
    fs.renameSync(path.join(ws.root, 'src'), path.join(ws.root, 'real'));
    fs.symlinkSync('real', path.join(ws.root, 'src'));
    assert.equal(memo.resolve('src/a.ts').path, 'real/a.ts');
  });

  test('a file replaced by a folder is resolved again', () => {
    assert.equal(memo.resolve('src/a.ts').kind, 'file');
    fs.rmSync(path.join(ws.root, 'src/a.ts'));
    fs.mkdirSync(path.join(ws.root, 'src/a.ts'));
    assert.equal(memo.resolve('src/a.ts').kind, 'dir');
  });

  test('a file replaced by a link to another file is resolved again', () => {
    assert.equal(memo.resolve('src/deep/b.ts').path, 'src/deep/b.ts');
    fs.rmSync(path.join(ws.root, 'src/deep/b.ts'));
    fs.symlinkSync('../a.ts', path.join(ws.root, 'src/deep/b.ts'));
    assert.equal(memo.resolve('src/deep/b.ts').path, 'src/a.ts');
  });
});

describe('LockManager over the memo', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  beforeEach(async () => {
    ws = makeWorkspace();
    core = testCore(ws.root);
    await settle(path.join(ws.root, 'src'), path.join(ws.root, 'src/auth'));
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });

  test('a remembered path still sees a new lock on the folder above it', () => {
    for (let i = 0; i < 3; i++) {
      const r = core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' });
      assert.ok(r.ok);
      r.handle.release();
    }
    assert.ok(core.locks.memo.hits >= 2, 'the memo was in use');
    assert.ok(core.locks.tryAcquire('src', { agent: 'gemini' }).ok);
    const r = core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' });
    assert.ok(!r.ok);
    assert.equal(r.holders[0].path, 'src');
  });

  test('a remembered path still sees a marker dropped above it, at the root too', () => {
    const once = core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' });
    assert.ok(once.ok);
    once.handle.release();
    fs.writeFileSync(path.join(ws.root, 'src/.agent_lock'), 'antigravity\n');
    const r = core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' });
    assert.ok(!r.ok);
    assert.equal(r.holders[0].kind, 'marker');
    fs.rmSync(path.join(ws.root, 'src/.agent_lock'));
    fs.writeFileSync(path.join(ws.root, '.agent_lock'), 'antigravity\n');
    const root = core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' });
    assert.ok(!root.ok);
    assert.equal(root.holders[0].path, '.');
  });
});
