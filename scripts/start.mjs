// `npm start`: F-MES running in a real VS Code on a demo workspace.
//
// Packages the extension as a .vsix, installs it into a private code-server (installed on demand into
// .cache/), creates a demo git repository with a plan, a report, a cost log and a lock held by a demo agent
// process, opens it, and prints the URL to open in a browser. While it runs, demo agents keep working
// through the real `fmes` CLI (taking and releasing locks, adding cost), and every bus event is printed.
// Ctrl-C stops everything.
//
// `npm start -- --smoke` does the same, then checks the workbench in headless Chromium (the F-MES panel
// lists the demo agent's lock, the cost meter shows the demo spend), saves a screenshot to
// test-results/start-smoke.png and exits: 0 if all was there (CI runs it).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDemoWorkspace } from './demo/workspace.mjs';
import { packageExtension } from './package.mjs';
import { installExtension, startCodeServer } from './codeServer/server.mjs';
import { onExit } from './codeServer/cleanup.mjs';

const CLI = resolve('dist/cli.mjs');
const smoke = process.argv.includes('--smoke');
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (line) => process.stdout.write(`\x1b[2m# ${line}\x1b[0m\n`);

const children = [];
const temp = [];
let server;
async function stopAll(code) {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await server?.stop();
  for (const t of temp) rmSync(t, { recursive: true, force: true });
  process.exit(code);
}
onExit(() => {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/** A long-running demo agent: its own process group, so Ctrl-C and stopAll take it and its command down. */
function agent(args) {
  const c = spawn(process.execPath, [CLI, '--workspace', ws, ...args], { detached: true, stdio: 'ignore' });
  children.push(c);
  return c;
}
function fmes(args) {
  return new Promise((res) => spawn(process.execPath, [CLI, '--workspace', ws, ...args], { stdio: 'ignore' }).on('exit', res));
}

say('packaging F-MES');
const vsix = await packageExtension();
const extensionsDir = mkdtempSync(join(tmpdir(), 'fmes-start-ext-'));
temp.push(extensionsDir);
say('installing it into a private code-server (the first run installs code-server itself, about a minute)');
await installExtension(vsix, { extensionsDir });

const ws = createDemoWorkspace();
if (smoke) temp.push(ws);
say(`demo workspace: ${ws}`);
agent(['lock', 'run', 'src/auth', '--agent', 'demo-claude', '--intent', 'T-42 rename login', '--', 'sleep', '86400']);

const watch = spawn(process.execPath, [CLI, '--workspace', ws, 'watch'], { detached: true, stdio: ['ignore', smoke ? 'ignore' : 'inherit', 'inherit'] });
children.push(watch);

server = await startCodeServer({ workspace: ws, extensionsDir, ...(port ? { port } : {}) });
const url = server.workbenchUrl();
console.log(`\nF-MES is running in VS Code: open ${url}\n`);
console.log(`Try the CLI against the same workspace:\n  node ${CLI} --workspace ${ws} lock status\n  node ${CLI} --workspace ${ws} lock acquire README.md --agent me --intent "docs"\n`);

if (smoke) {
  const ok = await smokeCheck(url);
  await stopAll(ok ? 0 : 1);
}

// Keep the demo alive: agents come and go, cost accrues, so the panel and the meter move.
const costFile = () => {
  const d = new Date();
  return join(ws, '.claude', 'cost_logs', `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}.jsonl`);
};
for (let round = 1; ; round++) {
  await sleep(8000);
  say('demo-codex locks src/cart for 5 s');
  await fmes(['lock', 'run', 'src/cart', '--agent', 'demo-codex', '--intent', 'cart totals', '--', 'sleep', '5']);
  mkdirSync(join(ws, '.claude', 'cost_logs'), { recursive: true });
  appendFileSync(costFile(), JSON.stringify({ ts: new Date().toISOString(), agent: 'demo-codex', sessionId: `demo-codex-${round}`, costUsd: 0.07, turns: 3, source: 'codex' }) + '\n');
}

async function smokeCheck(url) {
  const { launchBrowser } = await import('./codeServer/browser.mjs');
  const browser = await launchBrowser();
  const { page } = browser;
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label="F-MES"]').click({ timeout: 30_000 });
    await page.locator('.monaco-list-row').filter({ hasText: 'src/auth' }).filter({ hasText: 'demo-claude' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.monaco-list-row').filter({ hasText: 'T-42' }).first().waitFor({ timeout: 10_000 });
    await page.locator('#workbench\\.parts\\.statusbar .statusbar-item').filter({ hasText: '$0.23 / $10.00' }).waitFor({ timeout: 10_000 });
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/start-smoke.png' });
    console.log('smoke: the F-MES panel shows the demo lock and plan, the cost meter shows $0.23; screenshot test-results/start-smoke.png');
    return true;
  } catch (e) {
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/start-smoke-failed.png' }).catch(() => {});
    console.error(`smoke: ${e.message} (screenshot test-results/start-smoke-failed.png)`);
    return false;
  } finally {
    await browser.close();
  }
}
