// One run in Korean: code-server with `--locale ko`. F-MES's own strings come from package.nls.ko.json (the
// palette, the view's name) and l10n/bundle.l10n.ko.json (the panel's rows, notifications); VS Code's own UI
// stays English unless a Korean language pack is installed (none is here).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { fmes, freshWorkspace } from './fixtures';
import { notification, openWorkbench, runCommand, screenshot, type Workbench } from './harness';

let wb: Workbench;
let ws: string;

before(async () => {
  ws = freshWorkspace();
  fmes(ws, 'lock', 'acquire', 'src/auth', '--agent', 'claude', '--intent', 'T-42 로그인 이름 변경');
  wb = await openWorkbench({ workspace: ws, locale: 'ko' });
});

after(async () => {
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

test('the panel: Korean section names and row details from the l10n bundle', async () => {
  const { page } = wb;
  await page.locator('.activitybar .action-item a[aria-label="F-MES"]').click();
  const lockRow = page.locator('.monaco-list-row').filter({ hasText: 'src/auth' }).filter({ hasText: 'claude' });
  await lockRow.first().waitFor({ state: 'visible', timeout: 30_000 });
  for (const section of ['미션', '에이전트', '잠금'])
    await page
      .locator('.monaco-list-row')
      .filter({ hasText: new RegExp(`^${section}`) })
      .first()
      .waitFor();
  // The view's name comes from package.nls.ko.json.
  await page.getByText('미션 컨트롤').first().waitFor();
  await screenshot(page, 'korean-panel');
});

test('the palette: command titles from package.nls.ko.json', async () => {
  const { page } = wb;
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>F-MES: ');
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  // Each localized command shows its Korean title, with VS Code's English alias under it.
  await rows.filter({ hasText: '계획으로 미션 시작' }).first().waitFor();
  const labels = (await rows.allInnerTexts()).join('\n');
  for (const title of ['강제 잠금 해제…', '내 잠금으로 설정', '대시보드 표시'])
    assert.ok(labels.includes(title), title);
  await screenshot(page, 'korean-palette');
  await input.fill('>F-MES: 미션 패널');
  await rows.filter({ hasText: '미션 패널 표시' }).first().waitFor();
  await page.keyboard.press('Escape');
});

test('a notification: Validate Artifacts reports in Korean', async () => {
  const { page } = wb;
  await runCommand(page, 'F-MES: 산출물 검증');
  const toast = notification(page, /F-MES: 산출물 \d+개를 검증했습니다/);
  await toast.waitFor({ state: 'visible', timeout: 20_000 });
  await page.waitForTimeout(500); // the toast slides in
  await screenshot(page, 'korean-notification');
});
