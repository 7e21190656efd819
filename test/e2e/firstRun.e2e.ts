// First run as a new user sees it: the F-MES icon in the activity bar, the panel's welcome in a workspace with
// nothing of F-MES yet, the walkthrough, Initialize Workspace from it (diff, then Apply), a first plan from New
// Plan…, and the panel listing that plan. With FMES_README_SCREENSHOTS=1 the screenshots also go to
// media/screenshots/ (README shows them; commit them when the UI changes).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { freshWorkspace } from './fixtures';
import { openWorkbench, screenshot, type Workbench } from './harness';

const readmeShots = path.resolve(__dirname, '..', '..', 'media', 'screenshots');

/** A screenshot for test-results/e2e/, and for README when asked. */
async function shot(page: Page, name: string): Promise<void> {
  const file = await screenshot(page, name);
  if (process.env.FMES_README_SCREENSHOTS === '1') {
    fs.mkdirSync(readmeShots, { recursive: true });
    fs.copyFileSync(file, path.join(readmeShots, `${name}.png`));
  }
}

let wb: Workbench;
let ws: string;

before(async () => {
  ws = freshWorkspace();
  wb = await openWorkbench({ workspace: ws });
});

after(async () => {
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

test('an empty workspace: the F-MES panel shows its welcome with Initialize Workspace', async () => {
  const { page } = wb;
  await page.locator('.activitybar .action-item a[aria-label="F-MES"]').click();
  const welcome = page.locator('.welcome-view-content').filter({ hasText: 'No plans, agents or locks here yet.' });
  await welcome.waitFor({ state: 'visible', timeout: 30_000 });
  for (const button of ['Initialize Workspace', 'New Plan', 'Get Started with F-MES'])
    await welcome.getByRole('button', { name: button }).waitFor();
  await shot(page, 'welcome');
});

test('the walkthrough opens from the welcome and leads through init, a first plan, start and merge', async () => {
  const { page } = wb;
  await page.locator('.welcome-view-content').getByRole('button', { name: 'Get Started with F-MES' }).click();
  const steps = page.locator('.gettingStartedSlideDetails');
  await steps.waitFor({ state: 'visible', timeout: 30_000 });
  for (const title of ['Initialize the workspace', 'Write a first plan', 'Start a mission', 'Review and merge'])
    await steps.locator('.getting-started-step').filter({ hasText: title }).first().waitFor();
  // The first step's picture beside the steps (an SVG in the display language), loaded, with its alt text.
  const picture = page.locator('.getting-started-media img[alt^="Initialize Workspace: the diff"]');
  await picture.waitFor({ state: 'visible', timeout: 30_000 });
  const width = await picture.evaluate(async (el) => {
    const img = el as unknown as { decode(): Promise<void>; naturalWidth: number };
    await img.decode();
    return img.naturalWidth;
  });
  assert.ok(width > 0, 'the picture loaded');
  await shot(page, 'walkthrough');
});

test("the walkthrough's Initialize Workspace shows the diff, and Apply writes the files", async () => {
  const { page } = wb;
  await page.locator('.getting-started-step.expanded').getByRole('button', { name: 'Initialize Workspace' }).click();
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'apply these changes' });
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Apply' }).click();
  for (const f of ['CLAUDE.md', '.cursor/rules/fmes.mdc', '.cursor/mcp.json', '.claude/settings.json'])
    await waitForFile(path.join(ws, f));
});

test('New Plan… writes a valid first plan, and the panel lists it', async () => {
  const { page } = wb;
  // The diff Initialize Workspace showed now covers the walkthrough; the panel (still without a plan) offers the same.
  await page.locator('.welcome-view-content').getByRole('button', { name: 'New Plan' }).click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('Add a cart total helper');
  await page.keyboard.press('Enter');
  const plans = path.join(ws, '.antigravity', 'plans');
  await waitForFile(plans);
  const [plan] = await waitFor(() => fs.readdirSync(plans).filter((f) => f.endsWith('.md')));
  assert.match(fs.readFileSync(path.join(plans, plan), 'utf8'), /^title: "Add a cart total helper"$/m);
  // The panel is still open (clicking its icon again would close it): the plan's row replaces the welcome.
  const row = page.locator('.monaco-list-row').filter({ hasText: 'Add a cart total helper' });
  await row.first().waitFor({ state: 'visible', timeout: 30_000 });
  await shot(page, 'first-plan');
});

async function waitForFile(file: string, ms = 30_000): Promise<void> {
  await waitFor(() => fs.existsSync(file), ms);
}

async function waitFor<T>(cond: () => T, ms = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (Array.isArray(v) ? v.length > 0 : v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
