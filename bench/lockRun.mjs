// `npm run bench:lock-run`: `fmes lock run <path> -- true` is what agents and scripts call around each command,
// so its start-up is added to each one. Target: p50 of `node dist/cli.mjs lock run src/a.ts --agent bench -- true`
// (production build, no --workspace: the git top level is found as agents call it) within 1.2× of `node -e 0`'s,
// measured interleaved in the same run. For context: `flock(1)` on a file, and the full CLI on the same call
// (`--verbose` sends it down the commander path, which the hot entry leaves to the full CLI).
// FMES_BENCH_N sets the number of interleaved rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const N = Number(process.env.FMES_BENCH_N ?? 60);
if (spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const ws = mkdtempSync(join(tmpdir(), 'fmes-bench-lockrun-'));
mkdirSync(join(ws, 'src'));
writeFileSync(join(ws, 'src/a.ts'), '');
execFileSync('git', ['init', '-q', ws]);
const cli = join(process.cwd(), 'dist/fmes.cjs');
const env = { ...process.env, FMES_AGENT: '' };
delete env.FMES_RUN_ID;

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ws, env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const p = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'fmes lock run -- true': [process.execPath, [cli, 'lock', 'run', 'src/a.ts', '--agent', 'bench', '--', 'true']],
  'full CLI (-v) lock run': [
    process.execPath,
    [cli, '-v', 'lock', 'run', 'src/a.ts', '--agent', 'bench', '--', 'true'],
  ],
  'flock f true': ['flock', [join(ws, 'src/a.ts'), 'true']],
};
const runs = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const [cmd, args] of Object.values(cases)) for (let i = 0; i < 3; i++) time(cmd, args);
for (let i = 0; i < N; i++) for (const [k, [cmd, args]] of Object.entries(cases)) runs[k].push(time(cmd, args));
rmSync(ws, { recursive: true, force: true });

const base = runs['node -e 0'];
console.log(`node ${process.version}, ${N} interleaved rounds`);
let ok = true;
for (const [k, xs] of Object.entries(runs)) {
  const r50 = p(xs, 0.5) / p(base, 0.5);
  const r95 = p(xs, 0.95) / p(base, 0.95);
  const target = k === 'fmes lock run -- true' ? ` (target p50 ≤ 1.2×) ${r50 <= 1.2 ? 'PASS' : 'MISS'}` : '';
  if (target) ok &&= r50 <= 1.2;
  console.log(
    `${k.padEnd(24)} p50 ${p(xs, 0.5).toFixed(1)} ms (${r50.toFixed(2)}×), p95 ${p(xs, 0.95).toFixed(1)} ms (${r95.toFixed(2)}×)${target}`,
  );
}
if (check && !ok) process.exit(1);
