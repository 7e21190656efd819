/** Single-quotes a word for the POSIX shell that runs hook commands. */
function q(s: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HookCommandOptions {
  /** A Node.js binary (in the editor: its own, run as Node). */
  node: string;
  /** Set when `node` is an Electron binary that must be told to behave as Node. */
  electronAsNode?: boolean;
  /** dist/hook.cjs */
  hookScript: string;
  agent: string;
  /** The main workspace (locks and audit live there even when the agent works in a worktree). */
  workspace: string;
}

/**
 * The Claude Code settings F-MES gives each session it starts (`claude --settings <file>`): a PreToolUse hook
 * on the tools that write, and a PostToolUse hook on every tool for the audit log. Passed per session, so
 * the user's own `.claude/settings.json` and `~/.claude/settings.json` stay untouched (Claude merges them).
 */
export function hookSettings(o: HookCommandOptions): { hooks: Record<string, unknown[]> } {
  const prefix = `${o.electronAsNode ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}${q(o.node)} ${q(o.hookScript)}`;
  const command = (event: string) => `${prefix} ${event} --agent ${q(o.agent)} --workspace ${q(o.workspace)}`;
  return {
    hooks: {
      PreToolUse: [{ matcher: 'Write|Edit|MultiEdit|NotebookEdit|Bash', hooks: [{ type: 'command', command: command('pre-tool-use'), timeout: 30 }] }],
      PostToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: command('post-tool-use'), timeout: 30 }] }],
    },
  };
}
