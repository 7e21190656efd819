// VS Code's "set writeable" on a file an agent has locked, in a real VS Code: F-MES makes it read-only again
// and says why, the typed text is kept as a draft named after the file (never dropped), the file on disk is
// unchanged, and when the lock is released the draft is offered back and Compare opens a diff editor.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fmes, freshWorkspace } from './fixtures';
import { notification, openWorkbench, runCommand, screenshot, type Workbench } from './harness';

let wb: Workbench;
let ws: string;
const FILE = 'src/auth/x.ts';
const TYPED = 'typed while locked';

before(async () => {
  ws = freshWorkspace();
  fmes(ws, 'lock', 'acquire', FILE, '--agent', 'claude', '--intent', 'T-42 rename login');
  wb = await openWorkbench({ workspace: ws });
});

after(async () => {
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

const draftFile = () => path.join(ws, '.fmes', 'drafts', ...FILE.split('/'));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await wb.page.waitForTimeout(50);
  assert.ok(check(), what);
}

test('set writeable on a locked file is refused; the typed text is kept as a draft', async () => {
  const { page } = wb;
  const before = fs.readFileSync(path.join(ws, FILE), 'utf8');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(FILE);
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'x.ts' }).first().click();
  const locked = notification(page, /src\/auth\/x\.ts is locked by claude/);
  await locked.waitFor({ state: 'visible', timeout: 30_000 });
  // Three buttons at most, each shown whole.
  const buttons = locked.locator('.monaco-button');
  assert.ok((await buttons.count()) <= 3);
  for (const b of await buttons.all()) {
    const fits = await b.evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
    assert.ok(fits, `button ${await b.innerText()} is not cut off`);
  }
  await runCommand(page, 'File: Set Active Editor Writeable in Session');
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(TYPED);
  const refused = notification(page, /F-MES made it read-only again/);
  await refused.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await refused.innerText(), /\.fmes\/drafts\/src\/auth\/x\.ts/);
  await waitFor(() => fs.existsSync(draftFile()), 'the draft was written');
  assert.match(fs.readFileSync(draftFile(), 'utf8'), new RegExp(TYPED.slice(0, 5)));
  assert.equal(fs.readFileSync(path.join(ws, FILE), 'utf8'), before, 'the file on disk is unchanged');
  await screenshot(page, 'locked-set-writeable-refused');
  // Read-only again: more typing does not reach the buffer, which holds the disk's text.
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.type('ZZZ');
  await page.waitForTimeout(300);
  const shown = await page.locator('.monaco-editor .view-lines').first().innerText();
  assert.doesNotMatch(shown, /ZZZ|typed while/);
});

test('when the lock is released, the draft is offered back and Compare opens a diff editor', async () => {
  const { page } = wb;
  fmes(ws, 'lock', 'release', FILE, '--agent', 'claude');
  const offer = notification(page, /is free again/);
  await offer.waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot(page, 'locked-draft-offered');
  await offer.getByRole('button', { name: 'Compare' }).click();
  const diff = page.locator('.monaco-diff-editor').first();
  await diff.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await page.locator('.tabs-container .tab.active').innerText(), /your draft/);
  await screenshot(page, 'locked-draft-compare');
});
