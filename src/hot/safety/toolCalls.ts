/**
 * One model of a tool call for the three agent CLIs F-MES guards, whatever their tool names and input shapes
 * (measured: ../shared/reference/AGENT-HOOKS.md, AGENT-CLIS.md):
 *
 * | CLI    | writes files                                              | runs a shell                     |
 * |--------|-----------------------------------------------------------|----------------------------------|
 * | Claude | Write, Edit, MultiEdit (`file_path`), NotebookEdit (`notebook_path`) | Bash (`command`)         |
 * | Gemini | write_file, replace (`file_path`)                         | run_shell_command (`command`, `dir_path`) |
 * | Codex  | apply_patch (`command`: the patch text lists its files)   | Bash (`command`)                 |
 *
 * Tools known to change nothing F-MES guards are `none`. Any other tool (a new built-in, another MCP server's
 * tool) is judged by its input: string fields that name paths are checked as writes when the tool's name says it
 * writes, or when F-MES does not know the tool at all. What cannot be read is `unreadable`, which the hook
 * denies: it cannot tell what the call would do.
 */
import { patchFiles } from './applyPatch';

export type ToolEffect =
  | { kind: 'none' }
  | { kind: 'write'; paths: string[] }
  | { kind: 'shell'; command: string; cwd?: string }
  | { kind: 'unreadable'; why: string };

const FILE_FIELD: Readonly<Record<string, string>> = {
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
  write_file: 'file_path',
  replace: 'file_path',
  edit: 'file_path',
};

const SHELL_TOOLS = new Set(['Bash', 'run_shell_command', 'shell', 'exec_command', 'local_shell']);

/** Tools that read, search, plan or talk, in any of the three CLIs: nothing in the workspace changes. */
const READ_ONLY = new Set([
  // Claude Code
  'Read',
  'Glob',
  'Grep',
  'LS',
  'NotebookRead',
  'WebFetch',
  'WebSearch',
  'TodoWrite',
  'TodoRead',
  'Task',
  'Agent',
  'BashOutput',
  'KillShell',
  'KillBash',
  'ExitPlanMode',
  'EnterPlanMode',
  'SlashCommand',
  'Skill',
  'ListMcpResourcesTool',
  'ReadMcpResourceTool',
  'AskUserQuestion',
  'ToolSearch',
  'Monitor',
  // Gemini CLI
  'read_file',
  'read_many_files',
  'glob',
  'search_file_content',
  'grep',
  'list_directory',
  'ls',
  'web_fetch',
  'google_web_search',
  'write_todos',
  'save_memory',
  'codebase_investigator',
  'activate_skill',
  'get_internal_docs',
  // Codex
  'view_image',
  'update_plan',
  'web_search',
  'list_mcp_resources',
  'read_mcp_resource',
  'write_stdin',
]);

/** Names of tools whose job is to change files (other MCP servers' tools, future built-ins). */
const WRITING_NAME =
  /write|edit|create|delete|remove|move|rename|patch|replace|save|upload|mkdir|rmdir|unlink|truncate|copy|put|append|insert|update|modify|set_/i;
/** Input fields that name a file or folder. */
const PATH_FIELD =
  /^(file_?path|path|paths|notebook_path|filename|file|files|target|target_path|destination|dest|source|src|dir|dir_path|directory|folder|new_path|old_path|from|to|uri)$/i;

export function toolEffect(tool: string, input: unknown): ToolEffect {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return READ_ONLY.has(tool)
      ? { kind: 'none' }
      : { kind: 'unreadable', why: `the input of ${tool} is not an object` };
  }
  const i = input as Record<string, unknown>;
  const field = Object.hasOwn(FILE_FIELD, tool) ? FILE_FIELD[tool] : undefined;
  if (field !== undefined) {
    const p = i[field];
    if (typeof p !== 'string' || p === '') return { kind: 'unreadable', why: `${tool} without a ${field} string` };
    return { kind: 'write', paths: [p] };
  }
  if (tool === 'apply_patch') {
    const patch =
      typeof i.command === 'string'
        ? i.command
        : typeof i.input === 'string'
          ? i.input
          : typeof i.patch === 'string'
            ? i.patch
            : undefined;
    if (patch === undefined) return { kind: 'unreadable', why: 'apply_patch without its patch text' };
    const files = patchFiles(patch);
    if (files.length === 0) return { kind: 'unreadable', why: 'apply_patch whose patch names no file' };
    return { kind: 'write', paths: files };
  }
  if (SHELL_TOOLS.has(tool)) {
    const command = i.command;
    const text =
      typeof command === 'string'
        ? command
        : Array.isArray(command) && command.every((w) => typeof w === 'string')
          ? shellJoin(command)
          : undefined;
    if (text === undefined) return { kind: 'unreadable', why: `${tool} without a command string` };
    const dir = i.dir_path ?? i.directory ?? i.workdir;
    if (dir !== undefined && typeof dir !== 'string')
      return { kind: 'unreadable', why: `${tool} with a working directory that is not a string` };
    return { kind: 'shell', command: text, cwd: dir };
  }
  if (READ_ONLY.has(tool) || isOwnMcpTool(tool)) return { kind: 'none' };
  const paths = pathFields(i);
  const mcp = tool.startsWith('mcp__') || tool.startsWith('mcp_');
  // A tool F-MES knows nothing about: its paths count as written unless it is an MCP tool named for reading.
  if (paths.length > 0 && (WRITING_NAME.test(tool) || !mcp)) return { kind: 'write', paths };
  return { kind: 'none' };
}

/** F-MES's own MCP server (`fmes`): its tools enforce the lock rules themselves and write nothing else. */
function isOwnMcpTool(tool: string): boolean {
  return tool.startsWith('mcp__fmes__') || tool.startsWith('mcp_fmes_');
}

function pathFields(i: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(i)) {
    if (!PATH_FIELD.test(k)) continue;
    if (typeof v === 'string' && v !== '') out.push(v.replace(/^file:\/\//, ''));
    else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string' && x !== '') out.push(x);
  }
  return out;
}

/** Codex may pass argv (`["bash","-lc","…"]`): the shell text that runs the same words. */
function shellJoin(argv: readonly string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_./:@=+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
