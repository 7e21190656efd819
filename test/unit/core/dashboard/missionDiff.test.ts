import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { missionDiff, parseNumstat, safeRev } from '../../../../src/core/dashboard/missionDiff';

test('parseNumstat reads counts, binary files and names with tabs or newlines', () => {
  assert.deepEqual(parseNumstat('3\t1\tsrc/a.ts\0-\t-\timg.png\0' + '0\t2\tweird\tname\nx.md\0'), [
    { file: 'src/a.ts', added: 3, removed: 1 },
    { file: 'img.png', added: undefined, removed: undefined },
    { file: 'weird\tname\nx.md', added: 0, removed: 2 },
  ]);
  assert.deepEqual(parseNumstat(''), []);
  assert.deepEqual(parseNumstat('garbage\0'), []);
});

test('safeRev refuses options, ranges and odd characters', () => {
  for (const ok of ['fmes/T-7', 'abc123', 'main']) assert.ok(safeRev(ok), ok);
  for (const bad of [undefined, '', '-p', '--output=/tmp/x', 'a..b', 'a b', 'x:y', '@{-1}', 'a\0b'])
    assert.ok(!safeRev(bad), String(bad));
});

test("missionDiff counts a real branch's changes since its start commit", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-diff-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  try {
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'one\ntwo\nthree\n');
    fs.writeFileSync(path.join(dir, 'gone.txt'), 'x\ny\n');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD');
    git('checkout', '-qb', 'fmes/T-1');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'one\n2\nthree\nfour\n');
    fs.rmSync(path.join(dir, 'gone.txt'));
    fs.writeFileSync(path.join(dir, 'new file.bin'), Buffer.from([0, 1, 2, 0, 255]));
    git('add', '-A');
    git('commit', '-qm', 'work');
    // main moves on after the branch started: its changes are not the mission's.
    git('checkout', '-q', 'main');
    fs.writeFileSync(path.join(dir, 'main-only.txt'), 'm\n');
    git('add', '-A');
    git('commit', '-qm', 'main');
    const d = await missionDiff(dir, base, 'fmes/T-1');
    assert.deepEqual(d, {
      base,
      branch: 'fmes/T-1',
      truncated: false,
      files: [
        { file: 'a.txt', added: 2, removed: 1 },
        { file: 'gone.txt', added: 0, removed: 2 },
        { file: 'new file.bin', added: undefined, removed: undefined },
      ],
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
