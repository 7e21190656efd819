// Launches Debian's Chromium through playwright-core (which downloads no browser of its own).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';
import { ensureDebianPackages } from './debian.mjs';
import { onExit } from './cleanup.mjs';

const ARGS = [
  '--headless',
  '--no-sandbox', // we run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's chromium when it is missing (only for the default path). */
export async function ensureChromium() {
  if (existsSync(chromiumPath)) return chromiumPath;
  if (chromiumPath !== '/usr/bin/chromium') throw new Error(`FMES_CHROMIUM=${chromiumPath} does not exist`);
  await ensureDebianPackages(['chromium']);
  return chromiumPath;
}

/**
 * A fresh browser profile with one page. close() closes the browser and deletes the profile.
 * @param {{ viewport?: { width: number, height: number } }} [opts]
 */
export async function launchBrowser({ viewport = { width: 1400, height: 900 } } = {}) {
  const executablePath = await ensureChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'fmes-chromium-'));
  // On a hard exit Playwright kills the browser itself; we only have to drop the profile.
  const removeExitHook = onExit(() => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 }));
  // Playwright refuses --user-data-dir among args: the persistent context is how it takes a profile folder.
  // Chromium keeps "Crash Reports" under $XDG_CONFIG_HOME/chromium whatever the profile: keep it in ours.
  const env = { ...process.env, XDG_CONFIG_HOME: join(userDataDir, 'xdg-config') };
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport,
    env,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      removeExitHook();
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
