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

// --concurrency N: test files run at once. Most files wait on child processes and servers rather than compute,
// so 3 files at once take about 60 % of the serial time on 2 cores (unit tier: 241 s → 152 s); the agent tier
// runs 2 (real agent CLIs are CPU-heavy: 154 s → 85 s), stress 1. FMES_TEST_CONCURRENCY overrides it.
const args = process.argv.slice(2);
const at = args.indexOf('--concurrency');
const concurrencyArg = at >= 0 ? args.splice(at, 2)[1] : '3';
const roots = args.length ? args : ['test/unit'];
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
const concurrency = [`--test-concurrency=${process.env.FMES_TEST_CONCURRENCY ?? concurrencyArg}`];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, ...reporters, ...files], {
  stdio: 'inherit',
  env,
});
rmSync(state, { recursive: true, force: true });
process.exit(r.status ?? 1);
