// `npm start`: F-MES running in a real VS Code on a demo workspace, with the orchestrator at work.
//
// Packages the extension as a .vsix, installs it into a private code-server (installed on demand into
// .cache/), creates a demo git repository with plans, a report, a cost log and a lock held by a demo agent
// process, opens it, and prints the URL to open in a browser. When the first browser has the workbench open
// (F-MES active in it), the orchestrator runs two missions through the real `fmes mission run`: T-43 runs the real Claude Code CLI (talking to a local fake
// model API, scripts/demo/fakeModel.ts) in a shadow worktree and ends ready to merge (F-MES: Show Dashboard
// offers the merge); T-42 waits for the demo agent's lock. Meanwhile demo agents keep taking and releasing
// locks and adding cost, and every bus event is printed. Ctrl-C stops everything.
//
// It installs no system package by itself: scripts/requirements.mjs checks first, prints the one apt/brew command
// for what is missing, and on a terminal runs it only after a yes.
//
// `npm start -- --smoke` does the same, then checks the workbench in headless Chromium (scripts/demo/smoke.mjs),
// saves a screenshot to test-results/start-smoke.png and exits: 0 if all was there (CI runs it).
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_MISSION, createDemoWorkspace, writeDemoConfig } from './demo/workspace.mjs';
import { spawnGroup, stopGroups } from './demo/groups.mjs';
import { packageExtension } from './package.mjs';
import { installExtension, startCodeServer } from './codeServer/server.mjs';
import { onExit } from './codeServer/cleanup.mjs';
import { repoRoot } from './codeServer/paths.mjs';
import { Tail } from './codeServer/proc.mjs';
import { checkRequirements } from './requirements.mjs';

const CLI = join(repoRoot, 'dist', 'cli.mjs');
const smoke = process.argv.includes('--smoke');
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
/** Seconds the missions wait after the first browser connected, at most, for F-MES to be active in it. */
const ACTIVE_WAIT_SEC = 60;
const startedAt = Date.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (line) => process.stdout.write(`\x1b[2m# ${line}\x1b[0m\n`);

const temp = [];
let server;
// Runs at any exit, Ctrl-C included (cleanup.mjs turns signals into an exit): children first, then their folders.
onExit(() => {
  stopGroups();
  for (const t of temp) rmSync(t, { recursive: true, force: true, maxRetries: 3 });
});
async function stopAll(code) {
  await server?.stop();
  process.exit(code);
}

/** `fmes --workspace <ws> …` in its own process group. */
function fmes(args, stdio = 'ignore') {
  return spawnGroup(process.execPath, [CLI, '--workspace', ws, ...args], { stdio });
}
const exited = (child) => new Promise((res) => child.on('exit', (code) => res(code)));

