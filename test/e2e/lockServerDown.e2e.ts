// A lock server that does not answer, as a person sees it: the status bar says so and the dashboard's header
// carries an alert naming the server and what to check. The workbench's extension host gets FMES_LOCKS_BACKEND
// pointing at a loopback port where nothing listens (code-server passes its environment on).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { freshWorkspace } from './fixtures';
import { openWorkbench, runCommand, screenshot, statusBarItem, statusBarTexts, type Workbench } from './harness';

let wb: Workbench;
let ws: string;
let port: number;
const saved = process.env.FMES_LOCKS_BACKEND;

/** A loopback port that was free a moment ago: connections to it are refused. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

before(async () => {
  ws = freshWorkspace();
  // Something F-MES activates on (workspaceContains:.antigravity/plans); its commands are listed once active.
  fs.mkdirSync(path.join(ws, '.antigravity', 'plans'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.antigravity', 'plans', 'README.md'), 'Plans land here.\n');
  port = await closedPort();
  process.env.FMES_LOCKS_BACKEND = `redis://127.0.0.1:${port}/0`;
  process.env.FMES_LOCKS_NAMESPACE = 'e2e';
  wb = await openWorkbench({ workspace: ws });
});

after(async () => {
  if (saved === undefined) delete process.env.FMES_LOCKS_BACKEND;
  else process.env.FMES_LOCKS_BACKEND = saved;
  delete process.env.FMES_LOCKS_NAMESPACE;
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

function dashboard(): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

test('the status bar and the dashboard show the lock server down, naming it', async () => {
  await statusBarItem(wb.page, /locks: server down/)
    .waitFor({ state: 'visible', timeout: 60_000 })
    .catch(async (e: unknown) => {
      await screenshot(wb.page, 'lock-server-down-failed');
      assert.fail(`${String(e)}\nstatus bar: ${JSON.stringify(await statusBarTexts(wb.page))}`);
    });
  await runCommand(wb.page, 'F-MES: Show Dashboard');
  const banner = dashboard().locator('[data-field="lockBackend"]');
  await banner.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await banner.getAttribute('data-state'), 'down');
  assert.equal(await banner.getAttribute('role'), 'alert');
  const text = await banner.innerText();
  assert.match(text, new RegExp(`Lock server down: redis://127\\.0\\.0\\.1:${port}/0`));
  assert.match(text, /Writes by agents are denied until it answers/);
  assert.match(text, /cannot reach the lock server .*Check that redis-server runs there/s);
  await screenshot(wb.page, 'dashboard-lock-server-down');
});
