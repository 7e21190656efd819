import type { Breach } from './breaker';
import type { AgentEvent, AgentKind, RunEndReason } from './types';

export interface RunRequest {
  /** Which CLI runs the task. */
  cli: AgentKind;
  /** The agent id in locks, logs and sessions; defaults to the CLI's name. */
  agentId?: string;
  taskId: string;
  prompt: string;
  /** Where the agent works: the workspace or a shadow worktree of it. Defaults to the workspace root. */
  cwd?: string;
  /** Resume the task's stored session for this agent (falls back to a fresh, seeded session). */
  resume?: boolean;
  maxTurns?: number;
  budgetUsd?: number;
  timeoutSec?: number;
  retries?: number;
  allowedTools?: readonly string[];
  /**
   * A run that may read the worktree but not change it (reviewers, auditors, planners): each CLI gets its
   * read-only mode, whatever its configured arguments say (src/core/agents/readOnly.ts).
   */
  readOnly?: boolean;
  model?: string;
  /** Claude `--settings` file for the session (hooks). */
  settingsFile?: string;
  /**
   * A run in place (no worktree) for a plan: the plan's declared files and folders (workspace-relative), the
   * only places its sandbox lets it write. Unset: the whole working directory.
   */
  writable?: readonly string[];
  /** Variables for this run only, on top of the agent's configured ones (tests point CLIs at a fake API here). */
  env?: Readonly<Record<string, string>>;
}

export interface RunOutcome {
  runId: string;
  agentId: string;
  cli: AgentKind;
  taskId: string;
  ok: boolean;
  reason: RunEndReason;
  /** One line for people: what happened. */
  message: string;
  sessionId: string | undefined;
  /** What this run cost (all attempts), in USD: deltas, never a session's running total. */
  costUsd: number;
  turns: number;
  attempts: number;
  exitCode: number | undefined;
  /** The agent's final text (redacted), if it gave one. */
  resultText: string | undefined;
  denials: number;
  /** Approval requests this run left pending (`fmes approve <id>`, then resume). */
  pendingApprovals: string[];
  /** The run's transcript (redacted JSONL), workspace-relative. */
  transcript: string;
  startedAt: string;
  finishedAt: string;
}

/** What a run reports while it goes: the terminal, the panel and the meter listen. */
export type RunEvent =
  | {
      type: 'attempt';
      attempt: number;
      command: string;
      args: readonly string[];
      session: 'new' | 'resume';
      sessionId: string | undefined;
      cwd: string;
    }
  | { type: 'agent'; event: AgentEvent }
  | { type: 'stderr'; line: string }
  /** The run's cost so far (logged attempts plus the live estimate of the current one). */
  | { type: 'cost'; costUsd: number; turns: number }
  | { type: 'breach'; breach: Breach }
  | { type: 'retry'; attempt: number; reason: RunEndReason; delayMs: number; message: string }
  | { type: 'fallback'; message: string }
  | { type: 'killed'; forced: number; survivors: number; ms: number }
  | { type: 'end'; outcome: RunOutcome };

export type RunState = 'starting' | 'running' | 'stopping' | 'done';

/** A run as the panel shows it. */
export interface RunSnapshot {
  runId: string;
  agentId: string;
  cli: AgentKind;
  taskId: string;
  state: RunState;
  sessionId: string | undefined;
  costUsd: number;
  turns: number;
  attempt: number;
  startedAt: string;
  outcome: RunOutcome | undefined;
  /** Whether the run's agent runs in the OS sandbox (undefined until its first attempt starts). */
  sandboxed?: boolean;
}
