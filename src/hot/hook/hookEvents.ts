/**
 * Which CLI called the hook and for which event. The command line says what F-MES configured
 * (`pre-tool-use --cli gemini`); the input's `hook_event_name` says what the CLI is doing, and wins when it is
 * one F-MES knows, so a hook configured under the wrong event still judges a PreToolUse as a PreToolUse; when
 * either says "before the tool", it is judged as such (failing closed).
 *
 * | CLI    | before a tool | after it    | after a failed call  |
 * |--------|---------------|-------------|----------------------|
 * | Claude | PreToolUse    | PostToolUse | PostToolUseFailure   |
 * | Gemini | BeforeTool    | AfterTool   | (AfterTool, `error`) |
 * | Codex  | PreToolUse    | PostToolUse | (PostToolUse)        |
 */
export type HookCli = 'claude' | 'gemini' | 'codex';
export type HookEvent = 'pre' | 'post' | 'failure';

const BY_NAME: Readonly<Record<string, HookEvent>> = {
  PreToolUse: 'pre',
  BeforeTool: 'pre',
  PostToolUse: 'post',
  AfterTool: 'post',
  PostToolUseFailure: 'failure',
};
const BY_ARG: Readonly<Record<string, HookEvent>> = {
  'pre-tool-use': 'pre',
  'post-tool-use': 'post',
  'post-tool-use-failure': 'failure',
};

export function hookEventOf(
  arg: string,
  cliArg: string | undefined,
  input: Record<string, unknown>,
): { cli: HookCli; event: HookEvent } {
  const name = typeof input.hook_event_name === 'string' ? input.hook_event_name : '';
  const named = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
  const event = arg === 'pre-tool-use' || named === 'pre' ? 'pre' : (named ?? BY_ARG[arg] ?? 'pre');
  let cli: HookCli;
  if (cliArg === 'claude' || cliArg === 'gemini' || cliArg === 'codex') cli = cliArg;
  else if (name === 'BeforeTool' || name === 'AfterTool') cli = 'gemini';
  else if (typeof input.turn_id === 'string') cli = 'codex';
  else cli = 'claude';
  return { cli, event };
}
