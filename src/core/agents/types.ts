/** The agent CLIs F-MES can drive headless. */
export const AGENT_KINDS = ['claude', 'gemini', 'codex'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export function isAgentKind(s: unknown): s is AgentKind {
  return typeof s === 'string' && (AGENT_KINDS as readonly string[]).includes(s);
}

/** Token counts of one model reply or of a whole run, in the providers' common terms. */
export interface Usage {
  /** Prompt tokens not served from a cache. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const zeroUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

/** A tool call the agent CLI refused (permission rules or a PreToolUse hook). */
export interface Denial {
  tool: string;
  toolUseId?: string;
  input?: unknown;
  /**
   * Who refused it, when the CLI says: `hook` (a PreToolUse/BeforeTool hook: F-MES's own records it), else the
   * CLI's own permission system (Claude: `config`, …; Gemini: `policy`, or `unavailable` for a tool the approval
   * mode withholds).
   */
  source?: string;
  /** The CLI's message to the model. */
  reason?: string;
}

/**
 * What an agent CLI's stream says, in one vocabulary for every CLI. Parsers turn each stdout line into zero
 * or more of these; a line they do not understand becomes `unknown` (logged, never fatal).
 */
export type AgentEvent =
  /** The session started (or resumed). */
  | { type: 'init'; sessionId: string; model?: string; cwd?: string }
  /** The model began a new reply: what `--max-turns` counts. */
  | { type: 'turn'; n: number }
  | { type: 'text'; text: string }
  | { type: 'toolUse'; id: string; tool: string; input: unknown }
  /** `exitCode`: a shell command's, when the CLI reports it (Codex). */
  | { type: 'toolResult'; id: string; ok: boolean; output: string; exitCode?: number }
  | { type: 'denial'; denial: Denial }
  /** Tokens of one model reply, for the live cost estimate (the CLI's own figure, when it has one, wins at the end). */
  | { type: 'usage'; usage: Usage; model?: string }
  | { type: 'result'; result: AgentResult }
  | { type: 'unknown'; line: string; why: string };

/** The last word of a run, as the CLI reported it. */
export interface AgentResult {
  /** Decided by `is_error` (Claude) or the status field, never by a subtype alone. */
  ok: boolean;
  sessionId?: string;
  turns?: number;
  /** Claude: the session's cumulative cost (includes earlier runs of a resumed session). */
  totalCostUsd?: number;
  usage?: Usage;
  /** Tokens per model, for CLIs that report tokens but no cost (priced with the price table). */
  modelUsage?: Record<string, Usage>;
  model?: string;
  /** The CLI's classification: `success`, `error_max_turns`, `error_max_budget_usd`, `api_error`, … */
  subtype?: string;
  terminalReason?: string;
  /** HTTP status of a failed API call, when the CLI says. */
  apiErrorStatus?: number;
  /** The final text (or error text). */
  text?: string;
  denials: Denial[];
}

/** Why a run ended. */
export type RunEndReason =
  | 'success'
  /** The turn limit was reached (by the CLI or by F-MES's breaker). */
  | 'maxTurns'
  /** The run's budget was reached. */
  | 'budget'
  /** The global daily budget across all agents was reached. */
  | 'dailyBudget'
  /** The wall-time limit was reached. */
  | 'timeout'
  /** Someone stopped it (Stop Agent, Ctrl+C). */
  | 'stopped'
  /** The model API failed (overloaded, rate limited, 5xx). */
  | 'apiError'
  /** `--resume` named a session the CLI does not know. */
  | 'sessionNotFound'
  /** The agent finished with an error, or exited without a result. */
  | 'agentError'
  /** The CLI could not be started (not installed, not executable). */
  | 'spawnFailed'
  /**
   * F-MES did not start the CLI because the run could not be guarded (a workspace setting switches F-MES's hooks
   * off) or the CLI would refuse the folder anyway (Gemini's folder trust). Never retried.
   */
  | 'refused'
  /** The agent asked for something that needs a person (the approval gate): approve, then resume. */
  | 'awaitingApproval';

/** Reasons the circuit breaker trips on: the run is killed and never retried. */
export const BREACHES: readonly RunEndReason[] = ['maxTurns', 'budget', 'dailyBudget', 'timeout'];
