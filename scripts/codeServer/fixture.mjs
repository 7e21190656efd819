// Fresh, writable copies of a fixture workspace (test/integration/fixture by default), one per run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

export const defaultFixture = join(repoRoot, 'test', 'integration', 'fixture');

/**
 * Copies `fixture` into a new temp folder and makes it a git repository with one commit (F-MES works with
 * branches and worktrees), unless `git: false`.
 * @returns {{ root: string, cleanup: () => void }}
 */
export function copyFixture(fixture = defaultFixture, { git = true } = {}) {
  const parent = realpathSync(mkdtempSync(join(tmpdir(), 'fmes-fixture-')));
  const root = join(parent, 'workspace');
  cpSync(fixture, root, { recursive: true });
  if (git) gitInit(root);
  return { root, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

function gitInit(root) {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'F-MES tests',
    GIT_AUTHOR_EMAIL: 'tests@fmes.invalid',
    GIT_COMMITTER_NAME: 'F-MES tests',
    GIT_COMMITTER_EMAIL: 'tests@fmes.invalid',
  };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-q', '--no-gpg-sign', '-m', 'fixture'],
  ]) {
    const r = spawnSync('git', args, { cwd: root, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${root} failed: ${r.stderr || r.error?.message}`);
  }
}
