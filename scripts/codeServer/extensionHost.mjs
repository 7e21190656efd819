// Runs an extensionTestsPath module inside code-server's real extension host, driven by a browser page.
//
// code-server refuses --extensionDevelopmentPath on its command line, but its workbench URL takes a
// `payload` that does the same; the workbench then calls window.codeAutomationExit(code) once the tests'
// run() has settled (0 = passed). In this test mode the workbench passes the extension host's console.*
// to its own log service, which writes to the page's console mixed with the workbench's own lines: the
// suite (test/integration/index.ts) tags its lines with FMES_CONSOLE_TAG and we keep only those.
import { format } from 'node:util';

/** The tag test/integration/index.ts puts before each console line when FMES_CONSOLE_TAG is set to it. */
export const CONSOLE_TAG = '[fmes-test]';

/**
 * The code-server must have been started with env FMES_CONSOLE_TAG = CONSOLE_TAG.
 * @param {{ server: { port: number, workbenchUrl: (o: object) => string }, page: import('playwright-core').Page,
 *   extensionDevelopmentPath: string, extensionTestsPath: string, timeoutMs: number,
 *   onLine?: (line: string) => void, onOther?: (line: string) => void }} opts
 *   onLine gets each line the extension host logged; onOther every other console message of the page.
 * @returns {Promise<number>} the exit code the workbench reported
 */
export async function runInExtensionHost({
  server,
  page,
  extensionDevelopmentPath,
  extensionTestsPath,
  timeoutMs,
  onLine = (l) => process.stdout.write(`${l}\n`),
  onOther = () => {},
}) {
  const remote = (abs) => `vscode-remote://127.0.0.1:${server.port}${abs}`;
  let settle;
  const exitCode = new Promise((resolve) => (settle = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => settle(Number(code)));

  // Formatting needs a round trip per argument: chain it so lines come out in the order they were logged.
  let printed = Promise.resolve();
  let testLines = 0;
  const recent = []; // the workbench's last lines, shown when the suite never got to say anything
  const other = (line) => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    onOther(line);
  };
  page.on('console', (msg) => {
    printed = printed.then(async () => {
      const text = await formatConsole(msg);
      const at = text.indexOf(`${CONSOLE_TAG} `);
      if (at >= 0) {
        testLines++;
        onLine(text.slice(at + CONSOLE_TAG.length + 1));
      } else other(`[page ${msg.type()}] ${text}`);
    });
  });
  page.on('pageerror', (err) => other(`[page error] ${err.message}`));

  const payload = [
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ['extensionTestsPath', remote(extensionTestsPath)],
  ];
  await page.goto(server.workbenchUrl({ payload }));

  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `integration tests did not finish within ${timeoutMs / 1000} s (no codeAutomationExit call); raise FMES_TEST_TIMEOUT_MS if the suite is just slow`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const code = await Promise.race([exitCode, timeout]);
    await printed;
    if (code !== 0 && testLines === 0) {
      process.stderr.write(
        `the extension host exited with ${code} before the suite printed anything (did ${extensionTestsPath} load?). Last workbench console lines:\n${recent.join('\n')}\n`,
      );
    }
    return code;
  } finally {
    clearTimeout(timer);
  }
}

/** Formats a console message like Node would, dropping the `%c` CSS arguments the extension host adds. */
async function formatConsole(msg) {
  const args = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => String(a))));
  if (typeof args[0] === 'string' && args[0].includes('%c')) {
    const css = (args[0].match(/%c/g) ?? []).length;
    args.splice(1, css);
    args[0] = args[0].replaceAll('%c', '');
  }
  return format(...args);
}
