import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { isErrnoException } from '../errors';
import { writeFileAtomic } from '../fs/atomicWrite';
import { hashMarkers, markdownMarkers, readBlock, upsertBlock } from './managedBlock';
import { CLAUDE_PERSONA, CURSORRULES_HEADER, GITIGNORE_ENTRIES, SHARED_RULES } from './templates';

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
  /** The command the hooks run (without the event), e.g. `fmes hook` or `node /abs/dist/hook.cjs`. */
  hookCommand: string;
  /** The command that starts the MCP server, as argv. */
  mcpCommand: readonly string[];
}

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
  const action: InitAction = problem ? 'skip' : before === undefined ? 'create' : before === after ? 'unchanged' : 'update';
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

function jsonFile(root: string, rel: string, merge: (v: Record<string, unknown>) => Record<string, unknown>): InitChange {
  const before = read(path.join(root, rel));
  let value: unknown = {};
  if (before !== undefined && before.trim() !== '') {
    try {
      value = JSON.parse(before);
    } catch (e) {
      return change(rel, before, before, `not valid JSON (${(e as Error).message}); left as it is`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return change(rel, before, before, 'not a JSON object; left as it is');
  }
  return change(rel, before, `${JSON.stringify(merge(value as Record<string, unknown>), null, 2)}\n`);
}

interface HookEntry {
  matcher?: string;
  hooks?: { type?: string; command?: string; timeout?: number }[];
}

/** Adds F-MES's hooks to Claude settings, keeping every hook and permission already there. */
function mergeHooks(settings: Record<string, unknown>, o: InitOptions): Record<string, unknown> {
  const hooks = { ...((settings.hooks as Record<string, HookEntry[]> | undefined) ?? {}) };
  const add = (event: string, matcher: string, arg: string) => {
    const list = Array.isArray(hooks[event]) ? [...hooks[event]] : [];
    const command = `${o.hookCommand} ${arg}`;
    // `fmes hook pre-tool-use` and `node …/hook.cjs pre-tool-use` are both ours.
    const present = list.some((e) => e.hooks?.some((h) => typeof h.command === 'string' && /hook(\.[cm]?js)? /.test(h.command) && h.command.includes(` ${arg}`)));
    if (!present) list.push({ matcher, hooks: [{ type: 'command', command, timeout: 30 }] });
    hooks[event] = list;
  };
  add('PreToolUse', 'Write|Edit|MultiEdit|NotebookEdit|Bash', 'pre-tool-use');
  add('PostToolUse', '*', 'post-tool-use');
  return { ...settings, hooks };
}

function gitignore(root: string): InitChange {
  const before = read(path.join(root, '.gitignore'));
  const existing = new Set((before ?? '').split(/\r?\n/).map((l) => l.trim()));
  const inBlock = new Set((readBlock(before ?? '', GITIGNORE) ?? '').split('\n'));
  const missing = GITIGNORE_ENTRIES.filter((e) => !existing.has(e) || inBlock.has(e));
  if (missing.length === 0) return change('.gitignore', before, before ?? '');
  return change('.gitignore', before, upsertBlock(before ?? '', GITIGNORE, `# F-MES per-machine state\n${missing.join('\n')}`));
}

/**
 * What `fmes init` would change, file by file: CLAUDE.md, .cursorrules, .claude/settings.json (hooks),
 * .mcp.json (the F-MES MCP server) and .gitignore. Idempotent: a second run changes nothing. Merges: what
 * people wrote stays; a file that cannot be merged (invalid JSON) is skipped and reported, never replaced.
 */
export function planInit(root: string, o: InitOptions): InitChange[] {
  const claude = claudeMd(root);
  const cursorBefore = read(path.join(root, '.cursorrules'));
  return [
    claude,
    change('.cursorrules', cursorBefore, cursorRulesFrom(claude.after, cursorBefore)),
    jsonFile(root, '.claude/settings.json', (v) => mergeHooks(v, o)),
    jsonFile(root, '.mcp.json', (v) => {
      const servers = { ...((v.mcpServers as Record<string, unknown> | undefined) ?? {}) };
      servers.fmes ??= { command: o.mcpCommand[0], args: o.mcpCommand.slice(1) };
      return { ...v, mcpServers: servers };
    }),
    gitignore(root),
  ];
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
  return createTwoFilesPatch(c.action === 'create' ? '/dev/null' : `a/${c.file}`, `b/${c.file}`, c.before, c.after, undefined, undefined, { context: 2 });
}
