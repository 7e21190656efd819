// What `npm start` needs from the system, checked before anything runs: nothing is installed behind the user's
// back. A missing piece is named with the one command that installs it (apt on Debian/Ubuntu, brew on macOS);
// on a terminal `npm start` offers to run it, and runs it only after a yes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { chromiumPath, installDir, CODE_SERVER_VERSION } from './codeServer/paths.mjs';

/** The oldest Node.js F-MES runs on (package.json engines). */
export const MIN_NODE = [20, 9];

const onPath = (cmd) => spawnSync('/bin/sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/**
 * Every system requirement: `check()` true when present; `apt`/`brew` the package that provides it; `when`
 * says whether this run needs it (code-server's build tools only before code-server is in .cache/).
 * @typedef {{ what: string, why: string, check: () => boolean, apt?: string, brew?: string, when: (o: { smoke: boolean, codeServerInstalled: boolean }) => boolean }} Requirement
 * @type {Requirement[]}
 */
export const REQUIREMENTS = [
  {
    what: `Node.js ≥ ${MIN_NODE.join('.')}`,
    why: 'runs F-MES, code-server and the agent CLIs (Claude Code asks for Node.js 22)',
    check: () => {
      const [major, minor] = process.versions.node.split('.').map(Number);
      return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
    },
    apt: 'nodejs',
    brew: 'node',
    when: () => true,
  },
  {
    what: 'git',
    why: 'the demo repository and the missions’ worktrees',
    check: () => onPath('git'),
    apt: 'git',
    brew: 'git',
    when: () => true,
  },
  {
    what: 'ripgrep (rg)',
    why: 'VS Code’s search inside code-server',
    check: () => onPath('rg'),
    apt: 'ripgrep',
    brew: 'ripgrep',
    when: ({ codeServerInstalled }) => !codeServerInstalled,
  },
  {
    what: 'python3, make and a C++ compiler',
    why: 'build code-server’s native modules on its first install',
    check: () => onPath('python3') && onPath('make') && (onPath('g++') || onPath('c++')),
    apt: 'python3 make g++',
    brew: 'python', // make and the compiler come with Xcode's command line tools (xcode-select --install)
    when: ({ codeServerInstalled }) => !codeServerInstalled,
  },
  {
    what: 'Kerberos headers (krb5)',
    why: 'code-server’s kerberos module builds against them',
    check: () => onPath('krb5-config') || existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h'),
    apt: 'libkrb5-dev',
    brew: 'krb5',
    when: ({ codeServerInstalled }) => !codeServerInstalled,
  },
  {
    what: 'Chromium',
    why: '`npm start -- --smoke` looks at the workbench in headless Chromium (set FMES_CHROMIUM to use another)',
    check: () => existsSync(chromiumPath),
    apt: 'chromium',
    brew: '--cask chromium',
    when: ({ smoke }) => smoke,
  },
];

/** True once code-server is in .cache/ (scripts/codeServer/install.mjs writes its marker last). */
export function codeServerInstalled() {
  try {
    return readFileSync(join(installDir(), '.fmes-installed'), 'utf8').trim() === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

/** The requirements this run needs and lacks. */
export function missingRequirements({ smoke = false, installed = codeServerInstalled(), list = REQUIREMENTS } = {}) {
  return list.filter((r) => r.when({ smoke, codeServerInstalled: installed }) && !r.check());
}

/**
 * The one command that installs `missing`, for this system; undefined when there is no package manager we know.
 * @param {Requirement[]} missing
 */
export function installCommand(
  missing,
  {
    platform = process.platform,
    root = process.getuid?.() === 0,
    hasApt = onPath('apt-get') || existsSync('/usr/bin/apt-get'),
    hasBrew = onPath('brew') || existsSync('/opt/homebrew/bin/brew') || existsSync('/usr/local/bin/brew'),
  } = {},
) {
  if (platform === 'darwin' && hasBrew) {
    const casks = missing.filter((r) => r.brew?.startsWith('--cask ')).map((r) => r.brew.slice(7));
    const formulae = missing.filter((r) => r.brew && !r.brew.startsWith('--cask ')).map((r) => r.brew);
    return [
      formulae.length && `brew install ${formulae.join(' ')}`,
      casks.length && `brew install --cask ${casks.join(' ')}`,
    ]
      .filter(Boolean)
      .join(' && ');
  }
  if (platform === 'linux' && hasApt) {
    const pkgs = missing.flatMap((r) => (r.apt ? r.apt.split(' ') : []));
    return `${root ? '' : 'sudo '}apt-get install -y ${pkgs.join(' ')}`;
  }
  return undefined;
}

/**
 * Checks; prints what is missing and the command; on a terminal (and not in --smoke) asks whether to run it.
 * Resolves true when everything is there (after an install the user agreed to), false otherwise.
 */
export async function checkRequirements({
  smoke = false,
  out = process.stderr,
  interactive = !!process.stdin.isTTY && !smoke,
} = {}) {
  let missing = missingRequirements({ smoke });
  if (missing.length === 0) return true;
  out.write('npm start needs:\n');
  for (const r of missing) out.write(`  - ${r.what}: ${r.why}\n`);
  const cmd = installCommand(missing);
  if (!cmd) {
    out.write('Install them with your system’s package manager, then run npm start again.\n');
    return false;
  }
  out.write(`Install them with:\n  ${cmd}\n`);
  if (!interactive) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await rl.question('Run this command now? [y/N] ')).trim().toLowerCase();
  rl.close();
  if (answer !== 'y' && answer !== 'yes') return false;
  const r = spawnSync('/bin/sh', ['-c', cmd], { stdio: 'inherit' });
  if (r.status !== 0) return false;
  missing = missingRequirements({ smoke });
  for (const m of missing) out.write(`still missing: ${m.what}\n`);
  return missing.length === 0;
}
