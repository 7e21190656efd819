import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Debian's Chromium, as the e2e tests use it (FMES_CHROMIUM points elsewhere). */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FMES_CHROMIUM ?? '/usr/bin/chromium';
}

export interface Shot {
  png: Buffer;
  /** console.error messages and uncaught page errors, in order. */
  consoleErrors: string[];
}

/** The viewport every proof uses, so the branch's and the base's pictures compare pixel for pixel. */
export const PROOF_VIEWPORT = { width: 1280, height: 800 };

/**
 * Opens `url` in a fresh headless Chromium profile, waits for `waitFor` (a CSS selector or text on the page,
 * whichever appears first), and takes a screenshot with animations stopped. playwright-core drives the system
 * browser; it downloads none.
 */
export async function screenshot(o: { url: string; waitFor?: string; timeoutMs: number }): Promise<Shot> {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-proof-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    viewport: PROOF_VIEWPORT,
    deviceScaleFactor: 1,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'xdg') },
  });
  const consoleErrors: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 1000));
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`.slice(0, 1000)));
    await page.goto(o.url, { waitUntil: 'load', timeout: o.timeoutMs });
    if (o.waitFor) {
      const wait = { state: 'visible' as const, timeout: o.timeoutMs };
      // Either reading may fail to parse as a selector; the other still counts.
      const bySelector = page.locator(o.waitFor).first().waitFor(wait);
      const byText = page.getByText(o.waitFor).first().waitFor(wait);
      await Promise.any([bySelector, byText]).catch(() => {
        throw new Error(`"${o.waitFor}" did not appear on ${o.url} within ${Math.round(o.timeoutMs / 1000)} s`);
      });
    }
    const png = await page.screenshot({ animations: 'disabled', caret: 'hide', fullPage: false });
    return { png, consoleErrors };
  } finally {
    await context.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
