/**
 * Provider-independent part of the fake model API: which scenario a conversation asks for (a `FAKE:` directive in
 * the user's text) and what the model "answers" next. The reply depends only on the conversation in the request,
 * never on how many requests came before, so retries, resumed sessions and side requests all get consistent answers.
 */

/** The scenario a conversation asks for, parsed from the first `FAKE:` directive in its user text. */
export type Scenario =
  /** A short text answer, no tool. The default when there is no directive. */
  | { kind: 'text' }
  /** Write `hello from fake model\n` to `path` (relative to the working directory) with the file tool, then answer. */
  | { kind: 'write'; path: string }
  /**
   * Replace the line `old` by `new` in the existing file `path` (relative) with the CLI's edit tool (Claude Edit,
   * Gemini replace, Codex apply_patch `*** Update File`), then answer. `FAKE:replace <path> <old> <new>`.
   */
  | { kind: 'replace'; path: string; old: string; new: string }
  /** Run `command` with the shell tool, then answer with its result. */
  | { kind: 'bash'; command: string }
  /**
   * Call the shell tool with `sleep 0.1; echo tick <n>` on every turn (n: tool results so far): never a final answer.
   * The command changes each turn because Gemini CLI stops a run that repeats one tool call ("Loop detected").
   */
  | { kind: 'forever' }
  /** Like forever, but every reply reports 1,000,000 input tokens. */
  | { kind: 'huge' }
  /** Answer every agent request with this HTTP status and a provider-shaped error body. */
  | { kind: 'error'; status: number }
  /** Like forever, but the command is `echo <marker> started; sleep 30; echo <marker>`. */
  | { kind: 'slowforever'; marker: string }
  /**
   * Run `echo <marker> started; sleep <seconds>; echo <marker>` once, then answer with its result. The marker makes
   * the tool's shell findable in `ps`. The command must not start with `sleep`: Claude Code refuses a leading
   * `sleep N` of two seconds or more ("Blocked: standalone sleep 30" / "sleep 30 followed by: ...").
   */
  | { kind: 'sleep'; seconds: number; marker: string }
  /**
   * Call the tool `tool` of the MCP server named `fmes` with `args` (`FAKE:mcp lock_acquire {"path":"a.ts"}`: the JSON
   * object runs to the end of the line; bad JSON gives `{}`), then answer with its result.
   */
  | { kind: 'mcp'; tool: string; args: Record<string, unknown> }
  /**
   * Answer with `text` verbatim (the rest of the line, `\n` read as a line break), no tool: a reviewer's JSON, a
   * planner's plan. `FAKE@gemini:say {"verdict":"approve"}`.
   */
  | { kind: 'say'; text: string }
  /**
   * Try to write `path` as `write` does, then, whatever the tool answered, answer with `text` (as `say`): a
   * read-only reviewer that attempts an edit and still gives its verdict. `FAKE@openai:writesay src/a.ts {...}`.
   */
  | { kind: 'writesay'; path: string; text: string };

export type ScenarioKind = Scenario['kind'];

/** What the fake wants the agent to do, before it is put into a provider's tool schema. */
export type ToolIntent =
  /** `path`: absolute when the CLI told the model its working directory; `relativePath`: as the directive gave it. */
  | { kind: 'write'; path: string; relativePath: string; content: string }
  | { kind: 'edit'; path: string; relativePath: string; old: string; new: string }
  | { kind: 'shell'; command: string; description: string }
  /** A tool of an MCP server; each provider's adapter spells the name as its CLI does. */
  | { kind: 'mcp'; server: string; tool: string; args: Record<string, unknown> };

/** The MCP server the `mcp` scenario calls (the name under `mcpServers` in the CLI's MCP config). */
export const MCP_SERVER = 'fmes';

export type Reply =
  | { kind: 'text'; text: string; usage: Usage }
  | { kind: 'tool'; tool: ToolIntent; usage: Usage }
  | { kind: 'error'; status: number; message: string };

export interface Usage {
  input: number;
  output: number;
}

/** A conversation as the providers' adapters see it, whatever the wire format. */
export interface Conversation {
  /** Every user-authored text part in order (tool results excluded). */
  userTexts: string[];
  /** All text of the request (system prompt, user and assistant turns): where the working directory is looked for. */
  allText: string;
  /** How many tool results the whole conversation holds. */
  toolResults: number;
  /** Set when the last message of the conversation holds a tool result. */
  lastToolResult?: { text: string; isError: boolean };
  /** False for the CLIs' side requests (titles, routers, checks): they get a plain answer, never a tool call or an error. */
  agentTurn: boolean;
}

