import { hookCommand, type HookCommandOptions } from './hookSettings';

/** How to start dist/hook.cjs: the part of HookCommandOptions that does not depend on the run. */
export type HookProgram = Pick<HookCommandOptions, 'node' | 'electronAsNode' | 'hookScript'>;

/**
 * The names of F-MES's hooks in Gemini's settings. A settings file can switch a hook off by its name (or its
 * command) in `hooksConfig.disabled`; the runner looks for these names there.
 */
export const GEMINI_HOOK_NAMES = { guard: 'fmes-guard', audit: 'fmes-audit' } as const;

/** Seconds F-MES gives its hook; the hook bounds its own wall time well inside this. */
const HOOK_TIMEOUT_SEC = 30;

/**
 * The `hooks` F-MES adds to Gemini's user settings (the per-workspace overlay): BeforeTool on every tool (the
 * hook decides, so a tool Gemini adds later is judged too) and AfterTool on every tool for the audit log.
 * Gemini counts hook timeouts in milliseconds. The commands carry no agent and no workspace: every run of the
 * workspace shares the overlay, and the hook takes FMES_AGENT and FMES_WORKSPACE from the run's environment.
 */
export function geminiHooks(p: HookProgram): Record<'BeforeTool' | 'AfterTool', unknown[]> {
  const o: HookCommandOptions = { ...p, cli: 'gemini' };
  const hook = (name: string, command: string) => ({
    name,
    type: 'command',
    command,
    timeout: HOOK_TIMEOUT_SEC * 1000,
  });
  return {
    BeforeTool: [{ matcher: '*', hooks: [hook(GEMINI_HOOK_NAMES.guard, hookCommand(o, 'pre-tool-use'))] }],
    AfterTool: [{ matcher: '*', hooks: [hook(GEMINI_HOOK_NAMES.audit, hookCommand(o, 'post-tool-use'))] }],
  };
}

/** A TOML basic string (JSON's escapes are a subset TOML accepts). */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

/**
 * Codex arguments (`codex exec …`) that give one run F-MES's hooks without touching the user's files:
 * `-c hooks.*` overrides, `--enable hooks` (wins over a user's `features.hooks = false`) and
 * `--dangerously-bypass-hook-trust` (Codex silently skips a hook whose definition is not trusted in
 * `$CODEX_HOME/config.toml`). The definitions are the same bytes for every run and agent (no per-run data: the
 * hook reads FMES_AGENT and the rest from the environment), so a trust entry a user writes once stays valid.
 * Codex counts hook timeouts in seconds. It has no PostToolUseFailure event (an unknown event is ignored).
 */
export function codexHookArgs(p: HookProgram): string[] {
  const o: HookCommandOptions = { ...p, cli: 'codex' };
  const group = (command: string) =>
    `[{hooks=[{type="command",command=${tomlString(command)},timeout=${HOOK_TIMEOUT_SEC}}]}]`;
  return [
    '--enable',
    'hooks',
    '--dangerously-bypass-hook-trust',
    '-c',
    `hooks.PreToolUse=${group(hookCommand(o, 'pre-tool-use'))}`,
    '-c',
    `hooks.PostToolUse=${group(hookCommand(o, 'post-tool-use'))}`,
  ];
}
