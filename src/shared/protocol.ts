/**
 * The dashboard webview's messages, defined once for both sides. Three kinds:
 * - commands: webview → host, no reply (a button was pressed);
 * - requests: webview → host, answered by one `reply` with the same `requestId` (the webview gives up after a timeout);
 * - notifications: host → webview (`state/changed`).
 * Each side validates what it receives with these schemas: the host never trusts the webview (its content is
 * built from files agents write) and the webview never trusts a message it did not expect.
 * No vscode and no node:* here: the webview bundle imports this file.
 */
import { z } from 'zod';
import { verifyViewSchema } from './verifyView';

const taskId = z.string().min(1).max(200);
/** A workspace-relative path as the dashboard names files (validated again by the host before use). */
const relFile = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');
/**
 * A plan file as the Start Mission button names it: one `.md` file directly in `.antigravity/plans/`, relative
 * to the workspace root. Anything else is refused here, before the host resolves it.
 */
const planFile = z
  .string()
  .max(4096)
  .refine((s) => !s.split(/[\\/]/).includes('..'), 'must not contain ..')
  .refine((s) => /^\.antigravity\/plans\/[^/\\\0]+\.md$/.test(s), 'must be a .md file in .antigravity/plans/');

// ───────────────────────── the state the dashboard shows ─────────────────────────

/** A file that could not be read as what it should be: shown as a row, never a crash. */
export const fileIssueSchema = z.object({
  /** Workspace-relative file name. */
  file: z.string(),
  /** Dotted field path, empty for the whole file. */
  field: z.string(),
  message: z.string(),
});
export type FileIssue = z.infer<typeof fileIssueSchema>;

export const testCountsViewSchema = z.object({ run: z.number(), passed: z.number(), failed: z.number() });

/** One report from `.claude/outbox/*.json`. */
export const reportRowSchema = z.object({
  file: z.string(),
  taskId: z.string(),
  agent: z.string(),
  status: z.string(),
  /** The summary rendered from markdown by the host's safe renderer (no raw HTML, links http(s) or relative only). */
  summaryHtml: z.string(),
  changedFiles: z.array(z.string()),
  tests: testCountsViewSchema.optional(),
  costUsd: z.number().optional(),
  durationMs: z.number().optional(),
  finishedAt: z.string(),
  errors: z.array(z.string()),
  /** Cross-check findings of the mission that ended with this report (undeclared files, mismatches, failed tests). */
  warnings: z.array(z.string()),
});
export type ReportRow = z.infer<typeof reportRowSchema>;

export const attemptRowSchema = z.object({
  agent: z.string(),
  cli: z.string(),
  ok: z.boolean(),
  reason: z.string(),
  message: z.string(),
  costUsd: z.number(),
});

export const crossCheckViewSchema = z.object({
  changed: z.array(z.string()),
  undeclared: z.array(z.string()),
  reportMismatch: z.array(z.string()),
  failedTests: z.number().optional(),
  ok: z.boolean(),
});

/** What a mission's branch changed since the commit it started from. */
export const missionDiffViewSchema = z.object({
  /** The commit the mission started from. */
  base: z.string(),
  branch: z.string(),
  files: z.array(
    z.object({
      file: z.string(),
      /** Lines added; absent for a binary file. */
      added: z.number().optional(),
      removed: z.number().optional(),
    }),
  ),
  /** More files changed than are listed. */
  truncated: z.boolean(),
});
export type MissionDiffView = z.infer<typeof missionDiffViewSchema>;