export const WRITE_CONTENT = 'hello from fake model\n';
export const TEXT_ANSWER = 'Hello from the fake model.';
export const NORMAL_USAGE: Usage = { input: 1000, output: 50 };
export const HUGE_USAGE: Usage = { input: 1_000_000, output: 50 };

/**
 * `FAKE:<kind> <arg>`, or `FAKE@<provider>:<kind> <arg>` for a directive only one provider obeys (`anthropic`,
 * `gemini`, `openai`): a failover test makes the first agent CLI fail and the next one succeed on one prompt.
 * `FAKE@<provider>[if=<text>]:<kind> <arg>` (or `FAKE[if=<text>]:…`) applies only when the conversation's user
 * text, its directive lines left out, contains `<text>`: what a later round is told (a reviewer's comment, a
 * changed line in a diff) picks another answer than the first round, with one prompt for both.
 */
const DIRECTIVE =
  /FAKE(?:@(anthropic|gemini|openai))?(?:\[if=([^\]\r\n]+)\])?:(write|writesay|replace|bash|text|forever|huge|error|slowforever|sleep|mcp|say)\b[ \t]*([^\r\n]*)/g;

export type Provider = 'anthropic' | 'gemini' | 'openai';

/** `text` without its directives (each to the end of its line): what an `[if=…]` condition is matched against. */
export function withoutDirectives(text: string): string {
  return text.replace(DIRECTIVE, '');
}

/**
 * Parses the first directive in `text` addressed to everyone or to `provider` whose condition, if any, holds in
 * `context` (default: `text` itself); undefined when there is none.
 */
export function parseDirective(text: string, provider?: Provider, context: string = text): Scenario | undefined {
  const plain = withoutDirectives(context);
  for (const match of text.matchAll(DIRECTIVE)) {
    if (match[1] && provider && match[1] !== provider) continue;
    if (match[2] !== undefined && !plain.includes(match[2])) continue;
    return directiveOf(match[3] as ScenarioKind, (match[4] ?? '').trim());
  }
  return undefined;
}

function directiveOf(kind: ScenarioKind, arg: string): Scenario {
  switch (kind) {
    case 'write':
      return { kind, path: arg.split(/\s+/)[0] || 'fake-output.txt' };
    case 'replace': {
      const [file, from, to] = arg.split(/\s+/);
      return { kind, path: file || 'fake-output.txt', old: from ?? '', new: to ?? '' };
    }
    case 'bash':
      return { kind, command: arg || 'echo fake' };
    case 'error': {
      const status = Number.parseInt(arg, 10);
      return { kind, status: status >= 400 && status <= 599 ? status : 500 };
    }
    case 'slowforever':
      return { kind, marker: arg.split(/\s+/)[0] || 'fmes-slowforever' };
    case 'sleep': {
      const [seconds, marker] = arg.split(/\s+/);
      const parsed = Number.parseFloat(seconds ?? '');
      return { kind, seconds: Number.isFinite(parsed) && parsed >= 0 ? parsed : 30, marker: marker || 'fmes-sleep' };
    }
    case 'mcp': {
      const space = arg.search(/\s/);
      const tool = space < 0 ? arg : arg.slice(0, space);
      return { kind, tool: tool || 'unknown', args: jsonObject(space < 0 ? '' : arg.slice(space)) };
    }
    case 'say':
      return { kind, text: arg.replace(/\\n/g, '\n') };
    case 'writesay': {
      const space = arg.search(/\s/);
      return {
        kind,
        path: (space < 0 ? arg : arg.slice(0, space)) || 'fake-output.txt',
        text: (space < 0 ? '' : arg.slice(space).trim()).replace(/\\n/g, '\n'),
      };
    }
    case 'text':
    case 'forever':
    case 'huge':
      return { kind };
  }
}

function jsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The scenario of a conversation: the first directive in its user text (for `provider`), else `text`. */
export function scenarioOf(conversation: Pick<Conversation, 'userTexts'>, provider?: Provider): Scenario {
  const context = conversation.userTexts.join('\n');
  for (const text of conversation.userTexts) {
    const scenario = parseDirective(text, provider, context);
    if (scenario) return scenario;
  }
  return { kind: 'text' };
}

