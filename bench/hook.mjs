// `npm run bench:hook`: the PreToolUse hook runs before every tool call of every agent, so its latency is
// added to each one. Target: p95 of `node dist/hook.cjs pre-tool-use` (production build) within 1.3× of the
// p95 of `node -e 0` — the floor of any Node hook — measured interleaved in the same run.
// Cases: a Write on a free path, a Write on a path another agent holds (denied), a Bash command. Both run with
// this process's environment (the hook scans it for secrets to redact), in a workspace without settings.
// FMES_BENCH_N sets the number of interleaved rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const N = Number(process.env.FMES_BENCH_N ?? 100);
if (spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const ws = mkdtempSync(join(tmpdir(), 'fmes-bench-hook-'));
mkdirSync(join(ws, 'src'));
execFileSync(process.execPath, [
  'dist/cli.mjs',
  '--workspace',
  ws,
  'lock',
  'acquire',
  'src/held.ts',
  '--agent',
  'gemini',
]);
const input = (tool, tool_input) =>
  JSON.stringify({
    session_id: 's',
    cwd: ws,
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input,
    tool_use_id: 't',
  });
// Each case with the exit status it must have: a hook that fails fast would measure well.
const cases = {
  'Write, free path': [input('Write', { file_path: join(ws, 'src/free.ts'), content: 'x' }), 0],
  'Write, held path (deny)': [input('Write', { file_path: join(ws, 'src/held.ts'), content: 'x' }), 2],
  'Bash npm test && git diff': [input('Bash', { command: 'npm test && git diff > out.txt' }), 0],
};

const env = { ...process.env, FMES_AGENT: 'claude' };
function time(args, stdin, status = 0) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { input: stdin, env });
  if (r.status !== status) throw new Error(`${args.join(' ')} exited ${r.status}, not ${status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const p = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const base = [];
const runs = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < 3; i++) time(['-e', '0'], '');
for (let i = 0; i < N; i++) {
  base.push(time(['-e', '0'], ''));
  for (const [k, [stdin, status]] of Object.entries(cases))
    runs[k].push(time(['dist/hook.cjs', 'pre-tool-use', '--workspace', ws], stdin, status));
}
rmSync(ws, { recursive: true, force: true });
const baseP95 = p(base, 0.95);
console.log(`node ${process.version} -e 0: p50 ${p(base, 0.5).toFixed(1)} ms, p95 ${baseP95.toFixed(1)} ms (n=${N})`);
let ok = true;
for (const [k, xs] of Object.entries(runs)) {
  const ratio = p(xs, 0.95) / baseP95;
  ok &&= ratio <= 1.3;
  const p50Ratio = p(xs, 0.5) / p(base, 0.5);
  console.log(
    `${k.padEnd(28)} p50 ${p(xs, 0.5).toFixed(1)} ms (${p50Ratio.toFixed(2)}×), p95 ${p(xs, 0.95).toFixed(1)} ms → ${ratio.toFixed(2)}× node -e 0 (target ≤ 1.3×) ${ratio <= 1.3 ? 'PASS' : 'MISS'}`,
  );
}
if (check && !ok) process.exit(1);
