// `fmes mission run` where no agent CLI of the plan's chain is installed: it names each missing CLI and how to get
// it, exits 127, and leaves nothing behind (no mission record, worktree, branch, snapshot, lock or handoff).
// Uses dist/cli.mjs (`npm run build`).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fmes } from '../../fixtures/cli';
import { makeWorkspace } from '../../fixtures/workspace';

const PLAN = [
  '---',
  'id: T-7',
  'title: Add a helper',
  'agent: claude',
  'files: [src/a.ts]',
  'risk: low',
  'rollback: git revert the fmes/T-7 branch',
  '---',
  '',
  '# Add a helper',
  '',
].join('\n');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

describe('mission run without agent CLIs', () => {
  const ws = makeWorkspace({ 'src/a.ts': 'a\n', '.antigravity/plans/p.md': PLAN });
  after(() => ws.cleanup());
  git(ws.root, 'init', '-q', '-b', 'main');
  git(ws.root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A');
  git(ws.root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
  // A PATH with node and git but none of the agent CLIs.
  const bin = path.join(ws.root, '..', `${path.basename(ws.root)}-bin`);
  fs.mkdirSync(bin);
  after(() => fs.rmSync(bin, { recursive: true, force: true }));
  for (const tool of [process.execPath, execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()])
    fs.symlinkSync(tool, path.join(bin, path.basename(tool)));

  test('names the missing CLIs, exits 127, leaves no half state', () => {
    const before = git(ws.root, 'for-each-ref');
    const r = fmes(['mission', 'run', '.antigravity/plans/p.md'], { cwd: ws.root, env: { PATH: bin } });
    assert.equal(r.status, 127, r.stdout + r.stderr);
    for (const install of ['@anthropic-ai/claude-code', '@google/gemini-cli', '@openai/codex'])
      assert.ok(r.stderr.includes(`npm install -g ${install}`), `says how to install ${install}: ${r.stderr}`);
    assert.match(r.stderr, /agents\.claude\.command in \.fmes\/config\.json/);
    assert.equal(git(ws.root, 'for-each-ref'), before, 'no branch, snapshot or other ref');
    assert.equal(git(ws.root, 'worktree', 'list').trim().split('\n').length, 1, 'no worktree');
    for (const p of ['.trees', '.fmes/missions', '.locks', 'HANDOFF_REPORT.md', 'TODO.md'])
      assert.ok(!fs.existsSync(path.join(ws.root, p)), `no ${p}`);
    assert.equal(git(ws.root, 'status', '--porcelain'), '', 'the checkout is as it was');
  });

  test('a CLI configured by path in .fmes/config.json counts as installed', () => {
    const fake = path.join(bin, 'my-claude');
    fs.writeFileSync(fake, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    fs.mkdirSync(path.join(ws.root, '.fmes'), { recursive: true });
    fs.writeFileSync(
      path.join(ws.root, '.fmes/config.json'),
      JSON.stringify({ agents: { claude: { command: fake } }, orchestrator: { chain: ['claude'] } }),
    );
    // The confirmation a person gives goes to a state folder of the test's own, never the real home.
    const env = { PATH: bin, XDG_STATE_HOME: path.join(bin, 'state') };
    try {
      const c = fmes(['config', 'confirm', '--yes'], { cwd: ws.root, env });
      assert.equal(c.status, 0, c.stderr);
      const r = fmes(['mission', 'run', '.antigravity/plans/p.md', '--json'], { cwd: ws.root, env });
      assert.notEqual(r.status, 127, r.stderr);
      assert.doesNotMatch(r.stderr, /not installed/);
      assert.match(r.stdout, /"type":"outcome"/, 'the mission ran');
    } finally {
      fs.rmSync(path.join(ws.root, '.fmes/config.json'));
    }
  });
});