/** One mission from `.fmes/missions/*.json`. */
export const missionRowSchema = z.object({
  taskId: z.string(),
  title: z.string(),
  /** The orchestrator's state name (`readyToMerge`, `review`, `conflicted`, …). */
  state: z.string(),
  planFile: z.string(),
  chain: z.array(z.string()),
  attempts: z.array(attemptRowSchema),
  costUsd: z.number(),
  branch: z.string().optional(),
  /** A snapshot exists, so Roll Back is offered. */
  canRollBack: z.boolean(),
  /** The merge prompt (Merge / Open Merge Editor / Discard) is shown: readyToMerge, review or conflicted. */
  mergePrompt: z.boolean(),
  /** Not final: a handoff may still be generated. */
  open: z.boolean(),
  crossCheck: crossCheckViewSchema.optional(),
  conflicts: z.array(z.string()),
  predictedConflicts: z.array(z.string()),
  reason: z.string().optional(),
  report: z.string().optional(),
  handoff: z.string().optional(),
  updatedAt: z.string(),
  /** Rule violations, the visual proof and the cross-model review, when the mission has any. */
  verify: verifyViewSchema.optional(),
  /** The branch's changes, file by file (the host adds them; absent before the branch exists). */
  diff: missionDiffViewSchema.optional(),
});
export type MissionRow = z.infer<typeof missionRowSchema>;

/** One handoff (`HANDOFF_REPORT*.md`, `handoff.md`). */
export const handoffRowSchema = z.object({
  file: z.string(),
  taskId: z.string(),
  status: z.string(),
  reason: z.string(),
  attempts: z.number(),
  agents: z.array(z.string()),
  costUsd: z.number().optional(),
  createdAt: z.string(),
});
export type HandoffRow = z.infer<typeof handoffRowSchema>;

/** An approval request from `.fmes/approvals/*.json`. */
export const approvalRowSchema = z.object({
  id: z.string(),
  agent: z.string(),
  taskId: z.string().optional(),
  tool: z.string(),
  summary: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  status: z.string(),
});
export type ApprovalRow = z.infer<typeof approvalRowSchema>;

export const agentRowSchema = z.object({
  agent: z.string(),
  /** Holds at least one lock now. */
  active: z.boolean(),
  locks: z.number(),
  costUsd: z.number(),
});

export const runRowSchema = z.object({
  runId: z.string(),
  agent: z.string(),
  cli: z.string(),
  taskId: z.string(),
  state: z.string(),
  costUsd: z.number(),
  turns: z.number(),
});

/** A plan in `.antigravity/plans/` that a mission can start from now (none, or an unfinished or ended one). */
export const planRowSchema = z.object({
  /** Workspace-relative plan file. */
  file: z.string(),
  id: z.string(),
  title: z.string(),
  /** The agent the plan asks for (`auto` lets the routing rules pick). */
  agent: z.string(),
  risk: z.string(),
  /** The paths the plan declares it will change. */
  files: z.array(z.string()),
  /** The state of the plan's earlier mission, when there is one (`queued`, `refused`, `rolledBack`, …). */
  missionState: z.string().optional(),
});
export type PlanRow = z.infer<typeof planRowSchema>;

/** Where locks live, and whether that server answers (the dashboard shows a lock server that is down). */
export const lockBackendViewSchema = z.object({
  kind: z.enum(['file', 'redis']),
  /** `redis://host:port/db`, never with a password; the `.locks/` folder for the file backend. */
  where: z.string(),
  ok: z.boolean(),
  /** Why it is down, and what to check: agents' writes are denied until it answers. */
  message: z.string().optional(),
});
export type LockBackendView = z.infer<typeof lockBackendViewSchema>;

/** Everything the dashboard shows, rebuilt by the host when a watched file changes. */
export const dashboardStateSchema = z.object({
  /** When the host built it (ISO). */
  generatedAt: z.string(),
  /** `TODO.md` rendered by the safe renderer; absent when there is none. */
  todo: z.object({ file: z.string(), html: z.string(), truncated: z.boolean() }).optional(),
  reports: z.array(reportRowSchema),
  missions: z.array(missionRowSchema),
  /** Plans a mission can start from, by id. */
  plans: z.array(planRowSchema),
  handoffs: z.array(handoffRowSchema),
  /** Pending requests only: decided ones need nothing from a person. */
  approvals: z.array(approvalRowSchema),
  agents: z.array(agentRowSchema),
  runs: z.array(runRowSchema),
  cost: z.object({ day: z.string(), totalUsd: z.number() }),
  /** Files that did not parse, each naming the file and the field. */
  problems: z.array(fileIssueSchema),
  /** Whether the workspace is trusted: buttons that change files are disabled when it is not. */
  trusted: z.boolean(),
  /** The lock backend; absent until the host knows it (always for the file backend, which is never down). */
  lockBackend: lockBackendViewSchema.optional(),
  /** The editor's display language (`vscode.env.language`), which the page's strings follow. */
  locale: z.string().max(40).optional(),
});
export type DashboardState = z.infer<typeof dashboardStateSchema>;

