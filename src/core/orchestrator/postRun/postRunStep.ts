import type { AgentRun } from '../../agents/agentRun';
import type { RunRequest } from '../../agents/runTypes';
import type { FmesConfig } from '../../config';
import type { Logger } from '../../log';
import type { MissionRecord } from '../../schemas/mission';
import type { MissionReview } from '../../schemas/verify';
import type { Plan } from '../../schemas/plan';
import type { CollectedReport } from '../missionReport';

/** What every post-run step sees: the finished run's report and changes, and the mission as it stands. */
export interface PostRunContext {
  /** The main workspace. */
  root: string;
  plan: Plan;
  /** The mission record after the run (branch, worktree, attempts). */
  record: MissionRecord;
  /** Where the agent worked: the shadow worktree or the main checkout. */
  cwd: string;
  /** The report the run ended with (the agent's own, or one F-MES wrote from the run). */
  collected: CollectedReport;
  /** Files the run changed, workspace-relative. */
  changed: readonly string[];
  log: Logger;
  /** The settings as they are now. */
  config?: () => FmesConfig;
  /**
   * Starts an agent run for a step that asks a model (audit, review): through the mission's runner, so the run
   * has its cost log, breaker, sandbox and audit like any other. Absent where no runner is wired (plain tests).
   */
  startRun?: (request: RunRequest) => Promise<AgentRun>;
  /** Variables for every agent run (tests point the CLIs at a fake model API here). */
  runEnv?: Readonly<Record<string, string>>;
  /** Which review round this is (0: the first run; 1: after the author answered the review's comments). */
  reviewRound?: number;
  /** A line for people (the CLI prints it, the editor logs it); never the mission's failure. */
  note(message: string): void;
}

/** What a step found. The mission is ready to merge only when no step holds it. */
export interface PostRunFinding {
  /** One line each for the record's `reason`, in step order. */
  reasons?: string[];
  /** True when a person must look before the merge: the mission goes to `review`. */
  hold?: boolean;
  /** Fields the step adds to the mission record (its own evidence: cross-check, predicted conflicts, …). */
  patch?: Partial<MissionRecord>;
  /** A review whose comments the author may answer in one more round (orchestrator.review.rounds). */
  retry?: MissionReview;
}

/**
 * One named check between an agent's successful run and the merge decision. Steps run in the order of
 * POST_RUN_STEPS, each in its own file; a new check (rule audit, visual proof, cross-model review) is one
 * more entry there.
 */
export interface PostRunStep {
  readonly name: string;
  run(ctx: PostRunContext): Promise<PostRunFinding> | PostRunFinding;
}
