// Starts a private code-server on 127.0.0.1 and stops it as a whole process group.
//
//   const server = await startCodeServer({ workspace });
//   … open server.workbenchUrl() in a browser …
//   await server.stop();
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { ensureCodeServer } from './install.mjs';
import { createProfile, profileArgs, profileEnv } from './profile.mjs';
import { Tail, groupAlive, killGroup, run, sleep, stopGroup } from './proc.mjs';
import { onExit } from './cleanup.mjs';

/** Asks the kernel for a free port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ workspace: string, extensionsDir?: string, userDataDir?: string, trust?: boolean, port?: number,
 *   env?: Record<string, string>, startTimeoutMs?: number, locale?: string }} opts
 *   trust: leave workspace trust on (code-server then asks whether to trust the folder); off by default.
 *   env: extra environment for code-server and so for its extension host (the tests under test see it).
 */
/**
 * VS Code runs in a language only when a language pack for it is listed in the user data's languagepacks.json
 * (written when a pack is installed from the Marketplace, which is out of reach here); otherwise it falls back
 * to English, extensions included. This lists a pack with no translations: VS Code's own texts stay English
 * (each missing one falls back), while extensions get `locale` as their language and load their own files.
 */
function stubLanguagePack(profile, locale) {
  const translations = join(profile.root, `stub-language-pack.${locale}.json`);
  writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const packs = {
    [locale]: {
      hash: `stub${locale}`,
      extensions: [{ extensionIdentifier: { id: `fmes-test.stub-language-pack-${locale}` }, version: '0.0.1' }],
      translations: { vscode: translations },
      label: locale,
    },
  };
  writeFileSync(join(profile.userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}

export async function startCodeServer(opts) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...opts, port: opts.port ?? (await freePort()) });
    } catch (err) {
      // A port we picked can be taken by someone else before code-server binds it: pick another.
      if (opts.port || attempt >= 3 || !/EADDRINUSE/.test(err.message)) throw err;
    }
  }
}

async function startOnce({
  workspace,
  extensionsDir,
  userDataDir,
  trust = false,
  port,
  env = {},
  startTimeoutMs = 30_000,
  locale,
}) {
  const { entry } = await ensureCodeServer();
  const profile = createProfile({ extensionsDir, userDataDir });
  const args = [entry, ...profileArgs(profile), '--bind-addr', `127.0.0.1:${port}`, '--ignore-last-opened'];
  if (!trust) args.push('--disable-workspace-trust');
  // The display language (`ko`): extensions' package.nls.<locale>.json and l10n bundles follow it.
  if (locale) {
    args.push('--locale', locale);
    if (!locale.startsWith('en')) stubLanguagePack(profile, locale);
  }
  args.push(workspace);

  // Its own process group: code-server forks the extension host and pty hosts, which outlive a killed parent.
  const child = spawn(process.execPath, args, {
    env: { ...profileEnv(profile), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new Tail(6000);
  child.stdout.on('data', (d) => output.push(d));
  child.stderr.on('data', (d) => output.push(d));
  const removeExitHook = onExit(() => {
    killGroup(child.pid, 'SIGKILL');
    rmSync(profile.root, { recursive: true, force: true, maxRetries: 3 });
  });
  let exited = false;
  child.on('exit', () => (exited = true));

  const stop = async () => {
    removeExitHook();
    await stopGroup(child.pid);
    rmSync(profile.root, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  // code-server logs a failed listen and keeps running: treat that as a failure at once.
  const failure = () => (exited ? 'process exited' : /error listen (\w+)/.exec(output.toString())?.[0]);
  try {
    await waitForHealth(url, startTimeoutMs, failure);
  } catch (err) {
    await stop();
    throw new Error(`code-server failed to start: ${err.message}\n${output}`);
  }
  return {
    url,
    port,
    profile,
    pid: child.pid,
    /** code-server's recent output (for error messages). */
    output: () => output.toString(),
    /**
     * The workbench URL for `folder` (default: the workspace), with an optional payload (see extensionHost.mjs).
     * @param {{ folder?: string, payload?: [string, string][] }} [opts]
     */
    workbenchUrl: ({ folder = workspace, payload } = {}) => {
      const q = new URLSearchParams({ folder });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${url}/?${q}`;
    },
    stop,
    alive: () => groupAlive(child.pid),
  };
}

async function waitForHealth(url, timeoutMs, failure) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = failure();
    if (reason) throw new Error(reason);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`no answer on ${url}/healthz within ${timeoutMs / 1000} s`);
}

/**
 * Installs a packaged extension the way a user would (`code-server --install-extension x.vsix`) into
 * `extensionsDir`.
 * @param {string} vsix
 * @param {{ extensionsDir: string }} opts
 */
export async function installExtension(vsix, { extensionsDir }) {
  if (!extensionsDir) throw new Error('installExtension: extensionsDir is required');
  const { entry } = await ensureCodeServer();
  const profile = createProfile({ extensionsDir });
  try {
    return await run(process.execPath, [entry, ...profileArgs(profile), '--install-extension', vsix], {
      env: profileEnv(profile),
      quiet: true,
      what: `code-server --install-extension ${vsix}`,
    });
  } finally {
    rmSync(profile.root, { recursive: true, force: true });
  }
}
