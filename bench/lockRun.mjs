// `npm run bench:lock-run`: `fmes lock run <path> -- true` is what agents and scripts call around each command,
// so its start-up is added to each one. Target (issue 13): p50 of `node dist/fmes.cjs lock run src/a.ts --agent
// bench -- true` (production build, no --workspace: the git top level is found as agents call it) within 1.2× of
// `node -e 0`'s, measured interleaved in the same run (bench/rounds.mjs: the median of per-round ratios).
// For context: `node` spawning `true` and nothing else (the floor of any lock run written for Node: its
// child_process and fork), `flock(1)` on a file, and the full CLI on the same call (`-v` sends it down the
// commander path). FMES_BENCH_N sets the iterations per round, FMES_BENCH_ROUNDS the rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { all, cpuAvailable, measure, pct, ratio } from './rounds.mjs';

const check = process.argv.includes('--check');
const N = Number(process.env.FMES_BENCH_N ?? 20);
const ROUNDS = Number(process.env.FMES_BENCH_ROUNDS ?? 5);
const TARGET = 1.2;
if (spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const ws = mkdtempSync(join(tmpdir(), 'fmes-bench-lockrun-'));
mkdirSync(join(ws, 'src'));
writeFileSync(join(ws, 'src/a.ts'), '');
writeFileSync(join(ws, 'spawn.cjs'), "require('child_process').spawn('true', { stdio: 'inherit' });\n");
execFileSync('git', ['init', '-q', ws]);
const cli = join(process.cwd(), 'dist/fmes.cjs');
const env = { ...process.env, FMES_AGENT: '' };
delete env.FMES_RUN_ID;
const node = (args) => ({ cmd: process.execPath, args, cwd: ws, env });

const cases = {
  'node -e 0': node(['-e', '0']),
  'fmes lock run -- true': node([cli, 'lock', 'run', 'src/a.ts', '--agent', 'bench', '--', 'true']),
  'node spawning true': node([join(ws, 'spawn.cjs')]),
  'fmes lock run, new file': node([cli, 'lock', 'run', 'src/new.ts', '--agent', 'bench', '--', 'true']),
  'full CLI (-v) lock run': node([cli, '-v', 'lock', 'run', 'src/a.ts', '--agent', 'bench', '--', 'true']),
  'flock f true': { cmd: 'flock', args: [join(ws, 'src/a.ts'), 'true'], cwd: ws, env },
};
const runs = measure(cases, { rounds: ROUNDS, perRound: N });
rmSync(ws, { recursive: true, force: true });

console.log(
  `node ${process.version}, ${ROUNDS} rounds × ${N} interleaved iterations; ratios: median of the rounds' (range)`,
);
let ok = true;
for (const k of Object.keys(cases)) {
  const xs = all(runs, k);
  const r50 = ratio(runs, k, 'node -e 0', 0.5);
  const r95 = ratio(runs, k, 'node -e 0', 0.95);
  const hot = k === 'fmes lock run -- true';
  if (hot) ok &&= r50.median <= TARGET;
  const target = hot ? ` (target p50 ≤ ${TARGET}×) ${r50.median <= TARGET ? 'PASS' : 'MISS'}` : '';
  const range = (r) => `${r.median.toFixed(2)}×, ${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
  console.log(
    `${k.padEnd(26)} p50 ${pct(xs, 0.5).toFixed(1)} ms (${range(r50)}), p95 ${pct(xs, 0.95).toFixed(1)} ms (${range(r95)})${target}`,
  );
}
if (cpuAvailable) {
  // The same rounds in CPU time (bench/rounds.mjs): what load on a shared machine distorts least.
  console.log('CPU time (perf task-clock, the process and its children), median of the rounds’ p50 ratios:');
  for (const k of Object.keys(runs.cpu)) {
    const r = ratio(runs.cpu, k, 'node -e 0', 0.5);
    console.log(
      `  ${k.padEnd(26)} ${pct(all(runs.cpu, k), 0.5).toFixed(1)} ms (${r.median.toFixed(3)}×, ${r.min.toFixed(2)}–${r.max.toFixed(2)})`,
    );
  }
}
if (check && !ok) process.exit(1);
