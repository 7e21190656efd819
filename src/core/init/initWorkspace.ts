import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { isErrnoException } from '../errors';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { AgentKind } from '../agents/types';
import { mergeHookEntries, mergeMcpServer, type HookLaunch, type McpLaunch } from './hookEntries';
import { hashMarkers, markdownMarkers, readBlock, upsertBlock } from './managedBlock';
import { RULES_EXAMPLE, RULES_FILE } from '../verify/rulesExample';
import {
  CLAUDE_PERSONA,
  CURSORRULES_HEADER,
  CURSOR_MCP_FILE,
  CURSOR_MDC_FILE,
  CURSOR_MDC_FRONT_MATTER,
  CURSOR_MDC_HEADER,
  GITIGNORE_ENTRIES,
  SHARED_RULES,
} from './templates';

export type InitAction = 'create' | 'update' | 'unchanged' | 'skip';

export interface InitChange {
  /** Workspace-relative. */
  file: string;
  action: InitAction;
  /** Why a file was skipped (it could not be merged without losing something). */
  problem?: string;
  before: string;
  after: string;
}

export interface InitOptions {
  /** How the hooks start dist/hook.cjs: an absolute node and an absolute script, never a name on PATH. */
  hook: HookLaunch;
  /** How `.mcp.json` starts dist/mcp.mjs. */
  mcp: McpLaunch;
  /** The agent CLIs whose project hook settings are written (default: all three). */
  clis?: readonly AgentKind[];
}

/** The project file holding each CLI's hooks, and where in it. */
export const HOOK_FILES: Record<AgentKind, string> = {
  claude: '.claude/settings.json',
  gemini: '.gemini/settings.json',
  codex: '.codex/hooks.json',
};

const SHARED = markdownMarkers('shared');
const PERSONA = markdownMarkers('persona');
const CURSOR = hashMarkers('shared');
const GITIGNORE = hashMarkers('ignore');

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return undefined;
    throw e;
  }
}

function change(rel: string, before: string | undefined, after: string, problem?: string): InitChange {
  const action: InitAction = problem
    ? 'skip'
    : before === undefined
      ? 'create'
      : before === after
        ? 'unchanged'
        : 'update';
  return { file: rel, action, problem, before: before ?? '', after: problem ? (before ?? '') : after };
}

/**
 * CLAUDE.md: a persona block in a new file (a project that describes its agent keeps its own) and the shared
 * rules block when it is missing. Once there, both blocks are the project's to edit: `fmes init` never
 * rewrites them, it carries the shared block over to .cursorrules.
 */
function claudeMd(root: string): InitChange {
  const before = read(path.join(root, 'CLAUDE.md'));
  let text = before ?? '# Agent instructions\n';
  if (before === undefined) text = upsertBlock(text, PERSONA, CLAUDE_PERSONA);
  if (readBlock(text, SHARED) === undefined) text = upsertBlock(text, SHARED, SHARED_RULES);
  return change('CLAUDE.md', before, text);
}

/** .cursorrules: a generated block holding CLAUDE.md's shared sections; the rest of the file is the user's. */
export function cursorRulesFrom(claudeText: string, current: string | undefined): string {
  const shared = readBlock(claudeText, SHARED) ?? SHARED_RULES;
  return upsertBlock(current ?? '', CURSOR, `${CURSORRULES_HEADER}\n${shared}`);
}

/**
 * .cursor/rules/fmes.mdc: front matter and a generated block holding CLAUDE.md's shared sections. A file of the
 * user's own under that name keeps its front matter and text; the block is added after it.
 */
export function cursorMdcFrom(claudeText: string, current: string | undefined): string {
  const shared = readBlock(claudeText, SHARED) ?? SHARED_RULES;
  return upsertBlock(current ?? `${CURSOR_MDC_FRONT_MATTER}\n\n`, SHARED, `${CURSOR_MDC_HEADER}\n\n${shared}`);
}

