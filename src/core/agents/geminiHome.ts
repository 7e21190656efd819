import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { GEMINI_HOOK_NAMES, geminiHooks, type HookProgram } from './cliHooks';
import { RunSetupError } from './runSetupError';

/**
 * Gemini CLI gets F-MES's hooks through a `GEMINI_CLI_HOME` overlay: Gemini reads its user scope
 * (`<GEMINI_CLI_HOME>/.gemini/settings.json`) from there instead of `~/.gemini`, so the user's files stay as they
 * are. One overlay per workspace, kept between runs: Gemini stores its sessions under it, and `--resume` finds a
 * session only with the same overlay (measured: exit 42 otherwise).
 */
export const GEMINI_HOME_DIR = '.fmes/agents/gemini-home';

/**
 * What the overlay links to the user's `~/.gemini` (each only when it exists there). Symbolic links, not copies:
 * Gemini writes refreshed OAuth tokens with a plain writeFile, which follows the link, so a token refreshed by a
 * run and a later `gemini` login by the user reach both; and no second copy of a credential lands in the
 * workspace folder (which may be synced or backed up). trustedFolders.json is not linked: Gemini replaces it by
 * rename, which would cut the link; GEMINI_CLI_TRUSTED_FOLDERS_PATH points Gemini at the user's file instead.
 */
const SHARED = [
  'oauth_creds.json',
  'google_accounts.json',
  'gemini-credentials.json',
  'mcp-oauth-tokens.json',
  'a2a-oauth-tokens.json',
  'installation_id',
  'GEMINI.md',
  '.env',
  'commands',
  'skills',
  'policies',
  'agents',
  'extensions',
  'keybindings.json',
];

export interface GeminiHomeInput {
  /** The main workspace (the overlay lives there). */
  root: string;
  /** Where Gemini runs (the workspace or a worktree of it). */
  cwd: string;
  /** The run's environment (HOME, GEMINI_CLI_HOME, trust variables). */
  env: Readonly<Record<string, string>>;
  /** The configured arguments (`--skip-trust` trusts the folder for the run). */
  args: readonly string[];
  hook: HookProgram;
}

/**
 * Prepares the overlay and returns the variables the run needs. Throws RunSetupError when the run cannot be
 * guarded (a workspace or system settings file switches F-MES's hooks off: those scopes override the overlay) or
 * when Gemini would refuse the folder anyway (not trusted: headless Gemini exits 55).
 */
