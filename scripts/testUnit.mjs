// Runs every test/unit/**/*.test.ts (or those under the folders given) under Node's test runner, through tsx,
// and ends with the slowest files.
// (Node 20's --test does not expand globs itself.)
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit'];
const files = roots.flatMap((r) => (statSync(r).isDirectory() ? find(r) : [r])).sort();
// A private store for a person's confirmations of repository settings (src/core/safety/repoConfirmation.ts), so
// tests never read or write the user's own.
const state = mkdtempSync(join(tmpdir(), 'fmes-test-state-'));
const env = { ...process.env, FMES_STATE_DIR: process.env.FMES_STATE_DIR ?? state };
const durations = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'testDurations.mjs');
const reporters = [
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${durations}`,
  '--test-reporter-destination=stdout',
];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporters, ...files], { stdio: 'inherit', env });
rmSync(state, { recursive: true, force: true });
process.exit(r.status ?? 1);
