// Where the code-server harness keeps things. Everything lives under the repo's git-ignored .cache/.
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** The newest code-server whose engines accept Node 20 (4.139.x needs Node 24). VS Code 1.100.3 inside. */
export const CODE_SERVER_VERSION = '4.100.3';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheRoot = join(repoRoot, '.cache', 'code-server');

/** The folder a given version installs into (an npm project with code-server as its only dependency). */
export function installDir(version = CODE_SERVER_VERSION) {
  return join(cacheRoot, version);
}

/** code-server's entry point: run it with `node <entry> …` so the Node that runs the harness runs it too. */
export function codeServerEntry(version = CODE_SERVER_VERSION) {
  return join(installDir(version), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Debian's Chromium, which Playwright drives (playwright-core downloads no browser). */
export const chromiumPath = process.env.FMES_CHROMIUM ?? '/usr/bin/chromium';
