import { z } from 'zod';
import { agentId, isoDateTime, relPath, taskId } from './common';
import { missionProofSchema, missionReviewSchema, rulesCheckSchema } from './verify';

export const MISSION_VERSION = 1;

/**
 * Where a mission stands. The orchestrator moves it forward; people move it with Merge, Discard and Roll Back.
 * - `queued`: the plan is valid and waits for its turn (or for its `dependsOn`).
 * - `waiting`: its files overlap a held lock or a running mission; `blockedBy` says which.
 * - `awaitingApproval`: a high-risk or destructive plan waits for a person before anything runs.
 * - `running`: an agent works in the shadow worktree.
 * - `review`: the agent finished; the cross-check flagged undeclared changes, so the merge waits for a person.
 * - `readyToMerge`: the agent finished, the cross-check passed; the merge prompt is shown.
 * - `conflicted`: a merge was started and stopped on conflicts; the merge editor resolves them.
 * - `merged`, `discarded`, `rolledBack`, `handedOff`, `refused`: final.
 */
export const missionStateSchema = z.enum([
  'queued',
  'waiting',
  'awaitingApproval',
  'running',
  'review',
  'readyToMerge',
  'conflicted',
  'merged',
  'discarded',
  'rolledBack',
  'handedOff',
  'refused',
]);
export type MissionStateName = z.infer<typeof missionStateSchema>;

export const FINAL_MISSION_STATES: readonly MissionStateName[] = [
  'merged',
  'discarded',
  'rolledBack',
  'handedOff',
  'refused',
];

/** One agent run inside a mission (a retry of the same agent is a new attempt). */
export const missionAttemptSchema = z.object({
  /** The agent id that ran (locks, logs). */
  agent: agentId,
  /** The CLI that ran it (`claude`, `gemini`, `codex`). */
  cli: z.string().min(1),
  /** The runner's run id (transcript under `.fmes/runs/<task>/<runId>.jsonl`). */
  runId: z.string().min(1),
  /** Whether the runner judged the run a success (`is_error` and exit code, not the report alone). */
  ok: z.boolean(),
  /** The runner's end reason (`completed`, `maxTurns`, `budget`, `apiError`, …). */
  reason: z.string().min(1),
  /** One line for people. */
  message: z.string(),
  costUsd: z.number().nonnegative(),
  turns: z.number().int().nonnegative(),
  startedAt: isoDateTime,
  finishedAt: isoDateTime,
});
export type MissionAttempt = z.infer<typeof missionAttemptSchema>;

/** The result of comparing what the plan declared with what the branch changed. */
export const crossCheckSchema = z.object({
  /** Files the branch changed (workspace-relative). */
  changed: z.array(relPath),
  /** Changed files no declared path covers: they hold the merge for approval. */
  undeclared: z.array(relPath),
  /** Files the report lists that the branch did not change, and changed files the report leaves out. */
  reportMismatch: z.array(relPath).default([]),
  /** Tests the report says failed. */
  failedTests: z.number().int().nonnegative().optional(),
  /** True when nothing above needs a person. */
  ok: z.boolean(),
});
export type CrossCheck = z.infer<typeof crossCheckSchema>;

/**
 * `.fmes/missions/<task>.json`: one plan's way through the loop, written atomically by the orchestrator
 * (the editor, the CLI and the dashboard read it). Unknown keys are dropped.
 */
export const missionRecordSchema = z.object({
  version: z.literal(MISSION_VERSION).default(MISSION_VERSION),
  taskId,
  title: z.string(),
  /** The plan file, workspace-relative. */
  planFile: relPath,
  state: missionStateSchema,
  /** The agents to try, in order (failover chain). */
  chain: z.array(agentId).min(1),
  /** Task type and complexity the classifier chose. */
  taskType: z.string().optional(),
  complexity: z.string().optional(),
  /** The plan's declared files. */
  files: z.array(relPath),
  /** The shadow worktree (workspace-relative, under `.trees/`) and its branch, once created. */
  worktree: relPath.optional(),
  branch: z.string().optional(),
  /** The commit the branch started from. */
  baseCommit: z.string().optional(),
  /** Snapshot taken before the first run (`refs/fmes/snapshots/...`), for Roll Back. */
  snapshot: z.string().optional(),
  attempts: z.array(missionAttemptSchema).default([]),
  /** The report the mission ended with, workspace-relative (`.claude/outbox/...`). */
  report: relPath.optional(),
  crossCheck: crossCheckSchema.optional(),
  /** Files a merge stopped on. */
  conflicts: z.array(relPath).optional(),
  /** Files `git merge-tree` predicts will conflict. */
  predictedConflicts: z.array(relPath).optional(),
  /** The rule check of `.fmes/rules.yaml` on the changed lines (and the audit agent's findings). */
  rules: rulesCheckSchema.optional(),
  /** The visual proof: screenshots of the branch and the base, and how much differs. */
  proof: missionProofSchema.optional(),
  /** The cross-model review. */
  review: missionReviewSchema.optional(),
  /** Re-plans written after every agent failed (`.antigravity/plans/<id>-r<n>.md`), in order. */
  replans: z.array(relPath).optional(),
  /** The mission this one re-plans, when it runs a revised plan. */
  replanOf: z.string().optional(),
  /** Why it waits, was refused, or was handed off (one line for people). */
  reason: z.string().optional(),
  /** Locks or missions it waits on. */
  blockedBy: z.array(z.string()).optional(),
  /** The handoff file, when it was handed off. */
  handoff: relPath.optional(),
  /** The approval request it waits on, when awaitingApproval. */
  approval: z.string().optional(),
  costUsd: z.number().nonnegative().default(0),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type MissionRecord = z.output<typeof missionRecordSchema>;
export type MissionRecordInput = z.input<typeof missionRecordSchema>;
