import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { walkIgnored } from '../../../src/core/verify/ignoredFiles';
import { worktreeChanges, worktreeState } from '../../../src/core/verify/worktreeGuard';
import { makeRepo, type TestRepo } from '../core/git/gitRepo';
import { type FakeStep, harness } from './missionHarness';

// A read-only reader (reviewer, auditor, planner) that writes a git-ignored file (`.env`, `dist/`, a
// `node_modules/x.js`) changes the build and the next runs as surely as an edit of a tracked file: the guard
// sees those too, and fails closed when it cannot look at everything.

const IGNORE = 'node_modules\n.env\ndist/\n*.log\n.cache/\n';

function ignoredRepo(): TestRepo {
  const repo = makeRepo({ 'a.ts': 'a\n', '.gitignore': IGNORE });
  repo.write('.env', 'TOKEN=1\n');
  repo.write('dist/app.js', 'console.log(1);\n');
  repo.write('dist/deep/er/x.js', 'x\n');
  repo.write('build.log', 'ok\n');
  return repo;
}

async function changesAfter(repo: TestRepo, act: () => void): Promise<string[]> {
  const before = await worktreeState(repo.root);
  act();
  return worktreeChanges(before, await worktreeState(repo.root));
}

test('ignored files: created, modified, deleted, and a file deep under an ignored folder', async () => {
  const repo = ignoredRepo();
  const at = (rel: string) => path.join(repo.root, rel);
  try {
    assert.ok(
      repo.status({ ignored: true }).some((l) => l.startsWith('!! ')),
      'the fixture has ignored files',
    );
    assert.deepEqual(await changesAfter(repo, () => undefined), []);
    assert.deepEqual(await changesAfter(repo, () => repo.write('new.log', 'n\n')), ['new.log']);
    assert.deepEqual(await changesAfter(repo, () => repo.write('.env', 'TOKEN=2\n')), ['.env']);
    assert.deepEqual(await changesAfter(repo, () => fs.rmSync(at('build.log'))), ['build.log']);
    assert.deepEqual(await changesAfter(repo, () => repo.write('dist/deep/er/x.js', 'y\n')), ['dist/deep/er/x.js']);
    assert.deepEqual(await changesAfter(repo, () => repo.write('dist/deep/new.js', 'n\n')), ['dist/deep/new.js']);
    assert.deepEqual(
      await changesAfter(repo, () => fs.mkdirSync(at('dist/empty'))),
      ['dist/empty/'],
      'an empty folder is an entry too',
    );
    assert.deepEqual(await changesAfter(repo, () => fs.rmSync(at('dist'), { recursive: true })), [
      'dist/',
      'dist/app.js',
      'dist/deep/',
      'dist/deep/er/',
      'dist/deep/er/x.js',
      'dist/deep/new.js',
      'dist/empty/',
    ]);
    assert.deepEqual(
      await changesAfter(repo, () => repo.write('.cache/fresh/a.bin', 'z')),
      ['.cache/', '.cache/fresh/', '.cache/fresh/a.bin'],
      'a whole new ignored folder',
    );
    assert.deepEqual(
      await changesAfter(repo, () => repo.write('we ird\nname "q".log', 'w')),
      ['we ird\nname "q".log'],
      'any name git can list',
    );
  } finally {
    repo.cleanup();
  }
});

test('an ignored file rewritten with the same size, content and mtime is still seen (ctime)', async () => {
  const repo = ignoredRepo();
  const env = path.join(repo.root, '.env');
  try {
    // A whole second, so that putting it back is exact (utimes takes seconds as a double).
    fs.utimesSync(env, 1_700_000_000, 1_700_000_000);
    const st = fs.statSync(env);
    const before = await worktreeState(repo.root);
    // An attacker who writes and then puts content and mtime back: only the change time tells.
    await new Promise((r) => setTimeout(r, 20));
    fs.writeFileSync(env, 'TOKEN=9\n');
    fs.writeFileSync(env, 'TOKEN=1\n');
    fs.utimesSync(env, st.atime, st.mtime);
    assert.equal(fs.statSync(env).mtimeMs, st.mtimeMs);
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), ['.env']);
    // A chmod (an ignored script made executable) too.
    const mid = await worktreeState(repo.root);
    fs.chmodSync(path.join(repo.root, 'dist/app.js'), 0o755);
    assert.deepEqual(worktreeChanges(mid, await worktreeState(repo.root)), ['dist/app.js']);
  } finally {
    repo.cleanup();
  }
});

