import type { AgentKind } from './types';

/** Single-quotes a word for the POSIX shell that runs hook commands. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The hook events F-MES handles, as `dist/hook.cjs` takes them on its command line. */
export type HookEvent = 'pre-tool-use' | 'post-tool-use' | 'post-tool-use-failure';

export interface HookCommandOptions {
  /** A Node.js binary, absolute (in the editor: its own, run as Node). Never looked up on PATH. */
  node: string;
  /** Set when `node` is an Electron binary that must be told to behave as Node. */
  electronAsNode?: boolean;
  /** dist/hook.cjs, absolute. */
  hookScript: string;
  /** The agent CLI that runs the hook: its input and output conventions differ. */
  cli: AgentKind;
  /**
   * The agent id. Omitted for Gemini and Codex, whose per-run hook command must be the same bytes for every run
   * (Codex trusts a hook by a hash of its definition): those take FMES_AGENT from the environment the run gives them.
   */
  agent?: string;
  /** The main workspace (locks and audit live there even when the agent works in a worktree). */
  workspace?: string;
}

/**
 * The shell command an agent CLI runs for one hook event. Every CLI runs a tool call when its PreToolUse hook
 * crashes, is killed or exits with an unexpected code (they fail open), so the pre-tool-use command is wrapped:
 * exit 0 (allow, or an answer on stdout) and exit 2 (deny) pass through; anything else, a missing Node or
 * script included, becomes exit 2 with a reason on stderr, the one form all three CLIs treat as a denial.
 */
export function hookCommand(o: HookCommandOptions, event: HookEvent): string {
  const words = [shellQuote(o.node), shellQuote(o.hookScript), event, '--cli', o.cli];
  if (o.agent !== undefined) words.push('--agent', shellQuote(o.agent));
  if (o.workspace !== undefined) words.push('--workspace', shellQuote(o.workspace));
  const run = `${o.electronAsNode ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}${words.join(' ')}`;
  if (event !== 'pre-tool-use') return run;
  return `${run}; r=$?; case $r in 0|2) exit $r;; esac; echo "F-MES: the safety hook failed (exit $r), so this call is denied" >&2; exit 2`;
}

/**
 * The Claude Code settings F-MES gives each session it starts (`claude --settings <file>`): a PreToolUse hook
 * on the tools that write, a PostToolUse hook on every tool and a PostToolUseFailure hook for failed calls, for
 * the audit log. Passed per session, so the user's own `.claude/settings.json` and `~/.claude/settings.json`
 * stay untouched (Claude merges them).
 */
export function hookSettings(o: Omit<HookCommandOptions, 'cli'>): { hooks: Record<string, unknown[]> } {
  const c: HookCommandOptions = { ...o, cli: 'claude' };
  return {
    hooks: {
      PreToolUse: [
        { matcher: '*', hooks: [{ type: 'command', command: hookCommand(c, 'pre-tool-use'), timeout: 30 }] },
      ],
      PostToolUse: [
        { matcher: '*', hooks: [{ type: 'command', command: hookCommand(c, 'post-tool-use'), timeout: 30 }] },
      ],
      PostToolUseFailure: [
        { matcher: '*', hooks: [{ type: 'command', command: hookCommand(c, 'post-tool-use-failure'), timeout: 30 }] },
      ],
    },
  };
}
