// `npm start -- --smoke`: what a person would see, checked in headless Chromium. The F-MES panel lists the
// demo agent's lock and the plan, the cost meter shows the demo spend; then the missions start, and the
// dashboard shows T-43's merge prompt with its proof pictures and Gemini's review, and T-42 waiting for the demo lock.
import { mkdirSync } from 'node:fs';
import { launchBrowser } from '../codeServer/browser.mjs';

const SHOT = 'test-results/start-smoke.png';
const FAILED_SHOT = 'test-results/start-smoke-failed.png';

/** F1, `>title`, then the row whose label is exactly the title (fuzzy matching may rank others first). */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page
    .getByRole('option', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(,|$)`) })
    .first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

/**
 * @param {string} url the workbench URL
 * @param {{ task: string, waitingTask: string, startMissions: () => { output: () => string } }} demo
 *   startMissions: starts the demo missions once the workbench is up; output() is what they printed so far.
 * @returns {Promise<boolean>}
 */
export async function smokeCheck(url, { task, waitingTask, startMissions }) {
  const browser = await launchBrowser();
  const { page } = browser;
  let missions;
  mkdirSync('test-results', { recursive: true });
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label="F-MES"]').click({ timeout: 30_000 });
    await page
      .locator('.monaco-list-row')
      .filter({ hasText: 'src/auth' })
      .filter({ hasText: 'demo-claude' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.locator('.monaco-list-row').filter({ hasText: 'T-42' }).first().waitFor({ timeout: 10_000 });
    // Before the missions: they add their own (fake) spend.
    await page
      .locator('#workbench\\.parts\\.statusbar .statusbar-item')
      .filter({ hasText: '$0.23 / $10.00' })
      .waitFor({ timeout: 10_000 });
    console.log('smoke: the F-MES panel shows the demo lock and plan, the cost meter shows $0.23');

    missions = startMissions();
    await runCommand(page, 'F-MES: Show Dashboard');
    const dashboard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const prompt = dashboard.locator(`[data-mission="${task}"]`).filter({ hasText: 'Ready to merge' });
    await prompt.waitFor({ state: 'visible', timeout: 60_000 });
    await prompt
      .getByRole('button', { name: `Merge mission ${task}`, exact: true })
      .waitFor({ state: 'visible', timeout: 5_000 });
    await dashboard
      .locator(`[data-mission-row="${waitingTask}"]`)
      .filter({ hasText: 'waiting' })
      .waitFor({ state: 'visible', timeout: 30_000 });
    // The verification of T-43: Gemini's review of Claude's change, and the proof pictures (branch, base, diff).
    const review = dashboard
      .locator('[data-verify-part="review"]')
      .filter({ hasText: `Review by gemini@${task}-review: approved` });
    await review.waitFor({ state: 'visible', timeout: 10_000 });
    const proof = dashboard.locator('[data-verify-part="proof"]').filter({ hasText: 'Visual proof of' });
    await proof.locator('img').first().waitFor({ state: 'visible', timeout: 10_000 });
    await proof.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SHOT });
    console.log(
      `smoke: the dashboard shows mission ${task} ready to merge with its proof pictures and Gemini's review, and ${waitingTask} waiting for the demo lock; screenshot ${SHOT}`,
    );
    return true;
  } catch (e) {
    await page.screenshot({ path: FAILED_SHOT }).catch(() => {});
    console.error(`smoke: ${e.message} (screenshot ${FAILED_SHOT})`);
    if (missions) console.error(`missions' output:\n${missions.output()}`);
    return false;
  } finally {
    await browser.close();
  }
}