/** The fake model API, and the agent config that points Claude Code at it. */
async function startFakeModel() {
  const home = mkdtempSync(join(tmpdir(), 'fmes-demo-agent-'));
  temp.push(home);
  const child = spawnGroup(process.execPath, ['--import', 'tsx', join('scripts', 'demo', 'fakeModel.ts'), home], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((res, rej) => {
    createInterface({ input: child.stdout }).once('line', res);
    child.once('exit', (code) => rej(new Error(`the fake model API exited (${code}) before it was up`)));
  });
  child.stdout.resume();
  return JSON.parse(line);
}

/** Polls until `file` exists (or `deadline` passes, when given); true when it appeared. */
async function fileAppears(file, deadline = Infinity) {
  while (!existsSync(file)) {
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
  return true;
}

/**
 * Resolves once a person has the workbench open, so the missions' notifications reach someone: code-server
 * touches its heartbeat file on the first request that is not a health check (a browser), then F-MES writes its
 * `fmes` shim into its global storage when it activates in that window.
 */
async function untilWorkbenchOpen(cs) {
  await fileAppears(join(cs.profile.xdgData, 'code-server', 'heartbeat'));
  const shim = join(cs.profile.userDataDir, 'User', 'globalStorage', 'fmes.fmes', 'bin', 'fmes');
  await fileAppears(shim, Date.now() + ACTIVE_WAIT_SEC * 1000);
}

/** Starts T-42 (it waits for the demo agent's lock on src/auth) and T-43 (Claude Code runs it to readyToMerge). */
function startMissions() {
  const output = new Tail(20_000);
  const run = (plan) => {
    const child = fmes(
      ['mission', 'run', join(ws, '.antigravity', 'plans', plan)],
      ['ignore', smoke ? 'pipe' : 'inherit', smoke ? 'pipe' : 'inherit'],
    );
    child.stdout?.on('data', (d) => output.push(d));
    child.stderr?.on('data', (d) => output.push(d));
    return child;
  };
  run('active_plan.md');
  const main = run(`${DEMO_MISSION}.md`);
  void exited(main).then((code) => {
    if (code === 0 && !smoke)
      say(
        `mission ${DEMO_MISSION} is ready to merge: F-MES: Show Dashboard → Merge, or node ${CLI} --workspace ${ws} mission merge ${DEMO_MISSION}`,
      );
  });
  return { output: () => output.toString() };
}

if (!(await checkRequirements({ smoke }))) process.exit(1);

say('packaging F-MES');
const vsix = await packageExtension();
const extensionsDir = mkdtempSync(join(tmpdir(), 'fmes-start-ext-'));
temp.push(extensionsDir);
say('installing it into a private code-server (the first run installs code-server itself, about a minute)');
await installExtension(vsix, { extensionsDir });

const ws = createDemoWorkspace();
if (smoke) temp.push(ws);
say(`demo workspace: ${ws}`);
fmes(['lock', 'run', 'src/auth', '--agent', 'demo-claude', '--intent', 'T-42 rename login', '--', 'sleep', '86400']);
fmes(['watch'], ['ignore', smoke ? 'ignore' : 'inherit', 'inherit']);
const fake = await startFakeModel();
writeDemoConfig(ws, fake.claude, fake.gemini);
// The demo's config points Claude Code at the fake model: a repository's agent settings count only once a person
// confirms them (README, Safety). You started the demo, so it confirms them for you, in a store of its own.
process.env.FMES_STATE_DIR = mkdtempSync(join(tmpdir(), 'fmes-demo-state-'));
temp.push(process.env.FMES_STATE_DIR);
if ((await exited(fmes(['config', 'confirm', '--yes']))) !== 0)
  throw new Error('fmes config confirm failed for the demo workspace');
say(`fake model API for the demo's agents: ${fake.url}`);

server = await startCodeServer({ workspace: ws, extensionsDir, ...(port ? { port } : {}) });
const url = server.workbenchUrl();
console.log(`\nF-MES is running in VS Code: open ${url}\n`);
console.log(
  `Try the CLI against the same workspace:\n  node ${CLI} --workspace ${ws} lock status\n  node ${CLI} --workspace ${ws} mission list\n`,
);

if (smoke) {
  const { smokeCheck } = await import('./demo/smoke.mjs');
  const ok = await smokeCheck(url, { task: DEMO_MISSION, waitingTask: 'T-42', startMissions });
  console.log(`smoke: ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  await stopAll(ok ? 0 : 1);
}

say(
  `once you open the URL, the orchestrator runs the plans T-42 and ${DEMO_MISSION} (open F-MES: Show Dashboard to watch)`,
);
void untilWorkbenchOpen(server).then(() => {
  say('the workbench is open: starting the missions');
  startMissions();
});

// Keep the demo alive: agents come and go, cost accrues, so the panel and the meter move.
const costFile = () => {
  const d = new Date();
  return join(
    ws,
    '.claude',
    'cost_logs',
    `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}.jsonl`,
  );
};
for (let round = 1; ; round++) {
  await sleep(8000);
  // Not src/cart: the T-43 mission would wait for it.
  say('demo-codex locks docs/cart.md for 5 s');
  await exited(
    fmes([
      'lock',
      'run',
      'docs/cart.md',
      '--agent',
      'demo-codex',
      '--intent',
      'T-44 document the cart',
      '--',
      'sleep',
      '5',
    ]),
  );
  mkdirSync(join(ws, '.claude', 'cost_logs'), { recursive: true });
  appendFileSync(
    costFile(),
    JSON.stringify({
      ts: new Date().toISOString(),
      agent: 'demo-codex',
      sessionId: `demo-codex-${round}`,
      costUsd: 0.07,
      turns: 3,
      source: 'codex',
    }) + '\n',
  );
}
