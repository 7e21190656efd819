// `npm run test:e2e`: UI tests against a real VS Code (code-server, installed on demand) in Debian's
// Chromium, with the extension packaged as a .vsix and installed the way a user installs it.
// Test files are test/e2e/**/*.e2e.ts, run by Node's test runner through tsx; each opens its workbench with
// test/e2e/harness.ts. Screenshots land in test-results/e2e/.
//
//   npm run test:e2e [-- test/e2e/some.e2e.ts …]
// Environment: FMES_TEST_TIMEOUT_MS whole-run limit (default 600000) · FMES_E2E_TEST_TIMEOUT_MS per test (120000)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from './codeServer/paths.mjs';
import { ensureCodeServer } from './codeServer/install.mjs';
import { ensureChromium } from './codeServer/browser.mjs';
import { installExtension } from './codeServer/server.mjs';
import { onExit } from './codeServer/cleanup.mjs';
import { log } from './codeServer/proc.mjs';
import { packageExtension } from './package.mjs';

const totalTimeoutMs = Number(process.env.FMES_TEST_TIMEOUT_MS ?? 600_000);
const testTimeoutMs = Number(process.env.FMES_E2E_TEST_TIMEOUT_MS ?? 120_000);

function findE2eTests(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.e2e.ts'))
    .map((f) => join(dir, f))
    .sort();
}

/** Runs the test files in one `node --test` process; resolves with its exit code. */
function runTests(files, env) {
  return new Promise((resolve) => {
    const args = [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-concurrency=1',
      `--test-timeout=${testTimeoutMs}`,
      ...files,
    ];
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'inherit' });
    // On our own exit or signal, pass it on: the test process tears down its workbenches itself.
    const removeHook = onExit(() => child.kill('SIGTERM'));
    const timer = setTimeout(() => {
      process.stderr.write(`test:e2e: the e2e tests did not finish within ${totalTimeoutMs / 1000} s; stopping them\n`);
      child.kill('SIGTERM');
    }, totalTimeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      removeHook();
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const started = Date.now();
const extensionsDir = mkdtempSync(join(tmpdir(), 'fmes-e2e-ext-'));
const removeExtensions = () => rmSync(extensionsDir, { recursive: true, force: true });
onExit(removeExtensions);
let exitCode = 1;
try {
  const args = process.argv.slice(2);
  const files = args.length
    ? args.flatMap((a) => (statSync(a).isDirectory() ? findE2eTests(a) : [a]))
    : findE2eTests(join(repoRoot, 'test', 'e2e'));
  if (files.length === 0) throw new Error('no test/e2e/**/*.e2e.ts files found');
  await ensureCodeServer();
  await ensureChromium();
  const vsix = await packageExtension();
  log(`installing ${relative(repoRoot, vsix)} into a private extensions folder`);
  await installExtension(vsix, { extensionsDir });
  exitCode = await runTests(files, { FMES_E2E_EXTENSIONS_DIR: extensionsDir });
} catch (err) {
  process.stderr.write(`test:e2e: ${err.message}\n`);
  exitCode = 1;
} finally {
  removeExtensions();
}
log(`test:e2e exit ${exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(exitCode);
