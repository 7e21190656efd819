// The hot `fmes lock run` (src/hot/lock/lockRun.ts) takes only the plain form and leaves everything else to the
// full CLI; test/unit/cli/lockCli.test.ts runs the built CLI through both.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { gitTopLevel, parseLockRun } from '../../../src/hot/lock/lockRun';

describe('parseLockRun', () => {
  it('takes the plain form, with options before or after the path and global --workspace anywhere', () => {
    assert.deepEqual(parseLockRun(['lock', 'run', 'src/a.ts', '--agent', 'claude', '--', 'npm', 'test']), {
      path: 'src/a.ts',
      command: ['npm', 'test'],
      agent: 'claude',
      intent: undefined,
      wait: 0,
      json: false,
      workspace: undefined,
    });
    const r = parseLockRun([
      '-w',
      '/ws',
      'lock',
      'run',
      '--wait=2.5',
      'src',
      '--intent',
      'migrate',
      '--json',
      '--agent=codex-7',
      '--',
      'sh',
      '-c',
      'x --y',
    ]);
    assert.deepEqual(r, {
      path: 'src',
      command: ['sh', '-c', 'x --y'],
      agent: 'codex-7',
      intent: 'migrate',
      wait: 2.5,
      json: true,
      workspace: '/ws',
    });
  });

  it('leaves every other form to the full CLI', () => {
    for (const argv of [
      ['lock', 'run', 'src/a.ts', '--agent', 'claude', 'true'], // no --
      ['lock', 'run', 'src/a.ts', '--agent', 'claude', '--'], // no command
      ['lock', 'run', '--help', '--', 'true'],
      ['-v', 'lock', 'run', 'src/a.ts', '--', 'true'],
      ['lock', 'run', 'src/a.ts', '--agent', 'a', '--agent', 'b', '--', 'true'],
      ['lock', 'run', 'src/a.ts', '--wait', '-1', '--', 'true'],
      ['lock', 'run', 'src/a.ts', '--wait', 'soon', '--', 'true'],
      ['lock', 'run', 'src/a.ts', '--intent', '--json', '--', 'true'],
      ['lock', 'run', 'a', 'b', '--', 'true'],
      ['lock', 'acquire', 'src/a.ts', '--', 'true'],
      ['run', 'lock', 'src/a.ts', '--', 'true'],
    ]) {
      assert.equal(parseLockRun(argv), undefined, argv.join(' '));
    }
  });
});

describe('gitTopLevel', () => {
  it('finds the nearest folder holding .git, and leaves git’s own environment and .git folders to git', () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-toplevel-')));
    try {
      fs.mkdirSync(path.join(root, '.git'));
      fs.mkdirSync(path.join(root, 'sub/deeper'), { recursive: true });
      fs.writeFileSync(path.join(root, 'sub/.git'), 'gitdir: ../.git/modules/sub\n'); // a submodule
      assert.equal(gitTopLevel(root, {}), root);
      assert.equal(gitTopLevel(path.join(root, 'sub/deeper'), {}), path.join(root, 'sub'));
      assert.equal(gitTopLevel(root, { GIT_DIR: '/elsewhere' }), undefined);
      assert.equal(gitTopLevel(path.join(root, '.git'), {}), undefined);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