// ───────────────────────── webview → host ─────────────────────────

/** Commands: webview → host, fire and forget. The state that follows shows the effect. */
export const webviewCommandSchemas = [
  /** The webview has loaded and listens: the host posts nothing before this. */
  z.object({ type: z.literal('ready') }),
  /** Merge a mission's branch (runs `fmes.mergeMission`). */
  z.object({ type: z.literal('mission/merge'), taskId }),
  /** Open the merge editor on a conflicted mission (`fmes.openMergeEditor`). */
  z.object({ type: z.literal('mission/openMergeEditor'), taskId }),
  /** Throw a mission's branch away (`fmes.discardMission`). */
  z.object({ type: z.literal('mission/discard'), taskId }),
  /** Restore the snapshot taken before a mission ran (`fmes.rollBackMission`). */
  z.object({ type: z.literal('mission/rollback'), taskId }),
  /** Write a handoff for a mission (`fmes.generateHandoff`). */
  z.object({ type: z.literal('handoff/generate'), taskId }),
  /** Start a mission from a plan (`fmes.startMission`); the host does not wait for the mission to end. */
  z.object({ type: z.literal('mission/start'), planFile }),
  /** Approve or reject a pending approval request. */
  z.object({
    type: z.literal('approval/decide'),
    id: z.string().regex(/^[a-z0-9-]{6,64}$/),
    decision: z.enum(['approved', 'rejected']),
  }),
  /** Open VS Code's diff editor on one file of a mission: the start commit against the mission's branch. */
  z.object({ type: z.literal('mission/openDiff'), taskId, file: relFile }),
  /** Open a workspace file in an editor (a report, a plan, a relative link in TODO.md). */
  z.object({ type: z.literal('artifact/open'), file: relFile }),
] as const;

/** Requests: webview → host; the host answers with one {@link Reply} carrying the same `requestId`. */
export const webviewRequestSchemas = [
  /** The current state, now. */
  z.object({ type: z.literal('state/get'), requestId: z.string().min(1).max(100) }),
] as const;

export const webviewMessageSchema = z.discriminatedUnion('type', [...webviewCommandSchemas, ...webviewRequestSchemas]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;
export type WebviewCommand = z.infer<(typeof webviewCommandSchemas)[number]>;
export type WebviewRequest = z.infer<(typeof webviewRequestSchemas)[number]>;

/** What each request's reply carries. */
export interface RequestResults {
  'state/get': DashboardState;
}

// ───────────────────────── host → webview ─────────────────────────

/** Notification: the state changed (and the first state, after `ready`). */
export const stateChangedSchema = z.object({ type: z.literal('state/changed'), state: dashboardStateSchema });

/** The answer to a request: `ok` with the request's result, or the error text to show. */
export const replySchema = z.discriminatedUnion('ok', [
  z.object({
    type: z.literal('reply'),
    requestId: z.string(),
    request: z.literal('state/get'),
    ok: z.literal(true),
    result: dashboardStateSchema,
  }),
  z.object({
    type: z.literal('reply'),
    requestId: z.string(),
    request: z.string(),
    ok: z.literal(false),
    error: z.string(),
  }),
]);
export type Reply = z.infer<typeof replySchema>;

export const hostMessageSchema = z.discriminatedUnion('type', [stateChangedSchema, replySchema]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** How long the webview waits for a reply before it gives up on a request. */
export const REQUEST_TIMEOUT_MS = 10_000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates a message from the webview; the error names the field. */
export function parseWebviewMessage(data: unknown): Parsed<WebviewMessage> {
  return toParsed(webviewMessageSchema.safeParse(data));
}

/** Validates a message from the host. */
export function parseHostMessage(data: unknown): Parsed<HostMessage> {
  return toParsed(hostMessageSchema.safeParse(data));
}

function toParsed<T>(r: { success: true; data: T } | { success: false; error: z.ZodError }): Parsed<T> {
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
}
