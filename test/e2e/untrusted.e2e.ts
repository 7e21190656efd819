// In a workspace the person has not trusted, F-MES shows state but offers nothing that writes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { fmes, freshWorkspace } from './fixtures';
import { answerTrustDialog, openWorkbench, screenshot, type Workbench } from './harness';

let wb: Workbench;
let ws: string;

before(async () => {
  ws = freshWorkspace();
  fmes(ws, 'lock', 'acquire', 'src/a.ts', '--agent', 'claude', '--intent', 'untrusted check');
  wb = await openWorkbench({ workspace: ws, trust: true });
});

after(async () => {
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

test('untrusted: the panel shows the lock, and the palette offers no command that writes', async () => {
  const { page } = wb;
  await answerTrustDialog(page, { trust: false });
  await page.locator('.activitybar .action-item a[aria-label="F-MES"]').click();
  await page
    .locator('.monaco-list-row')
    .filter({ hasText: 'src/a.ts' })
    .filter({ hasText: 'claude' })
    .first()
    .waitFor({ timeout: 30_000 });
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>F-MES:');
  await page.waitForTimeout(500);
  const offered = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
  const titles = offered.join('\n');
  assert.match(titles, /Show Mission Panel/);
  for (const writes of ['Lock for Me', 'Acquire Lock', 'Release Lock', 'Force Unlock'])
    assert.doesNotMatch(titles, new RegExp(writes));
  await screenshot(page, 'untrusted-palette');
  await page.keyboard.press('Escape');
});
