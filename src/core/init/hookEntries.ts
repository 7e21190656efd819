// The hook entries F-MES writes into the agent CLIs' project settings (.claude/settings.json, .gemini/settings.json,
// .codex/hooks.json), and how it finds its own again among the user's hooks to update them in place.
import { hookCommand, type HookEvent } from '../agents/hookSettings';
import type { AgentKind } from '../agents/types';

/** How to start dist/hook.cjs: absolute paths only, so a hook never depends on PATH. */
export interface HookLaunch {
  /** A Node.js binary, absolute (in the editor: the editor's own runtime). */
  node: string;
  /** Set when `node` is Electron and must run as Node (ELECTRON_RUN_AS_NODE=1). */
  electronAsNode?: boolean;
  /** dist/hook.cjs, absolute. */
  hookScript: string;
}

/**
 * Appended to every hook command F-MES writes into a project file: a shell comment, so it changes nothing when
 * run, and it lets F-MES recognise its own entries (to rewrite them when the extension moves) without touching
 * any other hook. Stable: never change it, older files carry it.
 */
export const HOOK_MARKER = '# fmes:hook';

/** One hook F-MES installs in a CLI's settings. */
export interface HookSpec {
  /** The CLI's event name (`PreToolUse`, `BeforeTool`, …). */
  event: string;
  /** F-MES's event, as dist/hook.cjs takes it. */
  kind: HookEvent;
  matcher: string;
  /** In the CLI's unit: seconds for Claude and Codex, milliseconds for Gemini. */
  timeout: number;
  /** Gemini names each hook (and lets settings disable one by name). */
  name?: string;
}

/** The hooks each CLI gets. Every tool goes through the pre hook: it is the hook that decides what writes. */
export const HOOK_SPECS: Record<AgentKind, readonly HookSpec[]> = {
  claude: [
    { event: 'PreToolUse', kind: 'pre-tool-use', matcher: '*', timeout: 30 },
    { event: 'PostToolUse', kind: 'post-tool-use', matcher: '*', timeout: 30 },
    { event: 'PostToolUseFailure', kind: 'post-tool-use-failure', matcher: '*', timeout: 30 },
  ],
  gemini: [
    { event: 'BeforeTool', kind: 'pre-tool-use', matcher: '*', timeout: 30_000, name: 'fmes-guard' },
    { event: 'AfterTool', kind: 'post-tool-use', matcher: '*', timeout: 30_000, name: 'fmes-audit' },
  ],
  codex: [
    { event: 'PreToolUse', kind: 'pre-tool-use', matcher: '*', timeout: 30 },
    { event: 'PostToolUse', kind: 'post-tool-use', matcher: '*', timeout: 30 },
  ],
};

/** The command a project file gets for one hook: absolute node and script, no agent id (it comes from FMES_AGENT). */
export function projectHookCommand(launch: HookLaunch, cli: AgentKind, kind: HookEvent): string {
  return `${hookCommand({ node: launch.node, electronAsNode: launch.electronAsNode, hookScript: launch.hookScript, cli }, kind)} ${HOOK_MARKER}`;
}

