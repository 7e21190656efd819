// Bundles the mocha suite (test/integration/index.ts + every *.test.ts) into out/integration/, one CommonJS
// file per entry, with 'vscode' (given by the extension host), 'mocha' (one shared instance, from
// node_modules) and the native packages left external. Shared by the code-server and the @vscode/test-electron runners.
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from './paths.mjs';

export const integrationSrc = join(repoRoot, 'test', 'integration');
export const integrationOut = join(repoRoot, 'out', 'integration');

/** @returns {Promise<string>} the absolute path of the bundled index.js (the `extensionTestsPath`) */
export async function bundleIntegrationTests() {
  const tests = readdirSync(integrationSrc, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.startsWith('fixture'))
    .map((f) => join(integrationSrc, f));
  rmSync(integrationOut, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: [join(integrationSrc, 'index.ts'), ...tests].map((f) => relative(repoRoot, f)),
    outbase: relative(repoRoot, integrationSrc),
    outdir: integrationOut,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    sourcesContent: false,
    // Native and file-reading packages load from node_modules, as the extension's bundle loads them (esbuild.mjs).
    external: ['vscode', 'mocha', '@ast-grep/*', 'playwright-core'],
    logLevel: 'warning',
  });
  return join(integrationOut, 'index.js');
}
