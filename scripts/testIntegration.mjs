// `npm run test:integration`: the mocha suite in test/integration/ inside a real VS Code extension host
// (code-server, installed on demand), with the extension under development loaded from this repo and a fresh
// copy of test/integration/fixture/ as the workspace. Exits with the suite's code.
//
//   npm run test:integration [-- --grep <regexp>]
// Environment: FMES_TEST_TIMEOUT_MS (default 180000) · FMES_VERBOSE=1 also prints the workbench's own console.
import { repoRoot } from './codeServer/paths.mjs';
import { bundleIntegrationTests } from './codeServer/integrationBundle.mjs';
import { copyFixture } from './codeServer/fixture.mjs';
import { startCodeServer } from './codeServer/server.mjs';
import { launchBrowser } from './codeServer/browser.mjs';
import { CONSOLE_TAG, runInExtensionHost } from './codeServer/extensionHost.mjs';
import { onExit } from './codeServer/cleanup.mjs';
import { log, run } from './codeServer/proc.mjs';

const timeoutMs = Number(process.env.FMES_TEST_TIMEOUT_MS ?? 180_000);
const grepAt = process.argv.indexOf('--grep');
const grep = grepAt > 0 ? process.argv[grepAt + 1] : undefined;

const started = Date.now();
let exitCode = 1;
let server;
let browser;
const fixture = copyFixture();
onExit(fixture.cleanup);
try {
  log('building the extension (dev) and bundling the tests');
  await run(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });
  const extensionTestsPath = await bundleIntegrationTests();

  server = await startCodeServer({
    workspace: fixture.root,
    env: {
      FMES_CONSOLE_TAG: CONSOLE_TAG,
      FMES_TEST_COLOR: process.stdout.isTTY ? '1' : '0',
      ...(grep ? { FMES_TEST_GREP: grep } : {}),
      ...(process.env.FMES_BENCH
        ? { FMES_BENCH: process.env.FMES_BENCH, FMES_BENCH_OUT: process.env.FMES_BENCH_OUT ?? '' }
        : {}),
    },
  });
  log(`code-server ${server.url} (pid ${server.pid}), workspace ${fixture.root}`);
  browser = await launchBrowser();
  exitCode = await runInExtensionHost({
    server,
    page: browser.page,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    timeoutMs,
    onOther: process.env.FMES_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
  });
} catch (err) {
  process.stderr.write(`test:integration: ${err.message}\n`);
  if (server) process.stderr.write(`--- code-server output (tail) ---\n${server.output()}\n`);
  exitCode = 1;
} finally {
  await browser?.close();
  await server?.stop();
  fixture.cleanup();
}
log(`test:integration exit ${exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(exitCode);