function jsonFile(
  root: string,
  rel: string,
  merge: (v: Record<string, unknown>) => Record<string, unknown>,
): InitChange {
  const before = read(path.join(root, rel));
  let value: unknown = {};
  if (before !== undefined && before.trim() !== '') {
    try {
      value = JSON.parse(before);
    } catch (e) {
      return change(rel, before, before, `not valid JSON (${(e as Error).message}); left as it is`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return change(rel, before, before, 'not a JSON object; left as it is');
  }
  const merged = merge(value as Record<string, unknown>);
  // Nothing of substance changes: the file stays as its author formatted it.
  if (before !== undefined && JSON.stringify(merged) === JSON.stringify(value)) return change(rel, before, before);
  return change(rel, before, `${JSON.stringify(merged, null, 2)}\n`);
}

/** A settings object with F-MES's hooks for `cli` merged into its `hooks` (every other key and hook kept). */
function withHooks(
  settings: Record<string, unknown>,
  cli: AgentKind,
  launch: HookLaunch,
  add: boolean,
  keep?: RewriteFilter,
): Record<string, unknown> {
  const hooks =
    settings.hooks && typeof settings.hooks === 'object' && !Array.isArray(settings.hooks)
      ? (settings.hooks as Record<string, unknown>)
      : {};
  const merged = mergeHookEntries(hooks, cli, launch, add, keep?.hook);
  if (!add && settings.hooks === undefined && Object.keys(merged).length === 0) return settings;
  return { ...settings, hooks: merged };
}

function gitignore(root: string): InitChange {
  const before = read(path.join(root, '.gitignore'));
  const existing = new Set((before ?? '').split(/\r?\n/).map((l) => l.trim()));
  const inBlock = new Set((readBlock(before ?? '', GITIGNORE) ?? '').split('\n'));
  const missing = GITIGNORE_ENTRIES.filter((e) => !existing.has(e) || inBlock.has(e));
  if (missing.length === 0) return change('.gitignore', before, before ?? '');
  return change(
    '.gitignore',
    before,
    upsertBlock(before ?? '', GITIGNORE, `# F-MES per-machine state\n${missing.join('\n')}`),
  );
}

/**
 * What `fmes init` would change, file by file: CLAUDE.md, .cursorrules, the hooks of Claude (.claude/settings.json),
 * Gemini (.gemini/settings.json) and Codex (.codex/hooks.json), .mcp.json (the F-MES MCP server), .gitignore and .fmes/rules.yaml (an example). Idempotent: a second run changes nothing. Merges: what
 * people wrote stays; a file that cannot be merged (invalid JSON) is skipped and reported, never replaced.
 */
export function planInit(root: string, o: InitOptions): InitChange[] {
  const claude = claudeMd(root);
  const cursorBefore = read(path.join(root, '.cursorrules'));
  const mdcBefore = read(path.join(root, CURSOR_MDC_FILE));
  return [
    claude,
    change('.cursorrules', cursorBefore, cursorRulesFrom(claude.after, cursorBefore)),
    change(CURSOR_MDC_FILE, mdcBefore, cursorMdcFrom(claude.after, mdcBefore)),
    ...hookChanges(root, o, true),
    gitignore(root),
    // The team's architecture rules: an example, commented out, only where there is no rules file yet.
    change(RULES_FILE, read(path.join(root, RULES_FILE)), read(path.join(root, RULES_FILE)) ?? RULES_EXAMPLE),
  ];
}

const CLIS: readonly AgentKind[] = ['claude', 'gemini', 'codex'];

/** Which of F-MES's existing entries a rewrite leaves alone (they still work and point elsewhere on purpose). */
export interface RewriteFilter {
  hook?: (command: string) => boolean;
  mcp?: (argv: readonly string[]) => boolean;
}

/**
 * The hook files and `.mcp.json` with F-MES's entries brought up to date. With `add` (init) missing entries are
 * added; without it (the rewrite when the extension or the CLI moved) only files that exist and entries that are
 * F-MES's own are touched: a workspace that never ran init gets no file.
 */
export function hookChanges(root: string, o: InitOptions, add: boolean, keep?: RewriteFilter): InitChange[] {
  const out: InitChange[] = [];
  for (const cli of add ? (o.clis ?? CLIS) : CLIS) {
    const rel = HOOK_FILES[cli];
    if (!add && read(path.join(root, rel)) === undefined) continue;
    out.push(jsonFile(root, rel, (v) => withHooks(v, cli, o.hook, add, keep)));
  }
  // Claude Code's and VS Code's project MCP servers (.mcp.json), and Cursor's (.cursor/mcp.json): one format.
  for (const rel of ['.mcp.json', CURSOR_MCP_FILE]) {
    if (!add && read(path.join(root, rel)) === undefined) continue;
    out.push(
      jsonFile(root, rel, (v) => {
        const servers =
          v.mcpServers && typeof v.mcpServers === 'object' && !Array.isArray(v.mcpServers)
            ? (v.mcpServers as Record<string, unknown>)
            : {};
        const merged = mergeMcpServer(servers, o.mcp, add, keep?.mcp);
        return merged === servers && v.mcpServers === undefined ? v : { ...v, mcpServers: merged };
      }),
    );
  }
  return out;
}

/** Writes the planned files (atomically). Returns the changes that were written. */
export async function applyInit(root: string, changes: readonly InitChange[]): Promise<InitChange[]> {
  const written: InitChange[] = [];
  for (const c of changes) {
    if (c.action !== 'create' && c.action !== 'update') continue;
    await writeFileAtomic(path.join(root, c.file), c.after);
    written.push(c);
  }
  return written;
}

export function diffOf(c: InitChange): string {
  return createTwoFilesPatch(
    c.action === 'create' ? '/dev/null' : `a/${c.file}`,
    `b/${c.file}`,
    c.before,
    c.after,
    undefined,
    undefined,
    { context: 2 },
  );
}
