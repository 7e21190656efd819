import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ADAPTERS } from '../../../src/core/agents/adapters';
import { withoutLoosening } from '../../../src/core/agents/readOnly';
import { defaultConfig } from '../../../src/core/config';
import { worktreeChanges, worktreeState } from '../../../src/core/verify/worktreeGuard';
import { makeRepo } from '../core/git/gitRepo';
import { type FakeStep, harness } from './missionHarness';

// Reviewers, auditors and planners read: the CLI's read-only mode, then a check that the worktree is as it was.
// The real CLIs refusing a write: test/agents/verify.agent.test.ts.

const approve = JSON.stringify({ verdict: 'approve', summary: 'fine', comments: [] });

function invocation(kind: 'claude' | 'gemini' | 'codex', readOnly: boolean, args?: string[]) {
  const config = { ...defaultConfig.agents[kind], ...(args ? { args } : {}) };
  return ADAPTERS[kind].buildInvocation({
    prompt: 'p',
    maxTurns: 4,
    allowedTools: config.allowedTools,
    readOnly,
    session: { mode: 'new' },
    config,
  }).args;
}

const after = (args: string[], flag: string) => args.filter((_, i) => args[i - 1] === flag);

test('read-only invocations: each CLI in its read-only mode, loosening settings dropped', () => {
  const loose = {
    claude: ['--dangerously-skip-permissions', '--permission-mode=bypassPermissions', '--allowedTools', 'Bash'],
    gemini: ['--yolo', '--approval-mode', 'yolo', '--allowed-tools=run_shell_command', '-m', 'x'],
    codex: ['--dangerously-bypass-approvals-and-sandbox', '-s', 'danger-full-access', '--skip-git-repo-check'],
  };
  const claude = invocation('claude', true, loose.claude);
  assert.ok(!claude.some((a) => /dangerously|bypass/.test(a)), claude.join(' '));
  assert.deepEqual(after(claude, '--permission-mode'), ['default']);
  assert.deepEqual(after(claude, '--allowedTools'), ['Read,Glob,Grep,LS']);
  assert.deepEqual(after(claude, '--disallowedTools'), ['Write,Edit,MultiEdit,NotebookEdit,Bash']);
  const gemini = invocation('gemini', true, loose.gemini);
  assert.ok(!gemini.some((a) => /yolo|allowed-tools|^-y$/.test(a)), gemini.join(' '));
  assert.deepEqual(after(gemini, '--approval-mode'), ['default']);
  assert.ok(gemini.includes('-m'), 'other settings stay');
  const codex = invocation('codex', true, loose.codex);
  assert.ok(!codex.some((a) => /dangerously|danger-full/.test(a)), codex.join(' '));
  assert.deepEqual(after(codex, '-s'), ['read-only']);
  assert.ok(codex.includes('--skip-git-repo-check'));
  // Authors keep their configured permissions.
  assert.deepEqual(after(invocation('claude', false), '--permission-mode'), ['acceptEdits']);
  assert.deepEqual(after(invocation('codex', false), '-s'), ['workspace-write']);
  assert.deepEqual(withoutLoosening('gemini', ['--approval-mode']), [], 'a flag without its value is dropped too');
});

test('the worktree check sees edits, new files, deletions, symlinks and commits; not its own bookkeeping', async () => {
  const repo = makeRepo({ 'a.ts': 'a\n', 'b.ts': 'b\n' });
  try {
    repo.write('dirty.ts', 'x\n');
    const before = await worktreeState(repo.root);
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), []);
    repo.write('.fmes/runs/r.jsonl', '{}\n');
    repo.write('.claude/cost_logs/c.jsonl', '{}\n');
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), []);
    repo.write('dirty.ts', 'y\n');
    repo.write('a.ts', 'A\n');
    repo.write('deep/new file.py', 'n\n');
    fs.rmSync(path.join(repo.root, 'b.ts'));
    assert.deepEqual(worktreeChanges(before, await worktreeState(repo.root)), [
      'a.ts',
      'b.ts',
      'deep/new file.py',
      'dirty.ts',
    ]);
    const mid = await worktreeState(repo.root);
    fs.symlinkSync('a.ts', path.join(repo.root, 'ln'));
    const linked = await worktreeState(repo.root);
    assert.deepEqual(worktreeChanges(mid, linked), ['ln']);
    fs.rmSync(path.join(repo.root, 'ln'));
    fs.symlinkSync('/etc/passwd', path.join(repo.root, 'ln'));
    assert.deepEqual(worktreeChanges(linked, await worktreeState(repo.root)), ['ln'], 'a re-pointed link');
    fs.rmSync(path.join(repo.root, 'ln'));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'sneaky']);
    assert.ok(worktreeChanges(mid, await worktreeState(repo.root)).includes('HEAD (a commit)'));
  } finally {
    repo.cleanup();
  }
});

test('a reviewer that changed the worktree anyway: its approval is void and the mission goes to review', async () => {
  const author: FakeStep = { files: { 'src/cart.ts': 'export const total = 1;\n' } };
  const h = await harness(
    { 'src/cart.ts': 'export const total = 0;\n' },
    (r) =>
      r.taskId.endsWith('-review')
        ? { resultText: approve, files: { 'src/cart.ts': 'export const total = 999;\n' } }
        : author,
    { review: { agent: 'auto' } },
  );
  try {
    const out = await h.missions.start(h.plan('rw'));
    assert.equal(out.state, 'review');
    assert.match(out.record.reason ?? '', /review by gemini failed: review by gemini@rw-review is void: it changed/);
    assert.match(out.record.reason ?? '', /src\/cart\.ts/);
    assert.equal(out.record.review, undefined);
    const rv = h.runs.find((r) => r.taskId === 'rw-review')!;
    assert.equal(rv.readOnly, true);
  } finally {
    h.dispose();
  }
});