export function prepareGeminiHome(i: GeminiHomeInput): Record<string, string> {
  const userHome = i.env.GEMINI_CLI_HOME || i.env.HOME || os.homedir();
  const userDir = path.join(userHome, '.gemini');
  const ours = new Set<string>([
    GEMINI_HOOK_NAMES.guard,
    GEMINI_HOOK_NAMES.audit,
    ...Object.values(geminiHooks(i.hook)).flatMap(commandsOf),
  ]);

  const systemFile = i.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH || '/etc/gemini-cli/settings.json';
  for (const file of new Set([
    path.join(i.cwd, '.gemini/settings.json'),
    path.join(i.root, '.gemini/settings.json'),
    systemFile,
  ])) {
    const off = hooksSwitchedOff(readSettings(file), ours);
    if (off) {
      throw new RunSetupError(
        'hooksDisabled',
        `${file} ${off}, which would override the hooks F-MES gives Gemini, so F-MES does not start it unguarded. Remove that setting (F-MES's hooks are named ${GEMINI_HOOK_NAMES.guard} and ${GEMINI_HOOK_NAMES.audit}), or run another agent.`,
        { file },
      );
    }
  }

  const user = readSettings(path.join(userDir, 'settings.json')) ?? {};
  const trustFile = i.env.GEMINI_CLI_TRUSTED_FOLDERS_PATH || path.join(userDir, 'trustedFolders.json');
  if (
    !folderTrusted({
      cwd: i.cwd,
      env: i.env,
      args: i.args,
      settings: [user, readSettings(systemFile) ?? {}],
      trustFile,
    })
  ) {
    throw new RunSetupError(
      'untrusted',
      `Gemini CLI does not trust ${i.cwd} and refuses headless runs there (exit 55). Trust the workspace once: run \`gemini\` in ${i.root} and choose "Trust folder" (it covers F-MES's worktrees inside it); or add "--skip-trust" to agents.gemini.args, or set GEMINI_CLI_TRUST_WORKSPACE=true in agents.gemini.env.`,
      { cwd: i.cwd, root: i.root },
    );
  }

  const home = path.join(i.root, GEMINI_HOME_DIR);
  const dir = path.join(home, '.gemini');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeIfChanged(path.join(dir, 'settings.json'), `${JSON.stringify(overlaySettings(user, i.hook, ours), null, 2)}\n`);
  for (const name of SHARED) link(path.join(userDir, name), path.join(dir, name));
  link(path.join(userHome, '.agents'), path.join(home, '.agents'));
  return { GEMINI_CLI_HOME: home, GEMINI_CLI_TRUSTED_FOLDERS_PATH: trustFile };
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function commandsOf(groups: unknown): string[] {
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((g) =>
    isObject(g) && Array.isArray(g.hooks)
      ? g.hooks.flatMap((h) => (isObject(h) && typeof h.command === 'string' ? [h.command] : []))
      : [],
  );
}

/** The user's settings with F-MES's hooks added to theirs, and hooks switched on whatever the user scope said. */
export function overlaySettings(user: Json, hook: HookProgram, ours: ReadonlySet<string>): Json {
  const theirs = isObject(user.hooks) ? user.hooks : {};
  const hooks: Json = { ...theirs };
  for (const [event, groups] of Object.entries(geminiHooks(hook))) {
    const kept = Array.isArray(theirs[event])
      ? (theirs[event] as unknown[]).filter((g) => !commandsOf([g]).some((c) => ours.has(c)))
      : [];
    hooks[event] = [...kept, ...groups];
  }
  const cfg = isObject(user.hooksConfig) ? user.hooksConfig : {};
  const disabled = Array.isArray(cfg.disabled) ? cfg.disabled.filter((n) => typeof n !== 'string' || !ours.has(n)) : [];
  return { ...user, hooks, hooksConfig: { ...cfg, enabled: true, disabled } };
}

/** Why a settings file switches F-MES's hooks off, or undefined when it does not. */
export function hooksSwitchedOff(settings: Json | undefined, ours: ReadonlySet<string>): string | undefined {
  if (!settings) return undefined;
  const cfg = settings.hooksConfig;
  if (!isObject(cfg)) return undefined;
  if (cfg.enabled === false) return 'sets hooksConfig.enabled to false';
  const disabled: unknown[] = Array.isArray(cfg.disabled) ? cfg.disabled : [];
  const named = disabled.find((n): n is string => typeof n === 'string' && ours.has(n));
  return named !== undefined
    ? `lists ${JSON.stringify(named.length > 60 ? `${named.slice(0, 60)}…` : named)} in hooksConfig.disabled`
    : undefined;
}

interface TrustInput {
  cwd: string;
  env: Readonly<Record<string, string>>;
  args: readonly string[];
  /** User and system settings (security.folderTrust.enabled). */
  settings: Json[];
  trustFile: string;
}

/** Gemini CLI 0.61's folder trust (checkPathTrust in its bundle), as far as a headless run decides it. */
export function folderTrusted(t: TrustInput): boolean {
  if (t.env.GEMINI_RESTRICTED_MODE === 'true' || t.env.GEMINI_CLI_TRUST_WORKSPACE === 'false') return false;
  if (t.env.GEMINI_CLI_TRUST_WORKSPACE === 'true' || t.args.includes('--skip-trust')) return true;
  const enabled = t.settings.every(
    (s) => !(isObject(s.security) && isObject(s.security.folderTrust) && s.security.folderTrust.enabled === false),
  );
  if (!enabled) return true;
  const rules = readSettings(t.trustFile) ?? {};
  const where = realOr(t.cwd);
  let best = -1;
  let level: unknown;
  for (const [rule, value] of Object.entries(rules)) {
    const base = realOr(value === 'TRUST_PARENT' ? path.dirname(rule) : rule);
    if ((where === base || where.startsWith(base.endsWith(path.sep) ? base : base + path.sep)) && rule.length > best) {
      best = rule.length;
      level = value;
    }
  }
  return level === 'TRUST_FOLDER' || level === 'TRUST_PARENT';
}

function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * A Gemini settings file (JSON with comments), or undefined when absent. A file that exists but cannot be read
 * stops the run: F-MES cannot tell what it says about hooks.
 */
function readSettings(file: string): Json | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw new RunSetupError('unreadableSettings', `cannot read ${file}: ${(e as Error).message}`, {
      file,
      said: (e as Error).message,
    });
  }
  try {
    const v = JSON.parse(stripJsonComments(text)) as unknown;
    if (isObject(v)) return v;
  } catch {
    // Reported below.
  }
  throw new RunSetupError(
    'unreadableSettings',
    `${file} is not a JSON object, so F-MES cannot tell whether it switches hooks off; fix it and start again`,
    { file },
  );
}

/** Removes // and /* *\/ comments outside strings (Gemini reads its settings with strip-json-comments). */
export function stripJsonComments(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      const start = i;
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
      out += s.slice(start, i + 1);
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 1;
      out += ' ';
    } else out += c;
  }
  return out;
}

function writeIfChanged(file: string, text: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // Absent: write it.
  }
  // Runs of one workspace share the file: write a private file, then rename it over (never a torn read).
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Makes `at` a symbolic link to `target` when the target exists; a file the overlay holds itself is left alone. */
function link(target: string, at: string): void {
  if (!fs.existsSync(target)) return;
  try {
    const st = fs.lstatSync(at);
    if (!st.isSymbolicLink()) return;
    if (fs.readlinkSync(at) === target) return;
    fs.unlinkSync(at);
  } catch {
    // Absent.
  }
  try {
    fs.symlinkSync(target, at);
  } catch (e) {
    // Another run made it meanwhile.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