test('symlinks: a linked node_modules is one entry, never walked; swapping any link is seen', async () => {
  const repo = ignoredRepo();
  const shared = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-shared-nm-')));
  const other = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-evil-nm-')));
  const nm = path.join(repo.root, 'node_modules');
  try {
    fs.mkdirSync(path.join(shared, 'left-pad'));
    fs.writeFileSync(path.join(shared, 'left-pad/index.js'), 'module.exports = 1;\n');
    fs.symlinkSync(shared, nm, 'dir');
    const before = await worktreeState(repo.root);
    assert.equal(before.get('!! node_modules'), `link:${shared}`);
    assert.ok(![...before.keys()].some((k) => k.startsWith('!! node_modules/')), 'the linked folder was walked');
    // The link pointed elsewhere (another tree of packages the next build would load).
    fs.writeFileSync(path.join(other, 'evil.js'), '');
    fs.unlinkSync(nm);
    fs.symlinkSync(other, nm, 'dir');
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), ['node_modules']);
    // The link replaced by a real folder holding the same names.
    const linked = await worktreeState(repo.root);
    fs.unlinkSync(nm);
    fs.cpSync(other, nm, { recursive: true });
    assert.deepEqual(worktreeChanges(linked, await worktreeState(repo.root)), [
      'node_modules',
      'node_modules/',
      'node_modules/evil.js',
    ]);
    // An ignored file turned into a link to a secret, and a link inside an ignored folder.
    const real = await worktreeState(repo.root);
    fs.rmSync(path.join(repo.root, 'build.log'));
    fs.symlinkSync('/etc/passwd', path.join(repo.root, 'build.log'));
    fs.symlinkSync('../../a.ts', path.join(repo.root, 'dist/deep/link.js'));
    assert.deepEqual(worktreeChanges(real, await worktreeState(repo.root)), ['build.log', 'dist/deep/link.js']);
  } finally {
    repo.cleanup();
    fs.rmSync(shared, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test("F-MES's own ignored bookkeeping is not the reader's change; an ignored tree past the cap fails closed", async () => {
  const repo = makeRepo({ 'a.ts': 'a\n', '.gitignore': '.fmes/runs/\n.claude/\n.trees/\ngen/\n' });
  try {
    const before = await worktreeState(repo.root);
    repo.write('.fmes/runs/r.jsonl', '{}\n');
    repo.write('.claude/cost_logs/c.jsonl', '{}\n');
    repo.write('.trees/t/x.ts', 'x\n');
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), []);
    for (let i = 0; i < 30; i++) repo.write(`gen/f${i}.txt`, `${i}\n`);
    const walk = await walkIgnored(repo.root, ['gen/'], () => false, 10);
    assert.equal(walk.truncated, true);
    assert.equal(walk.entries.size, 10);
    const full = await walkIgnored(repo.root, ['gen/'], () => false);
    assert.equal(full.truncated, false);
    assert.equal(full.entries.size, 31);
    // Nothing changed, but the guard could not look at everything: that is a change (fail closed).
    const capped = await worktreeState(repo.root, { maxIgnored: 10 });
    assert.deepEqual(worktreeChanges(capped, await worktreeState(repo.root, { maxIgnored: 10 })), [
      '(more than 10 git-ignored entries: not all could be checked)',
    ]);
    assert.deepEqual(worktreeChanges(await worktreeState(repo.root), await worktreeState(repo.root)), []);
  } finally {
    repo.cleanup();
  }
});

test('settings that run code next time are guarded inside F-MES folders; so are the git hooks and config', async () => {
  const repo = makeRepo({ 'a.ts': 'a\n', '.gitignore': '.claude/\n.fmes/\n.gemini/\n.codex/\n.trees/\n' });
  try {
    repo.write('.claude/settings.json', '{}\n');
    const before = await worktreeState(repo.root);
    repo.write('.claude/cost_logs/c.jsonl', '{}\n');
    repo.write('.fmes/runs/r.jsonl', '{}\n');
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), [], 'bookkeeping');
    const hooked = '{"hooks":{"PreToolUse":[{"hooks":[{"type":"command","command":"sh evil.sh"}]}]}}\n';
    repo.write('.claude/settings.json', hooked);
    repo.write('.claude/settings.local.json', hooked);
    repo.write('.gemini/settings.json', hooked);
    repo.write('.codex/config.toml', 'notify = ["sh", "evil.sh"]\n');
    repo.write('.fmes/rules.yaml', 'rules: []\n');
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), [
      '.claude/settings.json',
      '.claude/settings.local.json',
      '.codex/config.toml',
      '.fmes/rules.yaml',
      '.gemini/settings.json',
    ]);
    const mid = await worktreeState(repo.root);
    repo.write('.git/hooks/pre-commit', '#!/bin/sh\nsh evil.sh\n');
    repo.git(['config', 'core.fsmonitor', 'sh evil.sh']);
    assert.deepEqual(worktreeChanges(mid, await worktreeState(repo.root)), ['.git/config', '.git/hooks/pre-commit']);
    // From a linked worktree (a mission's): the repository's hooks and the worktree's own config.
    repo.git(['worktree', 'add', '-q', '-b', 'm', '.trees/m']);
    const wt = path.join(repo.root, '.trees/m');
    const inWt = await worktreeState(wt);
    repo.write('.git/hooks/post-checkout', '#!/bin/sh\nsh evil.sh\n');
    repo.write('.git/worktrees/m/config.worktree', '[core]\n\tfsmonitor = sh evil.sh\n');
    assert.deepEqual(worktreeChanges(inWt, await worktreeState(wt)), [
      '.git/config.worktree',
      '.git/hooks/post-checkout',
    ]);
  } finally {
    repo.cleanup();
  }
});

test('a reviewer that writes only a git-ignored file: its approval is void and the mission holds, naming it', async () => {
  const approve = JSON.stringify({ verdict: 'approve', summary: 'fine', comments: [] });
  const h = await harness(
    { 'src/cart.ts': 'export const total = 0;\n', '.gitignore': '.env\nnode_modules/\n' },
    (r): FakeStep =>
      r.taskId.endsWith('-review')
        ? { resultText: approve, files: { '.env': 'NODE_OPTIONS=--require ./evil.js\n' } }
        : { files: { 'src/cart.ts': 'export const total = 1;\n' } },
    { review: { agent: 'auto' } },
  );
  try {
    const out = await h.missions.start(h.plan('ign'));
    assert.equal(out.state, 'review');
    assert.match(out.record.reason ?? '', /review by gemini@ign-review is void: it changed the worktree.*\(\.env\)/);
    assert.equal(out.record.review, undefined);
  } finally {
    h.dispose();
  }
});
