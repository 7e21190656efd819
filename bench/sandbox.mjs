// `npm run bench:sandbox`: an agent's start inside F-MES's sandbox against the same start without it, measured
// interleaved in one run. The case is what a user waits for: a headless `claude -p` (the real CLI) against the
// fake model API of test/agents/ until its answer, the sandboxed one including everything F-MES does per run
// (policy from the locks, temp dir, the in-process bridge and proxy, bubblewrap, the relay inside, cleanup).
// Target: median ratio ≤ 1.2. `claude --version` is printed too, for information: there the fixed cost of
// bubblewrap and the relay is most of the time. FMES_BENCH_N sets the rounds (default 7).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const check = process.argv.includes('--check');
const N = Number(process.env.FMES_BENCH_N ?? 7);
const out = resolve('bench/.build/sandboxBench.js');
await build({
  stdin: {
    contents: [
      "export { openRunSandbox } from './src/core/sandbox/runSandbox';",
      "export { sandboxSupport } from './src/core/sandbox/support';",
      "export { Redactor } from './src/hot/safety/redact';",
      "export { startFakeModelApi } from './test/agents/fakeModelApi';",
      "export { hermeticEnv, CLAUDE_BIN } from './test/agents/cliEnv';",
    ].join('\n'),
    resolveDir: resolve('.'),
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'warning',
});
const m = createRequire(import.meta.url)(out);
const support = m.sandboxSupport();
if (!support.ok) {
  console.log(`sandbox bench skipped: ${support.why}`);
  process.exit(0);
}

const root = mkdtempSync(join(tmpdir(), 'fmes-bench-sbx-'));
const scratch = { home: join(root, 'home'), tmp: join(root, 'tmp'), run: join(root, 'run') };
const repo = join(root, 'repo');
for (const d of [repo, ...Object.values(scratch)]) mkdirSync(d, { recursive: true });
const fake = await m.startFakeModelApi();
const env = { ...m.hermeticEnv('claude', fake, scratch), FMES_RUN_ID: 'bench' };

function run(o) {
  return new Promise((res, rej) => {
    const c = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    c.stdout.on('data', (d) => (text += d));
    c.stderr.on('data', (d) => (text += d));
    c.on('close', (code) => (code === 0 ? res(text) : rej(new Error(`exit ${code}: ${text.slice(-500)}`))));
  });
}

async function once(args, sandboxed) {
  const t0 = performance.now();
  const o = { command: m.CLAUDE_BIN, args, cwd: repo, env };
  if (!sandboxed) await run(o);
  else {
    const l = await m.openRunSandbox({
      root: repo,
      cwd: repo,
      cli: 'claude',
      agentId: 'claude',
      command: m.CLAUDE_BIN,
      env,
      config: { mode: 'on', allowedDomains: [], extraWritable: [] },
      redactor: new m.Redactor({}),
      onNotice: () => undefined,
    });
    try {
      await run(l.wrap({ ...o, stdin: '', onStdoutLine() {}, onStderrLine() {} }));
    } finally {
      await l.dispose();
    }
  }
  return performance.now() - t0;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cases = {
  'claude -p (headless, fake API)': ['-p', 'Say hi.', '--output-format', 'json', '--max-turns', '1'],
  'claude --version': ['--version'],
};
let failed = false;
try {
  console.log(`sandbox start-up, ${N} interleaved rounds after one warm-up each (median ms)\n`);
  console.log('case'.padEnd(34), 'plain'.padStart(8), 'sandbox'.padStart(9), 'ratio'.padStart(7), ' target');
  for (const [name, args] of Object.entries(cases)) {
    await once(args, false);
    await once(args, true);
    const plain = [];
    const boxed = [];
    for (let i = 0; i < N; i++) {
      plain.push(await once(args, false));
      boxed.push(await once(args, true));
    }
    const ratio = median(boxed) / median(plain);
    const target = name.startsWith('claude -p');
    if (target && ratio > 1.2) failed = true;
    console.log(
      name.padEnd(34),
      median(plain).toFixed(0).padStart(8),
      median(boxed).toFixed(0).padStart(9),
      `×${ratio.toFixed(2)}`.padStart(7),
      target ? (ratio <= 1.2 ? ' ≤1.2 PASS' : ' ≤1.2 FAIL') : ' (info)',
    );
  }
} finally {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
}
if (check && failed) process.exit(1);
