import { randomUUID } from 'node:crypto';
import type { FmesConfig } from '../config';
import { readOnlyArgs, withoutLoosening } from './readOnly';
import { ClaudeStreamParser } from './streams/claudeStream';
import { CodexStreamParser } from './streams/codexStream';
import type { StreamParser } from './streams/common';
import { GeminiStreamParser } from './streams/geminiStream';
import type { AgentKind, AgentResult, RunEndReason } from './types';

export type AgentCliConfig = FmesConfig['agents'][AgentKind];

export interface InvocationInput {
  prompt: string;
  maxTurns: number;
  /** The run's budget; passed to CLIs that enforce one themselves (F-MES's breaker enforces it anyway). */
  budgetUsd?: number;
  allowedTools: readonly string[];
  /** Read-only run: the CLI's read-only mode replaces the configured permissions and `allowedTools`. */
  readOnly?: boolean;
  model?: string;
  session: { mode: 'new'; id?: string } | { mode: 'resume'; id: string };
  /** A settings file for the session (Claude `--settings`: hooks without touching the user's files). */
  settingsFile?: string;
  /** F-MES's own arguments for the CLI (Codex: its per-run hooks), placed after the configured ones. */
  extraArgs?: readonly string[];
  config: AgentCliConfig;
}

export interface Invocation {
  command: string;
  args: string[];
  /** Written to the CLI's stdin, then closed (prompts go there: no argv length limit, not visible in `ps`). */
  stdin: string;
}

/** The configured arguments, for a read-only run without what would loosen it and with the read-only flags. */
function configArgs(kind: AgentKind, i: InvocationInput): string[] {
  return i.readOnly ? [...withoutLoosening(kind, i.config.args), ...readOnlyArgs(kind)] : [...i.config.args];
}

/** What F-MES knows about one agent CLI: how to start it, how to read it, how it fails. */
export interface AgentAdapter {
  readonly kind: AgentKind;
  /** True when the CLI prices its own usage (its figure is used; the price table only estimates live). */
  readonly reportsCost: boolean;
  /** True when the CLI's cost is cumulative over a resumed session (so deltas must be taken). */
  readonly cumulativeCost: boolean;
  /** A fresh session id F-MES can choose up front (so a crash can still be resumed), if the CLI takes one. */
  newSessionId(): string | undefined;
  buildInvocation(i: InvocationInput): Invocation;
  createParser(model?: string): StreamParser;
  /** Maps a failed attempt (its result, stderr and exit code) to a reason. */
  classifyFailure(f: { result?: AgentResult; stderr: string; exitCode?: number | null }): RunEndReason;
}

const API_FAILURE =
  /\b(429|5\d\d)\b|overloaded|high demand|temporar(y|ily)|rate.?limit|quota|ECONNREFUSED|ECONNRESET|ETIMEDOUT|stream disconnected|unexpected status|fetch failed/i;

function commonFailure(f: { result?: AgentResult; stderr: string }): RunEndReason {
  if (f.result?.apiErrorStatus !== undefined || API_FAILURE.test(f.result?.text ?? '') || API_FAILURE.test(f.stderr))
    return 'apiError';
  return 'agentError';
}

export const claudeAdapter: AgentAdapter = {
  kind: 'claude',
  reportsCost: true,
  cumulativeCost: true,
  newSessionId: () => randomUUID(),
  buildInvocation(i) {
    const args = [
      ...configArgs('claude', i),
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      String(i.maxTurns),
    ];
    if (i.allowedTools.length && !i.readOnly) args.push('--allowedTools', i.allowedTools.join(','));
    if (i.model) args.push('--model', i.model);
    if (i.settingsFile) args.push('--settings', i.settingsFile);
    if (i.budgetUsd !== undefined) args.push('--max-budget-usd', String(i.budgetUsd));
    if (i.session.mode === 'resume') args.push('--resume', i.session.id);
    else if (i.session.id) args.push('--session-id', i.session.id);
    return { command: i.config.command, args, stdin: i.prompt };
  },
  createParser: () => new ClaudeStreamParser(),
  classifyFailure(f) {
    const r = f.result;
    if (r?.ok) return 'agentError';
    if (r?.subtype === 'error_max_turns') return 'maxTurns';
    if (r?.subtype === 'error_max_budget_usd') return 'budget';
    if (r?.terminalReason === 'api_error') return 'apiError';
    // The CLI's own words for `--resume <id>` that it does not know (exit 1, in stderr and the result).
    if (/No conversation found/i.test(`${r?.text ?? ''}\n${f.stderr}`)) return 'sessionNotFound';
    return commonFailure(f);
  },
};

export const geminiAdapter: AgentAdapter = {
  kind: 'gemini',
  reportsCost: false,
  cumulativeCost: false,
  newSessionId: () => randomUUID(),
  buildInvocation(i) {
    // Gemini appends stdin to `--prompt`; an empty flag value makes stdin the whole prompt.
    const args = [...configArgs('gemini', i), '--output-format', 'stream-json', '--prompt', ''];
    if (i.allowedTools.length && !i.readOnly) args.push('--allowed-tools', i.allowedTools.join(','));
    if (i.model) args.push('--model', i.model);
    if (i.session.mode === 'resume') args.push('--resume', i.session.id);
    else if (i.session.id) args.push('--session-id', i.session.id);
    return { command: i.config.command, args, stdin: i.prompt };
  },
  createParser: () => new GeminiStreamParser(),
  classifyFailure(f) {
    // Headless Gemini in a folder it does not trust exits 55 before doing anything (its stderr says how to trust).
    if (f.exitCode === 55) return 'refused';
    if (!f.result && /session.*not found|no (previous )?sessions? found|invalid session/i.test(f.stderr))
      return 'sessionNotFound';
    return commonFailure(f);
  },
};

export const codexAdapter: AgentAdapter = {
  kind: 'codex',
  reportsCost: false,
  cumulativeCost: false,
  newSessionId: () => undefined,
  buildInvocation(i) {
    // The read-only sandbox goes last: after F-MES's own arguments too.
    const ro = i.readOnly ? readOnlyArgs('codex') : [];
    const cfg = i.readOnly ? withoutLoosening('codex', i.config.args) : i.config.args;
    const args = ['exec', '--json', ...cfg, ...(i.extraArgs ?? []), ...ro];
    if (i.model) args.push('--model', i.model);
    // `-` reads the prompt from stdin.
    if (i.session.mode === 'resume') args.push('resume', i.session.id, '-');
    else args.push('-');
    return { command: i.config.command, args, stdin: i.prompt };
  },
  createParser: (model) => new CodexStreamParser(model),
  classifyFailure(f) {
    if (!f.result && /no (rollout|session|thread) found|session.*not found/i.test(f.stderr)) return 'sessionNotFound';
    return commonFailure(f);
  },
};

export const ADAPTERS: Readonly<Record<AgentKind, AgentAdapter>> = {
  claude: claudeAdapter,
  gemini: geminiAdapter,
  codex: codexAdapter,
};
