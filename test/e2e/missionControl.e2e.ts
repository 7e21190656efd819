// Mission control as a person sees it: the activity bar panel, lock badges, the warning when typing into a
// locked file, Force Unlock through the modal, Lock for Me from the palette, and the cost meter.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fmes, freshWorkspace, readLockWhenWritten, writeCostLog } from './fixtures';
import { notification, openWorkbench, runCommand, screenshot, statusBarItem, type Workbench } from './harness';

let wb: Workbench;
let ws: string;

before(async () => {
  ws = freshWorkspace();
  fmes(ws, 'lock', 'acquire', 'src/auth', '--agent', 'claude', '--intent', 'T-42 rename login');
  writeCostLog(ws, [
    { ts: new Date().toISOString(), agent: 'claude', sessionId: 'sess-1', taskId: 'T-42', costUsd: 8.5, turns: 12 },
    { ts: new Date().toISOString(), agent: 'gemini', sessionId: 'gem-1', costUsd: 0.25 },
  ]);
  wb = await openWorkbench({ workspace: ws });
});

after(async () => {
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

test('the F-MES panel in the activity bar lists the lock with holder and intent', async () => {
  const { page } = wb;
  await page.locator('.activitybar .action-item a[aria-label="F-MES"]').click();
  const lockRow = page.locator('.monaco-list-row').filter({ hasText: 'src/auth' }).filter({ hasText: 'claude' });
  await lockRow.first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await lockRow.first().innerText(), /T-42 rename login/);
  for (const section of ['Missions', 'Agents', 'Locks'])
    await page.locator('.monaco-list-row').filter({ hasText: section }).first().waitFor();
  await screenshot(page, 'mission-panel');
});

test('the cost meter shows today’s spend against the budget, in the warning colour', async () => {
  const { page } = wb;
  const meter = statusBarItem(page, /\$8\.75 \/ \$10\.00/);
  await meter.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match((await meter.getAttribute('class')) ?? '', /warning-kind|has-background-color/);
  await screenshot(page, 'cost-meter');
});

test('typing into a locked file does nothing and warns with the agent and its intent', async () => {
  const { page } = wb;
  const before = fs.readFileSync(path.join(ws, 'src/auth/x.ts'), 'utf8');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('src/auth/x.ts');
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'x.ts' }).first().click();
  const warning = notification(page, /src\/auth\/x\.ts is locked by claude \(T-42 rename login\)/);
  await warning.waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.type('// a person was here ');
  await page.keyboard.press('Control+S');
  await page.waitForTimeout(500);
  assert.equal(fs.readFileSync(path.join(ws, 'src/auth/x.ts'), 'utf8'), before);
  assert.doesNotMatch(await page.locator('.monaco-editor .view-lines').first().innerText(), /a person was here/);
  for (const b of ['Show Lock', 'Notify When Free', 'Force Unlock'])
    assert.ok(await warning.getByRole('button', { name: b }).isVisible(), b);
  await screenshot(page, 'locked-file-warning');
});

test('Force Unlock asks for confirmation and a reason, then records the break', async () => {
  const { page } = wb;
  await notification(page, /is locked by claude/)
    .getByRole('button', { name: 'Force Unlock' })
    .click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.innerText(), /claude is working on: T-42 rename login/);
  await screenshot(page, 'force-unlock-confirm');
  await dialog.getByRole('button', { name: 'Force Unlock' }).click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('agent is stuck');
  await page.keyboard.press('Enter');
  const lockFile = path.join(ws, '.locks', 'src%2Fauth.lock');
  for (let i = 0; i < 100 && fs.existsSync(lockFile); i++) await page.waitForTimeout(50);
  assert.ok(!fs.existsSync(lockFile), 'the lock is gone');
  // The lock is moved away first and the record appended right after: wait for the record too.
  const log = path.join(ws, '.locks', '.broken', 'breaks.jsonl');
  for (let i = 0; i < 100 && !fs.existsSync(log); i++) await page.waitForTimeout(50);
  const breaks = fs.readFileSync(log, 'utf8');
  assert.match(breaks, /"reason":"agent is stuck"/);
  assert.match(breaks, /"kind":"forced"/);
});

test('Lock for Me from the command palette writes a lock agents honour', async () => {
  const { page } = wb;
  await page.keyboard.press('Escape');
  await runCommand(page, 'F-MES: Lock for Me');
  const lockFile = path.join(ws, '.locks', 'src%2Fauth%2Fx.ts.lock');
  assert.match((await readLockWhenWritten(lockFile)).agent, /^human:/);
  assert.throws(() => fmes(ws, 'lock', 'acquire', 'src/auth/x.ts', '--agent', 'codex'), /held/);
  await page
    .locator('.monaco-list-row')
    .filter({ hasText: 'src/auth/x.ts' })
    .filter({ hasText: 'human:' })
    .first()
    .waitFor({ timeout: 10_000 });
  await screenshot(page, 'lock-for-me');
});

test('Acquire Lock… asks what you are about to do and locks the active file with it', async () => {
  const { page } = wb;
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('README.md');
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'README.md' }).first().click();
  await page.locator('.tab.active').filter({ hasText: 'README.md' }).waitFor();
  await runCommand(page, 'F-MES: Acquire Lock…');
  // The palette and the input box share one widget: wait for the box's own title before typing.
  await page.locator('.quick-input-widget').filter({ hasText: 'Lock README.md' }).waitFor({ state: 'visible' });
  const input = page.locator('.quick-input-widget input');
  await input.fill('fixing the docs');
  await page.keyboard.press('Enter');
  const lockFile = path.join(ws, '.locks', 'README.md.lock');
  assert.equal((await readLockWhenWritten(lockFile)).intent, 'fixing the docs');
  await runCommand(page, 'F-MES: Release Lock');
  for (let i = 0; i < 100 && fs.existsSync(lockFile); i++) await page.waitForTimeout(50);
  assert.ok(!fs.existsSync(lockFile), 'released from the palette');
});
