// Interleaved start-up measurements for bench/lockRun.mjs and bench/hook.mjs, made robust against a shared,
// noisy machine without weakening the reference: every case and the reference `node -e 0` run in turn, in an
// order that rotates each iteration (no case always follows another's cache misses); the iterations form
// rounds, each round's percentile is divided by the reference's in the same round, and the figure reported is
// the median of those per-round ratios (with their range). A burst of load then spoils one round, not the result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * CPU time (user + system, the process and its children) as `perf stat -e task-clock` counts it, when perf is
 * there: the work a start costs, which load on a shared machine inflates far less than the wall clock (waits
 * for a core are not in it). Reported beside the wall-clock figures the targets are defined on.
 */
const perf = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '--', 'true'], { encoding: 'utf8' });
export const cpuAvailable = perf.status === 0 && perf.stderr.includes('task-clock');

/** Nearest-rank percentile (q in 0..1). */
export const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
export const median = (xs) => pct(xs, 0.5);

/**
 * Times `cases` ({ name: { cmd, args, input?, status?, cwd?, env? } }) in `rounds` rounds of `perRound`
 * interleaved iterations after `warmup` untimed ones. Returns { name: number[][] } (wall ms, per round), and the
 * same for CPU ms under `.cpu` (NaN without perf).
 */
export function measure(cases, { rounds, perRound, warmup = 3 }) {
  const names = Object.keys(cases);
  const grid = () => Object.fromEntries(names.map((n) => [n, Array.from({ length: rounds }, () => [])]));
  const out = grid();
  const cpu = grid();
  const dir = mkdtempSync(join(tmpdir(), 'fmes-bench-cpu-'));
  const cpuFile = join(dir, 'perf.csv');
  const once = (name) => {
    const c = cases[name];
    // perf starts the command itself: its own start is outside the wall clock only approximately, so the wall
    // clock is taken without it and the CPU time in a second, separate run (perf counts only the command).
    const t0 = process.hrtime.bigint();
    const r = spawnSync(c.cmd, c.args, { cwd: c.cwd, env: c.env, input: c.input, stdio: ['pipe', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== (c.status ?? 0))
      throw new Error(`${name}: ${c.cmd} ${c.args.join(' ')} exited ${r.status}, not ${c.status ?? 0}: ${r.stderr}`);
    let cpuMs = NaN;
    if (cpuAvailable) {
      const p = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '-o', cpuFile, '--', c.cmd, ...c.args], {
        cwd: c.cwd,
        env: c.env,
        input: c.input,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const line =
        p.status === (c.status ?? 0)
          ? readFileSync(cpuFile, 'utf8')
              .split('\n')
              .find((l) => l.includes('task-clock'))
          : undefined;
      if (line) cpuMs = Number(line.split(',')[0]);
    }
    return [ms, cpuMs];
  };
  try {
    for (let i = 0; i < warmup; i++) for (const n of names) once(n);
    for (let round = 0; round < rounds; round++)
      for (let i = 0; i < perRound; i++)
        for (let k = 0; k < names.length; k++) {
          const n = names[(i + round + k) % names.length];
          const [ms, cpuMs] = once(n);
          out[n][round].push(ms);
          cpu[n][round].push(cpuMs);
        }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Object.assign(out, { cpu });
}

/** Per-round ratios of percentile `q` of `xs` to the reference's, and their median. */
export function ratio(runs, name, reference, q) {
  const per = runs[name].map((xs, r) => pct(xs, q) / pct(runs[reference][r], q));
  return { median: median(per), min: Math.min(...per), max: Math.max(...per), per };
}

/** All samples of a case, for absolute milliseconds. */
export const all = (runs, name) => runs[name].flat();
