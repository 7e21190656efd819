import { z } from 'zod';
import { agentId, isoDateTime, relPath, taskId } from './common';
import { schemaText } from '../i18n/schemaText';

export const REPORT_VERSION = 1;

/** How a run ended, as the agent (or the runner that stopped it) saw it. */
export const reportStatusSchema = z.enum([
  /** The task is done and the agent believes it is correct. */
  'success',
  /** The agent gave up or its result is known to be wrong. */
  'failure',
  /** Some of the task is done; `summary` says what is left. */
  'partial',
  /** Stopped from outside (a person, a budget or a lock conflict) before it finished. */
  'killed',
  /** Stopped because it ran past its `timeoutSec`. */
  'timeout',
]);

export type ReportStatus = z.infer<typeof reportStatusSchema>;

/**
 * Bounds on what a report may hold, so that an agent (or a runaway loop in one) cannot fill the outbox, the
 * mission panel or the orchestrator's memory. Generous for any real run; a report past one is refused, naming
 * the field.
 */
export const REPORT_LIMITS = {
  /** `summary`, in characters. */
  summaryChars: 20_000,
  /** Entries in `changedFiles`. */
  changedFiles: 10_000,
  /** One `changedFiles` path, in characters. */
  pathChars: 4_096,
  /** Entries in `errors`. */
  errors: 200,
  /** One `errors` message, in characters. */
  errorChars: 4_000,
  /** `sessionId`, in characters. */
  sessionIdChars: 200,
  /** Test counts, turns. */
  count: 10_000_000,
  /** `costUsd`. */
  costUsd: 1_000_000,
  /** `durationMs`: 400 days. */
  durationMs: 400 * 24 * 3600 * 1000,
  /** Fields a writer adds beyond the schema (kept in the file by submitReport). */
  extraFields: 32,
  /** One added field, as JSON, in characters. */
  extraFieldChars: 16_384,
} as const;

const count = z.number().int().nonnegative().max(REPORT_LIMITS.count);

/** Test counts the agent saw on its last test run. */
export const testCountsSchema = z
  .object({
    /** Tests that ran (skipped tests are not counted). */
    run: count,
    /** Tests that passed. */
    passed: count,
    /** Tests that failed or errored. */
    failed: count,
  })
  // A skipped or crashed test may be in neither bucket, so the sum may fall short of `run` but never exceed it.
  .superRefine((t, ctx) => {
    if (t.passed + t.failed > t.run) {
      ctx.addIssue({
        code: 'custom',
        path: ['passed'],
        message: schemaText('testCounts', { sum: t.passed + t.failed, run: t.run }),
      });
    }
  });

export type TestCounts = z.infer<typeof testCountsSchema>;

/**
 * The content of `.claude/outbox/<anything>.json` (usually `report.json`): what an agent writes when it
 * finishes a task, and what the orchestrator reads to decide what happens next. Unknown fields are dropped,
 * so agents may add their own without breaking readers.
 */
export const reportSchema = z
  .object({
    /** Format version; omitted means 1. Readers reject versions they do not know. */
    version: z.literal(REPORT_VERSION).default(REPORT_VERSION),
    /** The agent that did the work. */
    agent: agentId,
    /** The task (the plan's `id`) this report closes. */
    taskId,
    /** How the run ended. */
    status: reportStatusSchema,
    /** What was done and what was not, in prose or markdown, for people and the next agent. */
    // One "must not be blank" covers the empty string too, rather than a second "too small" for it.
    summary: z
      .string()
      .max(REPORT_LIMITS.summaryChars)
      .refine((s) => s.trim() !== '', 'must not be blank'),
    /** Workspace-relative paths the agent created, changed or deleted. */
    changedFiles: z.array(relPath.max(REPORT_LIMITS.pathChars)).max(REPORT_LIMITS.changedFiles).default([]),
    /** Counts from the agent's last test run, when it ran tests. */
    tests: testCountsSchema.optional(),
    /** What the run cost in US dollars, when the agent CLI reports it. */
    costUsd: z.number().nonnegative().max(REPORT_LIMITS.costUsd).optional(),
    /** Wall-clock length of the run in milliseconds. */
    durationMs: z.number().int().nonnegative().max(REPORT_LIMITS.durationMs).optional(),
    /** The agent CLI's session id, so the run can be resumed or matched to cost log lines. */
    sessionId: z.string().min(1).max(REPORT_LIMITS.sessionIdChars).optional(),
    /** When the agent started the task. */
    startedAt: isoDateTime,
    /** When the agent finished (or was stopped). */
    finishedAt: isoDateTime,
    /** Errors the agent hit, one message each, newest last. */
    errors: z.array(z.string().max(REPORT_LIMITS.errorChars)).max(REPORT_LIMITS.errors).optional(),
    /** Model turns the run took. */
    turns: count.optional(),
  })
  .superRefine((r, ctx) => {
    // Compare instants, not strings: the two stamps may carry different offsets.
    if (Date.parse(r.finishedAt) < Date.parse(r.startedAt)) {
      ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: schemaText('notBeforeStarted') });
    }
  });

/** A parsed report, with defaults filled in. */
export type Report = z.output<typeof reportSchema>;
/** What a writer may put in report.json (defaulted fields optional). */
export type ReportInput = z.input<typeof reportSchema>;
