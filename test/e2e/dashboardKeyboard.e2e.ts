// The dashboard from the keyboard, in a real VS Code: TODO.md as people expect it (task boxes, comments
// hidden), mission states in words, a mission's diff whose file entries open VS Code's diff editor, Tab
// order through the page, and an update that leaves the focused control focused (only the status line speaks).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, FrameLocator } from 'playwright-core';
import { freshWorkspace } from './fixtures';
import { openWorkbench, runCommand, screenshot, statusBarItem, type Workbench } from './harness';

let wb: Workbench;
let ws: string;
const T0 = '2026-11-22T10:00:00.000Z';

function write(rel: string, content: string | object): void {
  const abs = path.join(ws, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: ws, encoding: 'utf8' }).trim();

before(async () => {
  ws = freshWorkspace();
  write('src/a.ts', 'export const a = 1;\nexport const b = 2;\n');
  git('add', '-A');
  git('commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  git('checkout', '-qb', 'fmes/T-5');
  write('src/a.ts', 'export const a = 10;\nexport const b = 2;\nexport const c = 3;\n');
  write('src/new.ts', 'export const n = 0;\n');
  git('add', '-A');
  git('commit', '-qm', 'mission work');
  git('checkout', '-q', '-');
  write(
    'TODO.md',
    [
      '# Sprint',
      '',
      '- [ ] write the docs',
      '- [x] ship the diff view',
      '',
      '<!-- a note only the file shows -->',
      '',
    ].join('\n'),
  );
  write('.fmes/missions/T-5.json', {
    version: 1,
    taskId: 'T-5',
    title: 'Tune constants',
    planFile: '.antigravity/plans/T-5.md',
    state: 'readyToMerge',
    chain: ['claude'],
    files: ['src/'],
    branch: 'fmes/T-5',
    baseCommit: base,
    crossCheck: { changed: ['src/a.ts', 'src/new.ts'], undeclared: [], reportMismatch: [], ok: true },
    costUsd: 0.5,
    createdAt: T0,
    updatedAt: T0,
  });
  // An outbox is one of the extension's activation events (a .fmes folder alone is not).
  write('.claude/outbox/T-4-claude.json', report('T-4'));
  wb = await openWorkbench({ workspace: ws });
});

function report(taskId: string): object {
  return {
    version: 1,
    agent: 'claude',
    taskId,
    status: 'success',
    summary: 'Tuned.',
    changedFiles: ['src/a.ts'],
    costUsd: 0.5,
    startedAt: T0,
    finishedAt: T0,
  };
}

after(async () => {
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

function dashboard(): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}
async function dashboardFrame(): Promise<Frame> {
  const handle = await wb.page.frameLocator('iframe.webview.ready').locator('#active-frame').elementHandle();
  const frame = await handle?.contentFrame();
  assert.ok(frame, 'the dashboard frame');
  return frame;
}
/** What has focus inside the dashboard page: its aria-label or its text. */
async function focused(): Promise<string> {
  const frame = await dashboardFrame();
  return frame.evaluate<string>(
    `(() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label') || e.textContent || e.tagName).trim() : ''; })()`,
  );
}

test('TODO.md shows task boxes and no comments; the mission state reads as words', async () => {
  await statusBarItem(wb.page, /\$\d+\.\d{2}/).waitFor({ state: 'visible', timeout: 30_000 });
  await runCommand(wb.page, 'F-MES: Show Dashboard');
  const d = dashboard();
  const todo = d.locator('.todo-body');
  await todo.waitFor({ state: 'visible', timeout: 30_000 });
  const boxes = todo.locator('input.task-list-item-checkbox');
  assert.equal(await boxes.count(), 2);
  assert.deepEqual([await boxes.nth(0).isChecked(), await boxes.nth(1).isChecked()], [false, true]);
  assert.ok(await boxes.nth(0).isDisabled());
  assert.doesNotMatch(await todo.innerText(), /note only the file shows|<!--|\[ \]|\[x\]/);
  assert.equal(await d.locator('[data-mission-row="T-5"] [data-field="state"]').innerText(), 'Ready to merge');
  // Only the status line is a live region: an update is announced there, not by re-reading the page.
  assert.equal(await d.locator('[aria-live]').count(), 1);
  assert.equal(await d.locator('#status[role="status"][aria-live="polite"]').count(), 1);
  await d.locator('[data-section="todo"]').scrollIntoViewIfNeeded();
  await screenshot(wb.page, 'dashboard-todo-tasks');
});

test("the mission's diff lists each file with +/− counts", async () => {
  const diff = dashboard().locator('[data-mission="T-5"] [data-diff="T-5"]');
  await diff.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await diff.locator('.diff-summary').innerText(), /2 files changed, \+3 −1/);
  const rows = await diff.locator('button.diff-file').allInnerTexts();
  assert.deepEqual(
    rows.map((r) => r.replace(/\s+/g, ' ').trim()),
    ['src/a.ts +2 −1', 'src/new.ts +1 −0'],
  );
  await diff.scrollIntoViewIfNeeded();
  await screenshot(wb.page, 'dashboard-mission-diff');
});

test('Tab reaches every action in order; Enter on a diff entry opens the diff editor', async () => {
  const d = dashboard();
  // Start from the page's first control (Refresh) and walk with Tab, noting each stop.
  await d.getByRole('button', { name: 'Refresh the dashboard' }).focus();
  const stops: string[] = [await focused()];
  for (let i = 0; i < 12; i++) {
    await wb.page.keyboard.press('Tab');
    stops.push(await focused());
  }
  const iDiff = stops.findIndex((s) => /^Open the diff of src\/a\.ts/.test(s));
  const iMerge = stops.indexOf('Merge mission T-5');
  assert.ok(iDiff > 0, `the diff entry is a Tab stop: ${stops.join(' | ')}`);
  assert.ok(iMerge > iDiff, `Merge comes after the diff, in page order: ${stops.join(' | ')}`);
  assert.ok(stops.includes('Discard mission T-5'), stops.join(' | '));
  // Back to the diff entry, then Enter.
  await d.locator('button.diff-file').first().focus();
  await screenshot(wb.page, 'dashboard-focus-ring');
  await wb.page.keyboard.press('Enter');
  const diffEditor = wb.page.locator('.monaco-diff-editor');
  await diffEditor.first().waitFor({ state: 'visible', timeout: 20_000 });
  const tab = wb.page.locator('.tabs-container .tab.active');
  assert.match(await tab.innerText(), /a\.ts \(\w{7} ↔ fmes\/T-5\)/);
  // Both sides render a moment after the editor opens.
  await diffEditor.first().locator('.view-lines').filter({ hasText: 'a = 10' }).first().waitFor({ timeout: 20_000 });
  await diffEditor.first().locator('.view-lines').filter({ hasText: 'a = 1;' }).first().waitFor({ timeout: 20_000 });
  await screenshot(wb.page, 'dashboard-diff-editor');
});

test('an update keeps focus on the focused button and says what changed on the status line', async () => {
  // Back to the dashboard tab.
  await wb.page.locator('.tabs-container .tab').filter({ hasText: 'F-MES Dashboard' }).click();
  const d = dashboard();
  const discard = d.getByRole('button', { name: 'Discard mission T-5', exact: true });
  await discard.waitFor({ state: 'visible', timeout: 20_000 });
  await discard.focus();
  const frame = await dashboardFrame();
  await frame.evaluate(`window.__kept = document.activeElement; window.__y = window.scrollY`);
  write('.claude/outbox/T-5-claude.json', report('T-5'));
  await d.locator('[data-report=".claude/outbox/T-5-claude.json"]').waitFor({ state: 'attached', timeout: 20_000 });
  const status = d.locator('#status');
  await status.filter({ hasText: /Updated: .*Reports/ }).waitFor({ timeout: 10_000 });
  const [same, y] = await frame.evaluate<[boolean, number]>(
    `[document.activeElement === window.__kept, window.__y - window.scrollY]`,
  );
  assert.ok(same, 'the same Discard button still has focus');
  assert.equal(y, 0, 'the page did not scroll');
  assert.equal(await focused(), 'Discard mission T-5');
  await screenshot(wb.page, 'dashboard-focus-kept');
});
