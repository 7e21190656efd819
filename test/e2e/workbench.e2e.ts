import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { openWorkbench, runCommand, screenshot, type Workbench } from './harness';

let wb: Workbench;

before(async () => {
  wb = await openWorkbench();
});

after(async () => {
  await wb?.close();
});

test('the workbench loads with F-MES installed from the .vsix', async () => {
  const { page } = wb;
  await runCommand(page, 'View: Show Extensions');
  const installed = page.locator(
    '.extensions-viewlet .monaco-list-row[aria-label^="F-MES: Multi-Agent Mission Control"]',
  );
  await installed.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await installed.getAttribute('aria-label')) ?? '', /Publisher fmes/);
  // Its view container is in the activity bar.
  await page.locator('.activitybar .action-item a[aria-label="F-MES"]').waitFor({ state: 'visible' });
  const png = await screenshot(page, 'workbench-extension-installed');
  assert.ok(fs.statSync(png).size > 10_000, `screenshot ${png} looks empty`);
});
