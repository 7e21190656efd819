// What the steps in run/ see of their run: its running figures (session, turns, spend) and its fixed parts.
import type { RunLauncher } from '../../sandbox/runSandbox';
import type { Redactor } from '../../../hot/safety/redact';
import type { Breach, CircuitBreaker } from '../breaker';
import type { RunEvent, RunRequest } from '../runTypes';
import type { AgentRunDeps } from './runDeps';
import type { RunTranscript } from './runTranscript';

/** The run's running figures, shared by the run and the steps of its attempts. */
export interface RunTally {
  sessionId: string | undefined;
  /** Turns of the whole run, over every attempt. */
  turns: number;
  /** Cost of the attempts already logged. */
  loggedUsd: number;
  /** The live estimate of the current attempt's cost. */
  liveUsd: number;
}

/** Cost so far: logged attempts plus the live estimate of the current one. */
export function tallyCostUsd(t: RunTally): number {
  return t.loggedUsd + t.liveUsd;
}

/** The run as its steps see it (AgentRun builds one and passes it to each). */
export interface RunHost {
  readonly runId: string;
  readonly agentId: string;
  readonly request: RunRequest;
  readonly deps: AgentRunDeps;
  /** Where the agent works. */
  readonly cwd: string;
  /** The run's environment (Gemini's guard adds its overlay to it). */
  readonly env: Record<string, string>;
  readonly redactor: Redactor;
  readonly transcript: RunTranscript;
  readonly breaker: CircuitBreaker;
  readonly tally: RunTally;
  /** How the run's processes start; it watches the events too (set once the sandbox is open). */
  launcher(): RunLauncher | undefined;
  fire(e: RunEvent): void;
  /** AgentRun's checkBreach: a crossed limit is said, and the process tree is killed. */
  checkBreach(b: Breach | undefined): void;
}