const CWD_PATTERNS = [
  /Primary working directory:\s*(\/[^\r\n]*)/, // Claude Code's system prompt
  /<cwd>(\/[^<]*)<\/cwd>/, // Codex's environment context
  /Workspace Directories:\**\s*\n\s*-\s*(\/[^\r\n]*)/, // Gemini CLI's session context
  /currently working in the directory:?\s*(\/[^\r\n]*)/i,
  /[Ww]orking directory:\s*(\/[^\r\n]*)/,
];

/** The agent's working directory as the CLI told the model, if it did. */
export function workingDirectoryOf(allText: string): string | undefined {
  for (const pattern of CWD_PATTERNS) {
    const match = pattern.exec(allText);
    if (match) return (match[1] ?? '').trim().replace(/[.`'"]+$/, '');
  }
  return undefined;
}

export function joinPath(dir: string | undefined, relative: string): string {
  if (relative.startsWith('/') || !dir) return relative;
  return `${dir.replace(/\/+$/, '')}/${relative}`;
}

function answerAfterTool(result: { text: string; isError: boolean }): string {
  return `Done. Tool result was: ${JSON.stringify(result.text)}${result.isError ? ' (is_error)' : ''}`;
}

export function sleepCommand(seconds: number, marker: string): string {
  return `echo ${marker} started; sleep ${seconds}; echo ${marker}`;
}

function shell(command: string, description: string): ToolIntent {
  return { kind: 'shell', command, description };
}

/** Decides the next reply from the conversation alone. */
export function planReply(conversation: Conversation, scenario: Scenario = scenarioOf(conversation)): Reply {
  if (!conversation.agentTurn) return { kind: 'text', text: TEXT_ANSWER, usage: NORMAL_USAGE };
  const result = conversation.lastToolResult;
  const once = (tool: ToolIntent): Reply =>
    result
      ? { kind: 'text', text: answerAfterTool(result), usage: NORMAL_USAGE }
      : { kind: 'tool', tool, usage: NORMAL_USAGE };
  const always = (tool: ToolIntent, usage: Usage): Reply => ({ kind: 'tool', tool, usage });
  switch (scenario.kind) {
    case 'text':
      return { kind: 'text', text: result ? answerAfterTool(result) : TEXT_ANSWER, usage: NORMAL_USAGE };
    case 'write':
      return once({
        kind: 'write',
        path: joinPath(workingDirectoryOf(conversation.allText), scenario.path),
        relativePath: scenario.path,
        content: WRITE_CONTENT,
      });
    case 'replace':
      return once({
        kind: 'edit',
        path: joinPath(workingDirectoryOf(conversation.allText), scenario.path),
        relativePath: scenario.path,
        old: scenario.old,
        new: scenario.new,
      });
    case 'bash':
      return once(shell(scenario.command, 'Run the requested command'));
    case 'sleep':
      return once(shell(sleepCommand(scenario.seconds, scenario.marker), 'Sleep'));
    case 'forever':
      return always(shell(`sleep 0.1; echo tick ${conversation.toolResults}`, 'Tick'), NORMAL_USAGE);
    case 'huge':
      return always(shell(`sleep 0.1; echo tick ${conversation.toolResults}`, 'Tick'), HUGE_USAGE);
    case 'slowforever':
      return always(shell(sleepCommand(30, scenario.marker), 'Sleep'), NORMAL_USAGE);
    case 'error':
      return { kind: 'error', status: scenario.status, message: `fake ${scenario.status} from fake server` };
    case 'mcp':
      return once({ kind: 'mcp', server: MCP_SERVER, tool: scenario.tool, args: scenario.args });
    case 'say':
      return { kind: 'text', text: scenario.text, usage: NORMAL_USAGE };
    case 'writesay':
      return result
        ? { kind: 'text', text: scenario.text, usage: NORMAL_USAGE }
        : {
            kind: 'tool',
            tool: {
              kind: 'write',
              path: joinPath(workingDirectoryOf(conversation.allText), scenario.path),
              relativePath: scenario.path,
              content: WRITE_CONTENT,
            },
            usage: NORMAL_USAGE,
          };
  }
}
