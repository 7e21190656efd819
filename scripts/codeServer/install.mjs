// Installs code-server (a real VS Code: workbench in the browser, Node extension host) on demand into
// .cache/code-server/<version>/, outside package.json so `npm ci` stays fast. A second call is instant.
//
//   node scripts/codeServer/install.mjs [--force]      prints the path of code-server's entry.js on stdout
//
// What it works around (../../../shared/reference/VSCODE-HOST.md):
// - npm 11 (11.19 here) flags, and per `npm help install-scripts` skips, the install scripts of
//   dependencies not approved in the project's `allowScripts` field; code-server's own postinstall runs two
//   nested `npm install`s (lib/vscode, lib/vscode/extensions) whose package.json we cannot touch before.
//   So: install with --ignore-scripts, approve by name every package the nested shrinkwraps mark
//   `hasInstallScript`, then `npm rebuild` runs the scripts for real (verify() checks their output).
// - code-server's postinstall refuses root without unsafe-perm; node-pty's runs `npx node-gyp`, which the
//   user config (yes=false) cancels.
// - @vscode/ripgrep downloads rg from GitHub unless its cache in $TMPDIR has the asset: we put Debian's rg there.
// - argon2 and kerberos build from source (kerberos needs libkrb5-dev).
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, codeServerEntry, installDir } from './paths.mjs';
import { ensureDebianPackages } from './debian.mjs';
import { log, run } from './proc.mjs';

const MARKER = '.fmes-installed';

/** @vscode/ripgrep version → the ripgrep-prebuilt release its postinstall fetches (lib/postinstall.js VERSION). */
const RIPGREP_ASSET_TAGS = { '1.15.11': 'v13.0.0-10' };

/**
 * Makes sure code-server `version` is installed and works.
 * @returns {Promise<{ version: string, dir: string, entry: string }>}
 */
export async function ensureCodeServer({ version = CODE_SERVER_VERSION, force = false } = {}) {
  const dir = installDir(version);
  const entry = codeServerEntry(version);
  if (!force && readMarker(dir) === version && existsSync(entry)) return { version, dir, entry };

  const started = Date.now();
  log(`installing code-server@${version} into ${dir} (about a minute)`);
  await ensureDebianPackages(['ripgrep', 'libkrb5-dev', 'python3', 'make', 'g++']);

  // Build in a side folder of our own and rename it at the end, so an interrupted install never looks
  // complete and two runs installing at once do not mix their files.
  removeDeadStagings(dir);
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, '.tmp'), { recursive: true });
  writeJson(join(staging, 'package.json'), {
    name: 'fmes-code-server-cache',
    private: true,
    description: 'code-server for the F-MES integration and e2e tests (scripts/codeServer/install.mjs)',
    dependencies: { 'code-server': version },
    allowScripts: { 'code-server': true, argon2: true },
  });
  const env = {
    ...process.env,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    TMPDIR: join(staging, '.tmp'),
  };

  log('npm install --ignore-scripts');
  await run('npm', ['install', '--ignore-scripts', '--no-package-lock'], { cwd: staging, env });
  const vscodeDir = join(staging, 'node_modules', 'code-server', 'lib', 'vscode');
  for (const project of [vscodeDir, join(vscodeDir, 'extensions')]) approveNestedScripts(project);
  await seedRipgrepCache(vscodeDir, env.TMPDIR);

  log('npm rebuild (code-server postinstall: nested installs and native modules)');
  await run('npm', ['rebuild', '--foreground-scripts'], { cwd: staging, env, quiet: !process.env.FMES_VERBOSE });

  await verify(staging, join(staging, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), version);
  rmSync(join(staging, '.tmp'), { recursive: true, force: true });
  writeFileSync(join(staging, MARKER), version);
  if (!force && readMarker(dir) === version) {
    rmSync(staging, { recursive: true, force: true }); // another run finished first
  } else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  log(`code-server@${version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { version, dir, entry };
}

/** Deletes `<dir>.partial-<pid>` folders left by runs that died. */
function removeDeadStagings(dir) {
  const parent = dirname(dir);
  const prefix = `${basename(dir)}.partial-`;
  for (const name of existsSync(parent) ? readdirSync(parent) : []) {
    const pid = Number(name.startsWith(prefix) ? name.slice(prefix.length) : NaN);
    if (Number.isInteger(pid) && !isAlive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function readMarker(dir) {
  try {
    return readFileSync(join(dir, MARKER), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Adds an allowScripts entry to a nested project for each package its shrinkwrap says has install scripts. */
function approveNestedScripts(project) {
  const shrinkwrap = JSON.parse(readFileSync(join(project, 'npm-shrinkwrap.json'), 'utf8'));
  const names = Object.entries(shrinkwrap.packages ?? {})
    .filter(([path, meta]) => path && meta.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  const pkgFile = join(project, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  pkg.allowScripts = Object.fromEntries(names.map((n) => [n, true]));
  writeJson(pkgFile, pkg);
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks for a cached download. */
function seedRipgrepCache(vscodeDir, tmpDir) {
  const shrinkwrap = JSON.parse(readFileSync(join(vscodeDir, 'npm-shrinkwrap.json'), 'utf8'));
  const rgVersion = shrinkwrap.packages['node_modules/@vscode/ripgrep']?.version;
  const tag = RIPGREP_ASSET_TAGS[rgVersion];
  if (!tag)
    throw new Error(
      `@vscode/ripgrep@${rgVersion}: unknown ripgrep asset tag; add it to RIPGREP_ASSET_TAGS in ${fileURLToPath(import.meta.url)}`,
    );
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[arch()];
  if (!target) throw new Error(`no ripgrep asset name known for ${arch()}`);
  const cache = join(tmpDir, `vscode-ripgrep-cache-${rgVersion}`);
  mkdirSync(cache, { recursive: true });
  return run('tar', ['czf', join(cache, `ripgrep-${tag}-${target}.tar.gz`), '-C', '/usr/bin', 'rg'], { quiet: true });
}

/** Fails unless code-server answers --version and the native pieces its postinstall builds are there. */
async function verify(root, entry, version) {
  const vscodeModules = join(root, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  const expected = [
    join(vscodeModules, 'node-pty', 'build', 'Release', 'pty.node'),
    join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vscodeModules, 'kerberos', 'build', 'Release', 'kerberos.node'),
  ];
  const missing = expected.filter((f) => !existsSync(f));
  if (missing.length)
    throw new Error(`code-server install incomplete (did its install scripts run?): missing ${missing.join(', ')}`);
  // --version still writes a default config file: keep it out of the user's home.
  const scratch = join(root, '.tmp');
  const env = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_DATA_HOME: join(scratch, 'data') };
  const out = (await run(process.execPath, [entry, '--version'], { env, quiet: true })).split('\n').at(-1) ?? '';
  if (!out.startsWith(version))
    throw new Error(`code-server --version printed ${JSON.stringify(out)}, expected ${version}`);
  log(`verified: code-server --version → ${out}`);
}

// CLI. (No top-level await: the e2e harness loads this module graph through tsx as CommonJS.)
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureCodeServer({ force: process.argv.includes('--force') }).then(
    ({ entry }) => process.stdout.write(`${entry}\n`),
    (err) => {
      process.stderr.write(`code-server install failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
