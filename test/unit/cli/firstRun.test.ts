// A new user's first commands: `fmes init` then `fmes validate --all` in a fresh repository pass; outside a git
// repository the CLI says which folder it takes as the workspace. Uses dist/cli.mjs (`npm run build`).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmes } from '../../fixtures/cli';

const made: string[] = [];
function tmp(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-first-')));
  made.push(d);
  return d;
}
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

describe('first run', () => {
  test('fmes init then fmes validate --all in a fresh repository: exit 0, only the scaffolded rules file', () => {
    const d = tmp();
    execFileSync('git', ['init', '-q'], { cwd: d });
    const init = fmes(['init'], { cwd: d });
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /^create\s+\.cursor\/rules\/fmes\.mdc$/m);
    assert.match(init.stdout, /^create\s+\.cursor\/mcp\.json$/m);
    const v = fmes(['validate', '--all'], { cwd: d });
    assert.equal(v.status, 0, v.stderr);
    // The rules file `fmes init` writes is an artifact too (src/core/verify/rulesExample.ts), and it is valid.
    assert.match(v.stdout, /\.fmes\/rules\.yaml: valid rules$/m);
    assert.ok(v.stdout.includes(d), 'names the workspace');
    assert.equal(v.stderr, '', 'inside a repository there is nothing to warn about');
    const j = fmes(['validate', '--all', '--json'], { cwd: d });
    assert.equal(j.status, 0, j.stderr);
    assert.deepEqual(
      (JSON.parse(j.stdout) as { file: string; kind: string; ok: boolean }[]).map((r) => [
        path.relative(d, r.file),
        r.kind,
        r.ok,
      ]),
      [['.fmes/rules.yaml', 'rules', true]],
    );
    fs.rmSync(path.join(d, '.fmes/rules.yaml'));
    assert.match(fmes(['validate', '--all'], { cwd: d }).stdout, /^nothing to check yet: .* in .+$/m);
  });

  test('--all still fails on a bad artifact once there is one', () => {
    const d = tmp();
    execFileSync('git', ['init', '-q'], { cwd: d });
    fs.mkdirSync(path.join(d, '.antigravity/plans'), { recursive: true });
    fs.writeFileSync(path.join(d, '.antigravity/plans/bad.md'), '---\nid: T-1\n---\n');
    const v = fmes(['validate', '--all'], { cwd: d });
    assert.equal(v.status, 1);
    assert.match(v.stderr, /bad\.md/);
  });

  test('no files and no --all is still a usage error', () => {
    const d = tmp();
    execFileSync('git', ['init', '-q'], { cwd: d });
    assert.equal(fmes(['validate'], { cwd: d }).status, 2);
  });

  test('outside a git repository the CLI names the folder it uses; --workspace silences it', () => {
    const d = tmp();
    const sub = path.join(d, 'deep', 'er');
    fs.mkdirSync(sub, { recursive: true });
    const v = fmes(['validate', '--all'], { cwd: sub });
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stderr, /is not in a git repository: using it as the workspace/);
    assert.ok(v.stderr.includes(sub), `names ${sub}: ${v.stderr}`);
    const w = fmes(['--workspace', d, 'validate', '--all'], { cwd: sub });
    assert.equal(w.stderr, '');
  });
});
