// The integration suite's entry point: the extension host (code-server's here, VS Code's under
// @vscode/test-electron) loads this bundle as `extensionTestsPath` and calls run().
// Every *.test.js bundled beside it runs, in path order. Output goes through console.log, which the
// extension host forwards to the workbench's console, where scripts/testIntegration.mjs picks it up.
//
// To add tests: create test/integration/<area>.test.ts with `import { suite, test } from 'mocha'` (tdd UI)
// and `import * as vscode from 'vscode'`. It is bundled and run by `npm run test:integration` (code-server,
// here) and `npm run test:electron` (desktop VS Code, where it can be downloaded), with a fresh git copy of
// test/integration/fixture/ open as the workspace.
//
// Environment (set on the code-server process, inherited by the extension host):
//   FMES_TEST_GREP   only run tests whose full title matches this regular expression
//   FMES_TEST_COLOR  "1" for ANSI colours in mocha's output
//   FMES_CONSOLE_TAG prefix each line of mocha's output with this tag: code-server prints the extension
//                    host's console through the workbench's log service, mixed with the workbench's own
//                    lines, and its runner keeps only the tagged ones (FMES_VERBOSE=1 shows the rest)
import * as fs from 'node:fs';
import { findSourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // The test bundles carry inline source maps; mapStack() uses them (loaded only once this is on).
  process.setSourceMapsEnabled(true);
  const log = tagOutput(process.env.FMES_CONSOLE_TAG);
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: process.env.FMES_TEST_COLOR === '1',
    timeout: 20_000,
    ...(process.env.FMES_TEST_GREP ? { grep: process.env.FMES_TEST_GREP } : {}),
  });
  for (const file of findTests(__dirname)) mocha.addFile(file);

  let runner: Mocha.Runner | undefined;
  await new Promise<void>((resolve) => {
    runner = mocha.run(() => resolve());
    runner.on('fail', (_test, err: Error) => {
      if (err.stack) err.stack = mapStack(err.stack);
    });
  });
  const stats = runner?.stats ?? { passes: 0, failures: 0, pending: 0 };
  // The closing line CI looks for, on a line of its own.
  log(`integration: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
  if (stats.failures > 0) throw new Error(`${stats.failures} integration test(s) failed`);
  if (stats.passes === 0) {
    log(`integration: no test ran${process.env.FMES_TEST_GREP ? ` (grep ${process.env.FMES_TEST_GREP})` : ''}`);
    throw new Error('no integration test ran');
  }
}

/**
 * Sends mocha's output (and our summary) through console.log, each line prefixed with `tag` when one is set.
 * (Patching console itself does not work: the extension host defines console.* with a setter that ignores
 * assignments.)
 */
function tagOutput(tag: string | undefined): (...args: unknown[]) => void {
  const write = (...args: unknown[]) => {
    if (!tag) return console.log(...args);
    for (const line of format(...args).split('\n')) console.log(`${tag} ${line}`);
  };
  Mocha.reporters.Base.consoleLog = write;
  return write;
}

/**
 * Points the frames of a stack at the TypeScript sources. (The extension host replaces
 * Error.prepareStackTrace, which switches off Node's own source-mapped stacks.)
 */
function mapStack(stack: string): string {
  // Mocha has already made the paths relative to the working directory.
  return stack.replace(/([^\s()]+\.js):(\d+):(\d+)/g, (frame, file: string, line: string, column: string) => {
    const entry = findSourceMap(path.resolve(file))?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    const source = entry.originalSource.startsWith('file:')
      ? fileURLToPath(entry.originalSource)
      : entry.originalSource;
    return `${path.relative(process.cwd(), source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}