const LEGACY =
  /^(?:fmes hook|(?:ELECTRON_RUN_AS_NODE=1 )?\S+ \S*hook\.c?js'?) (pre-tool-use|post-tool-use)(?: --(?:agent|workspace|cli) \S+)*$/;

/** F-MES's event of a hook command F-MES wrote (marked, or the PATH-based form older versions wrote); else undefined. */
export function fmesHookKind(command: unknown): HookEvent | undefined {
  if (typeof command !== 'string') return undefined;
  if (command.trimEnd().endsWith(HOOK_MARKER)) {
    const m = /\s(pre-tool-use|post-tool-use-failure|post-tool-use)\s/.exec(command);
    return m?.[1] as HookEvent | undefined;
  }
  return LEGACY.exec(command.trim())?.[1] as HookEvent | undefined;
}

interface Handler {
  type?: string;
  command?: unknown;
  timeout?: number;
  name?: string;
  [k: string]: unknown;
}
interface Group {
  matcher?: string;
  hooks?: Handler[];
  [k: string]: unknown;
}

const isGroup = (g: unknown): g is Group => !!g && typeof g === 'object' && !Array.isArray(g);

/**
 * `hooks` with F-MES's entries for `cli` brought up to date: each of F-MES's own handlers (found by
 * {@link fmesHookKind}) gets the current command and timeout; duplicates of it are removed; a missing one is added
 * when `add` (init), never when not (the rewrite on activation only repairs what is there). Every other hook,
 * group and key is kept as it is.
 */
export function mergeHookEntries(
  hooks: Record<string, unknown>,
  cli: AgentKind,
  launch: HookLaunch,
  add: boolean,
  keep?: (command: string) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...hooks };
  for (const spec of HOOK_SPECS[cli]) {
    const command = projectHookCommand(launch, cli, spec.kind);
    const list = Array.isArray(out[spec.event]) ? (out[spec.event] as unknown[]) : undefined;
    let found = false;
    const next: unknown[] = [];
    for (const g of list ?? []) {
      if (!isGroup(g) || !Array.isArray(g.hooks)) {
        next.push(g);
        continue;
      }
      const handlers: Handler[] = [];
      let ours = 0;
      for (const h of g.hooks) {
        if (!isGroup(h) || fmesHookKind(h.command) !== spec.kind) {
          handlers.push(h);
          continue;
        }
        ours++;
        if (found) continue; // a second copy of ours would run the hook twice
        found = true;
        if (keep?.(h.command as string)) {
          handlers.push(h);
          continue;
        }
        handlers.push({
          ...h,
          type: 'command',
          command,
          timeout: spec.timeout,
          ...(spec.name ? { name: spec.name } : {}),
        });
      }
      if (ours > 0 && handlers.length === 0) continue;
      // A group holding only F-MES's handler is F-MES's: its matcher follows too.
      next.push(
        ours > 0 && handlers.length === 1 && ours === g.hooks.length
          ? { ...g, matcher: spec.matcher, hooks: handlers }
          : { ...g, hooks: handlers },
      );
    }
    if (!found && add)
      next.push({
        matcher: spec.matcher,
        hooks: [{ ...(spec.name ? { name: spec.name } : {}), type: 'command', command, timeout: spec.timeout }],
      });
    if (list !== undefined || next.length > 0) out[spec.event] = next;
  }
  return out;
}

/** How to start dist/mcp.mjs for `.mcp.json`. */
export interface McpLaunch {
  node: string;
  electronAsNode?: boolean;
  /** dist/mcp.mjs, absolute. */
  mcpScript: string;
}

/** Whether an `.mcp.json` server entry is F-MES's own (the PATH-based `fmes mcp`, or node + our dist/mcp script). */
export function isFmesMcpServer(v: unknown): boolean {
  if (!isGroup(v)) return false;
  const args = Array.isArray(v.args) ? v.args : [];
  if (v.command === 'fmes' && args.length >= 1 && args[0] === 'mcp') return true;
  return typeof args[0] === 'string' && /(?:^|[\\/])dist[\\/]mcp\.[cm]?js$/.test(args[0]);
}

/** `.mcp.json`'s `mcpServers` with F-MES's server added (init) or brought up to date (when it is F-MES's own). */
export function mergeMcpServer(
  servers: Record<string, unknown>,
  launch: McpLaunch,
  add: boolean,
  keep?: (argv: readonly string[]) => boolean,
): Record<string, unknown> {
  const current = servers.fmes;
  if (current === undefined ? !add : !isFmesMcpServer(current)) return servers;
  if (
    keep &&
    isGroup(current) &&
    keep([String(current.command), ...(Array.isArray(current.args) ? current.args.map(String) : [])])
  )
    return servers;
  const prev = isGroup(current) ? current : {};
  const env = { ...(isGroup(prev.env) ? (prev.env as Record<string, unknown>) : {}) };
  delete env.ELECTRON_RUN_AS_NODE;
  if (launch.electronAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  const entry: Record<string, unknown> = { ...prev, command: launch.node, args: [launch.mcpScript] };
  if (Object.keys(env).length > 0) entry.env = env;
  else delete entry.env;
  return { ...servers, fmes: entry };
}

/** The leading words of a hook command as the shell reads them (bare or single-quoted words only). */
function leadingWords(command: string, n: number): string[] {
  const words: string[] = [];
  const re = /\s*(?:'((?:[^']|'\\'')*)'|([^\s';&|]+))/y;
  while (words.length < n) {
    const m = re.exec(command);
    if (!m) break;
    words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  }
  return words;
}

/** The node and script an F-MES hook command starts, or undefined for the PATH-based `fmes hook` form. */
export function hookCommandTarget(command: string): { node: string; script: string } | undefined {
  const words = leadingWords(command, 3).filter((w, i) => !(i === 0 && w === 'ELECTRON_RUN_AS_NODE=1'));
  if (words[0] === 'fmes' || words.length < 2) return undefined;
  return { node: words[0], script: words[1] };
}
