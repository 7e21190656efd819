// `npm start`: F-MES on a demo workspace. Creates the workspace, starts `fmes watch` on it, and plays a short
// multi-agent scenario through the real CLI (agents locking, waiting, crashing, breaking stale locks,
// delivering reports), printing every bus event as it happens. Runs until Ctrl-C.
// `npm start -- --smoke` plays the scenario once and exits 1 unless every expected event was seen (CI).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDemoWorkspace } from './demo/workspace.mjs';

const CLI = resolve('dist/cli.mjs');
const smoke = process.argv.includes('--smoke');
const ws = createDemoWorkspace();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fmes(args, { quiet = true } = {}) {
  return new Promise((res) => {
    const c = spawn(process.execPath, [CLI, '--workspace', ws, ...args], { stdio: quiet ? 'ignore' : 'inherit' });
    c.on('exit', (code) => res(code));
  });
}

function say(line) {
  process.stdout.write(`\x1b[2m# ${line}\x1b[0m\n`);
}

console.log(`F-MES demo workspace: ${ws}`);
console.log(`Try it yourself in another terminal:  node ${CLI} --workspace ${ws} lock status\n`);

const seen = new Set();
const watcher = spawn(process.execPath, [CLI, '--workspace', ws, 'watch', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
let buffer = '';
watcher.stdout.on('data', (d) => {
  buffer += d.toString();
  let i;
  while ((i = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    if (!line) continue;
    const e = JSON.parse(line);
    seen.add(e.type);
    const what = e.record ? `${e.path} ${e.record.agent}${e.record.intent ? ` (${e.record.intent})` : ''}` : e.report ? `${e.report.taskId} ${e.report.status}` : e.plan ? `${e.plan.meta.id} ${e.plan.meta.title}` : e.issues ? e.issues.map((x) => `${x.field}: ${x.message}`).join('; ') : (e.path ?? e.file ?? '');
    console.log(`${e.at.slice(11, 19)}  ${e.type.padEnd(15)} ${what}`);
  }
});

async function scenario() {
  say('claude locks src/auth for the T-42 refactor and works for 2 s');
  const claude = fmes(['lock', 'run', 'src/auth', '--agent', 'claude', '--intent', 'T-42 rename login', '--', 'sleep', '2']);
  await sleep(300);
  say('gemini wants src/auth/login.ts: it waits until claude is done');
  const gemini = fmes(['lock', 'run', 'src/auth/login.ts', '--agent', 'gemini', '--wait', '10', '--intent', 'review', '--', 'sleep', '0.5']);
  await Promise.all([claude, gemini]);

  say('codex takes src/cart and crashes (SIGKILL): its lock is left behind');
  const codex = spawn(process.execPath, [CLI, '--workspace', ws, 'lock', 'run', 'src/cart', '--agent', 'codex', '--intent', 'cart totals', '--', 'sleep', '30'], { detached: true, stdio: 'ignore' });
  await sleep(700);
  process.kill(-codex.pid, 'SIGKILL');
  await sleep(200);
  say('claude needs src/cart: the dead holder is detected and its lock broken (recorded in .locks/.broken/)');
  await fmes(['lock', 'run', 'src/cart/cart.ts', '--agent', 'claude', '--wait', '5', '--', 'sleep', '0.3']);

  say('claude delivers a report, and a broken one that is reported with its field');
  const outbox = join(ws, '.claude/outbox');
  mkdirSync(outbox, { recursive: true });
  const report = { agent: 'claude', taskId: 'T-42', status: 'success', summary: 'Renamed login to signIn.', changedFiles: ['src/auth/login.ts'], startedAt: new Date(Date.now() - 60_000).toISOString(), finishedAt: new Date().toISOString() };
  writeFileSync(join(outbox, '.T-42.tmp'), JSON.stringify(report));
  renameSync(join(outbox, '.T-42.tmp'), join(outbox, 'T-42.json'));
  writeFileSync(join(outbox, 'broken.json'), JSON.stringify({ agent: 'claude', status: 'done' }));
  await sleep(1500);

  say('a person locks README.md from the CLI and releases it');
  await fmes(['lock', 'acquire', 'README.md', '--agent', 'human', '--intent', 'editing docs']);
  await sleep(300);
  await fmes(['lock', 'release', 'README.md', '--agent', 'human']);
  await sleep(500);
  rmSync(join(outbox, 'broken.json'), { force: true });
}

const expected = ['ready', 'lock.acquired', 'lock.released', 'lock.broken', 'report.arrived', 'report.invalid', 'plan.added'];
let exitCode = 0;
const stop = () => {
  watcher.kill('SIGTERM');
  if (smoke) rmSync(ws, { recursive: true, force: true });
  process.exit(exitCode);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await sleep(800);
do {
  await scenario();
  if (!smoke) say('again in 5 s (Ctrl-C to stop)');
  if (!smoke) await sleep(5000);
} while (!smoke);
const missing = expected.filter((t) => !seen.has(t));
if (missing.length) {
  console.error(`smoke: missing events: ${missing.join(', ')}`);
  exitCode = 1;
} else console.log(`smoke: all ${expected.length} expected event types seen`);
stop();
