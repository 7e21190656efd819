// One private VS Code workbench in a headless Chromium: code-server on a workspace (a fresh copy of a
// fixture unless a folder is given), the browser on its page, and one close() for all of it.
// The e2e harness (test/e2e/harness.ts) is built on this; types in workbench.d.mts. The harness is CommonJS
// TypeScript run by tsx, which loads this module graph as CommonJS too: no top-level await in any of it.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFixture } from './fixture.mjs';
import { startCodeServer } from './server.mjs';
import { launchBrowser } from './browser.mjs';
import { onExit } from './cleanup.mjs';

/** @param {import('./workbench.d.mts').OpenWorkbenchOptions} [opts] */
export async function openWorkbench({
  workspace,
  fixture,
  trust = false,
  extensionsDir = process.env.FMES_E2E_EXTENSIONS_DIR,
  timeoutMs = 60_000,
  locale,
} = {}) {
  const undo = [];
  const close = async () => {
    for (const step of undo.reverse()) await step();
    undo.length = 0;
  };
  /** A temp folder to delete on close(), or at exit if close() never comes. */
  const tempFolder = (remove) => {
    const removeHook = onExit(remove);
    undo.push(() => {
      removeHook();
      remove();
    });
  };
  try {
    if (!workspace) {
      const copy = copyFixture(fixture);
      tempFolder(copy.cleanup);
      workspace = copy.root;
    }
    if (!extensionsDir)
      throw new Error(
        'no extensions folder: run e2e tests through `npm run test:e2e` (it packages and installs the .vsix and sets FMES_E2E_EXTENSIONS_DIR)',
      );
    if (!existsSync(extensionsDir)) throw new Error(`extensions folder ${extensionsDir} does not exist`);
    // A private copy of the extensions folder: code-server rewrites its extensions.json as it scans it.
    const extensions = mkdtempSync(join(tmpdir(), 'fmes-ext-'));
    tempFolder(() => rmSync(extensions, { recursive: true, force: true }));
    cpSync(extensionsDir, extensions, { recursive: true });
    const server = await startCodeServer({ workspace, trust, extensionsDir: extensions, locale });
    undo.push(server.stop);
    const browser = await launchBrowser();
    undo.push(browser.close);
    const { page } = browser;
    await page.goto(server.workbenchUrl());
    await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    return { page, workspace, server, close };
  } catch (err) {
    await close();
    throw err;
  }
}
