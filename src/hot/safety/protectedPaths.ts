/**
 * F-MES's own state and the files that decide what runs on the host or how agents are guarded. An agent that
 * could write them could switch the guard off (`.fmes/config.json`, `.claude/settings.json` where the hooks are,
 * `.gemini/settings.json`, `.codex/`), forge or delete locks (`.locks/`), approve its own requests
 * (`.fmes/approvals/`), or run code outside any agent session (`.git/hooks`, `.git/config`, `.mcp.json`). They are
 * protected under every spelling (the caller resolves paths first) and no setting can unprotect them: the
 * settings themselves are among them.
 *
 * Each entry is a logical workspace path (in the main checkout or, mapped, in a shadow worktree); `folder: true`
 * protects everything inside too.
 */
export interface ProtectedEntry {
  path: string;
  folder: boolean;
  /** Why, for the denial message. */
  why: string;
}

export const PROTECTED: readonly ProtectedEntry[] = [
  { path: '.locks', folder: true, why: 'locks are taken with `fmes lock`, never by writing files' },
  { path: '.fmes', folder: true, why: "F-MES's settings, approvals and audit log" },
  { path: '.claude/settings.json', folder: false, why: 'the Claude Code hooks that guard agents' },
  { path: '.claude/settings.local.json', folder: false, why: 'the Claude Code hooks that guard agents' },
  { path: '.gemini/settings.json', folder: false, why: 'the Gemini CLI hooks that guard agents' },
  { path: '.codex', folder: true, why: 'the Codex hooks and settings that guard agents' },
  { path: '.mcp.json', folder: false, why: 'the MCP servers agents start' },
  { path: '.cursor/mcp.json', folder: false, why: 'the MCP servers agents start' },
  { path: '.git/hooks', folder: true, why: 'git hooks run code on the host' },
  { path: '.git/config', folder: false, why: 'git configuration can run code on the host' },
  { path: '.git/config.worktree', folder: false, why: 'git configuration can run code on the host' },
];

/** Names whose mention in a command F-MES cannot read makes it ask rather than allow (see preToolUse). */
export const PROTECTED_MENTION =
  /\.locks|\.fmes|settings(\.local)?\.json|\.mcp\.json|\.codex|\.git\/(hooks|config)|hooksPath/;

/** The protected entry at or above `logical` (writing it or inside it), if any. */
export function protectedAt(logical: string): ProtectedEntry | undefined {
  for (const e of PROTECTED) {
    if (logical === e.path || (e.folder && logical.startsWith(`${e.path}/`))) return e;
  }
  return undefined;
}

/** The protected entry strictly below `logical` (moving or deleting `logical` takes it along), if any. */
export function protectedBelow(logical: string): ProtectedEntry | undefined {
  if (logical === '.') return PROTECTED[0];
  return PROTECTED.find((e) => e.path.startsWith(`${logical}/`));
}
