// Shared fixture for the e2e tests: a real VS Code workbench (code-server with the packaged .vsix installed,
// see scripts/testE2e.mjs) in headless Chromium, plus helpers that act and read the UI the way a person does.
// Everything in the workbench is ordinary DOM; a webview's content is two iframes deep:
// page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').
//
// To add tests: create test/e2e/<area>.e2e.ts (Node's test runner: `import { after, before, test } from
// 'node:test'`), open a workbench in `before`, close it in `after`, and take screenshots worth looking at.
// `npm run test:e2e` packages the .vsix, installs it, and runs every *.e2e.ts, one file at a time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  openWorkbench as open,
  type OpenWorkbenchOptions,
  type Workbench,
} from '../../scripts/codeServer/workbench.mjs';

export type { Workbench, OpenWorkbenchOptions };

const repoRoot = path.resolve(__dirname, '..', '..');
export const screenshotDir = path.join(repoRoot, 'test-results', 'e2e');

/**
 * Starts a private code-server on a fresh copy of test/integration/fixture (or `workspace`), opens it in
 * Chromium and waits for the workbench. Always `close()` it (in an `after` hook).
 */
export function openWorkbench(opts: OpenWorkbenchOptions = {}): Promise<Workbench> {
  return open(opts);
}

/** Runs a command by its palette title, e.g. `runCommand(page, 'F-MES: Show Log')`: F1, type `>title`, pick it. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  // Pick the row whose label is exactly the title (fuzzy matching may rank others first).
  const row = page.getByRole('option', { name: new RegExp(`^${escapeRegExp(title)}(,|$)`) }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** Saves a full-window PNG as test-results/e2e/<name>.png and returns its path. Look at it. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The status bar item showing `text` (its label or visible text). */
export function statusBarItem(page: Page, text: string | RegExp): Locator {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item').filter({ hasText: text });
}

/** Every status bar item's accessible label (or its text when it has none), left to right. */
export async function statusBarTexts(page: Page): Promise<string[]> {
  const items = page.locator('#workbench\\.parts\\.statusbar .statusbar-item');
  const texts: string[] = [];
  for (const item of await items.all())
    texts.push(((await item.getAttribute('aria-label')) ?? (await item.innerText())).trim());
  return texts;
}

/** The notification toast whose message contains `text`. */
export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text });
}

/** The messages of the notification toasts on screen now. */
export async function notificationTexts(page: Page): Promise<string[]> {
  return (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) =>
    t.trim(),
  );
}

/**
 * Answers the "Do you trust the authors of the files in this folder?" dialog that a workbench opened with
 * `trust: true` shows at startup. Waits for it (it comes a moment after the workbench), then picks
 * "Yes, I trust the authors" or "No, I don't trust the authors" (restricted mode).
 */
export async function answerTrustDialog(page: Page, { trust }: { trust: boolean }, timeoutMs = 30_000): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'Do you trust the authors' });
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  await dialog
    .getByRole('button', { name: trust ? /^Yes, I trust the authors/ : /^No, I don't trust the authors/ })
    .click();
  await dialog.waitFor({ state: 'hidden' });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
