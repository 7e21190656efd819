// `npm run test:electron`: the same mocha suite as test:integration (test/integration/), run by
// @vscode/test-electron in a downloaded desktop VS Code (cached in .vscode-test/). For machines that can
// reach VS Code's download servers (a laptop, a public CI); on Linux without a display run it under
// `xvfb-run -a`. Where VS Code cannot be downloaded, use `npm run test:integration` (code-server).
//
//   npm run test:electron [-- --grep <regexp>]      FMES_VSCODE_VERSION=1.100.3 picks the VS Code version
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';
import { repoRoot } from './codeServer/paths.mjs';
import { bundleIntegrationTests } from './codeServer/integrationBundle.mjs';
import { copyFixture } from './codeServer/fixture.mjs';
import { onExit } from './codeServer/cleanup.mjs';
import { log, run } from './codeServer/proc.mjs';

const grepAt = process.argv.indexOf('--grep');
const grep = grepAt > 0 ? process.argv[grepAt + 1] : undefined;
const version = process.env.FMES_VSCODE_VERSION ?? 'stable';

/** Downloads (or finds in .vscode-test/) the VS Code to run; on failure explains what to use instead. */
async function vscodeExecutable() {
  try {
    return await downloadAndUnzipVSCode(version);
  } catch (err) {
    throw new Error(
      `could not download VS Code ${version} (${err?.message ?? err}).\n` +
        "This machine cannot reach VS Code's download servers: run the same suite in code-server instead with `npm run test:integration`.",
    );
  }
}

const fixture = copyFixture();
onExit(fixture.cleanup);
let exitCode = 1;
try {
  const vscodeExecutablePath = await vscodeExecutable();
  log('building the extension (dev) and bundling the tests');
  await run(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });
  const extensionTestsPath = await bundleIntegrationTests();
  exitCode = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: { FMES_TEST_COLOR: process.stdout.isTTY ? '1' : '0', ...(grep ? { FMES_TEST_GREP: grep } : {}) },
    launchArgs: [
      fixture.root,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (err) {
  // A failing suite has already printed its report; anything else gets its message here.
  exitCode = err instanceof TestRunFailedError ? (err.code ?? 1) : 1;
  process.stderr.write(`test:electron: ${err?.message ?? err}\n`);
} finally {
  fixture.cleanup();
}
process.exit(exitCode);
