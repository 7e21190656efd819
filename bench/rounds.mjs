// Interleaved start-up measurements for bench/lockRun.mjs and bench/hook.mjs, made robust against a shared,
// noisy machine without weakening the reference: every case and the reference `node -e 0` run in turn, in an
// order that rotates each iteration (no case always follows another's cache misses); the iterations form
// rounds, each round's percentile is divided by the reference's in the same round, and the figure reported is
// the median of those per-round ratios (with their range). A burst of load then spoils one round, not the result.
import { spawnSync } from 'node:child_process';

/** Nearest-rank percentile (q in 0..1). */
export const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
export const median = (xs) => pct(xs, 0.5);

/**
 * Times `cases` ({ name: { cmd, args, input?, status?, cwd?, env? } }) in `rounds` rounds of `perRound`
 * interleaved iterations after `warmup` untimed ones. Returns { name: number[][] } (ms, per round).
 */
export function measure(cases, { rounds, perRound, warmup = 3 }) {
  const names = Object.keys(cases);
  const out = Object.fromEntries(names.map((n) => [n, Array.from({ length: rounds }, () => [])]));
  const once = (name) => {
    const c = cases[name];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(c.cmd, c.args, { cwd: c.cwd, env: c.env, input: c.input, stdio: ['pipe', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== (c.status ?? 0))
      throw new Error(`${name}: ${c.cmd} ${c.args.join(' ')} exited ${r.status}, not ${c.status ?? 0}: ${r.stderr}`);
    return ms;
  };
  for (let i = 0; i < warmup; i++) for (const n of names) once(n);
  for (let round = 0; round < rounds; round++)
    for (let i = 0; i < perRound; i++)
      for (let k = 0; k < names.length; k++) {
        const n = names[(i + round + k) % names.length];
        out[n][round].push(once(n));
      }
  return out;
}

/** Per-round ratios of percentile `q` of `xs` to the reference's, and their median. */
export function ratio(runs, name, reference, q) {
  const per = runs[name].map((xs, r) => pct(xs, q) / pct(runs[reference][r], q));
  return { median: median(per), min: Math.min(...per), max: Math.max(...per), per };
}

/** All samples of a case, for absolute milliseconds. */
export const all = (runs, name) => runs[name].flat();
