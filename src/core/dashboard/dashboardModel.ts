import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSnapshot } from '../agents/runTypes';
import { EXTRA_HANDOFF } from '../artifacts/discover';
import { OUTBOX_DIR } from '../artifacts/outbox';
import { parseHandoff, parsePlan, parseReport } from '../artifacts/parseArtifact';
import type { CostSummary } from '../cost/costLedger';
import { errorMessage, isErrnoException } from '../errors';
import type { AgentView, PlanView } from '../model/workspaceModel';
import { MissionStore } from '../orchestrator/missionStore';
import { allows, statesAllowing } from '../orchestrator/missionTable';
import { ApprovalStore } from '../safety/approvals';
import type { MissionRecord, MissionStateName } from '../schemas/mission';
import { FINAL_MISSION_STATES } from '../schemas/mission';
import type {
  DashboardState,
  FileIssue,
  HandoffRow,
  LockBackendView,
  MissionRow,
  PlanRow,
  ReportRow,
} from '../../shared/protocol';
import { TODO_FILE } from './dashboardFiles';
import { renderMarkdown } from './renderMarkdown';
import { verifyView } from './verifyView';

/** Past this, TODO.md is cut: the dashboard is an overview, not an editor. */
export const TODO_MAX_BYTES = 256 * 1024;
/** The newest reports shown; older ones stay on disk. */
export const MAX_REPORTS = 30;
/** The most recently updated missions shown. */
export const MAX_MISSIONS = 50;

/** The plans shown with a Start Mission button, lowest ids first. */
export const MAX_PLANS = 50;

/** Mission states from which a new start of the same plan is accepted: the state table's `start` column. */
export const STARTABLE_MISSION_STATES: readonly MissionStateName[] = statesAllowing('start');

/** Mission states whose merge waits for a person (the table's `merge` column): Merge / Open Merge Editor / Discard. */
export const MERGE_PROMPT_STATES: readonly string[] = statesAllowing('merge');

/** What the dashboard takes from the live model (WorkspaceModel): plans, agents, runs and today's cost. */
export interface LiveView {
  readonly plans: readonly PlanView[];
  readonly agents: readonly AgentView[];
  readonly runViews: readonly RunSnapshot[];
  readonly costSummary: CostSummary;
  /** A remote lock backend and whether it answers (WorkspaceModel.setLockBackend). */
  readonly lockBackend?: LockBackendView;
}

export interface DashboardInputs {
  root: string;
  live: LiveView;
  trusted: boolean;
  now?: number;
}

/**
 * Reads everything the dashboard shows from the workspace: TODO.md, reports, missions, handoffs and pending
 * approvals from disk, agents/runs/cost from the live model. A file that does not parse becomes a problem
 * row naming the file and the field; nothing here throws for bad content.
 */
export function buildDashboardState({ root, live, trusted, now = Date.now() }: DashboardInputs): DashboardState {
  const problems: FileIssue[] = [];
  const { records, invalid } = new MissionStore(root).list();
  for (const m of invalid)
    for (const i of m.issues) problems.push({ file: m.file, field: i.field, message: i.message });
  const missions = records.slice(0, MAX_MISSIONS);
  const plans = readPlans(root, live.plans, records, problems);
  const reports = readReports(root, missions, problems);
  const handoffs = readHandoffs(root, problems);
  const { approvals, issues } = new ApprovalStore(root).list();
  for (const i of issues) problems.push({ file: rel(root, i.file), field: '', message: i.message });
  for (const c of live.costSummary.issues)
    problems.push({ file: rel(root, c.file), field: c.issue.field, message: c.issue.message });
  return {
    generatedAt: new Date(now).toISOString(),
    ...(live.lockBackend ? { lockBackend: live.lockBackend } : {}),
    todo: readTodo(root, problems),
    reports,
    missions: missions.map((m) => ({
      ...toMissionRow(m),
      verify: verifyView(root, m, MERGE_PROMPT_STATES.includes(m.state)),
    })),
    plans,
    handoffs,
    approvals: approvals
      .filter((a) => a.status === 'pending')
      .map((a) => ({
        id: a.id,
        agent: a.agent,
        taskId: a.taskId,
        tool: a.tool,
        summary: a.summary,
        reason: a.reason,
        createdAt: a.createdAt,
        status: a.status,
      })),
    agents: live.agents.map((a) => ({ agent: a.agent, active: a.active, locks: a.locks, costUsd: a.costUsd })),
    runs: live.runViews
      .filter((r) => r.state !== 'done')
      .map((r) => ({
        runId: r.runId,
        agent: r.agentId,
        cli: r.cli,
        taskId: r.taskId,
        state: r.state,
        costUsd: r.costUsd,
        turns: r.turns,
      })),
    cost: { day: live.costSummary.day, totalUsd: live.costSummary.totalUsd },
    problems,
    trusted,
  };
}

/**
 * The valid plans a mission can start from now, and a problem row for each invalid one. A plan's mission
 * state comes from the records read for this same state (so the Plans and Missions sections agree), else
 * from the live model.
 */
function readPlans(
  root: string,
  views: readonly PlanView[],
  records: readonly MissionRecord[],
  problems: FileIssue[],
): PlanRow[] {
  const states = new Map(records.map((r) => [r.taskId, r.state]));
  const rows: PlanRow[] = [];
  for (const v of views) {
    const file = rel(root, v.file);
    if (v.status === 'invalid' || v.id === undefined) {
      problems.push(...planIssues(root, file, v.problem));
      continue;
    }
    const missionState = states.get(v.id) ?? v.record?.state;
    if (missionState !== undefined && !STARTABLE_MISSION_STATES.includes(missionState)) continue;
    rows.push({
      file,
      id: v.id,
      title: v.title,
      agent: v.agent ?? 'auto',
      risk: v.risk ?? 'medium',
      files: [...v.files],
      missionState,
    });
  }
  return rows.sort((a, b) => a.id.localeCompare(b.id)).slice(0, MAX_PLANS);
}

/**
 * The live model keeps one line per invalid plan; the file is parsed again here so each issue gets its own
 * row with its field, as the other files' problems have. Invalid plans are few, and small.
 */
function planIssues(root: string, file: string, problem: string | undefined): FileIssue[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, file), 'utf8');
  } catch (e) {
    // Gone since the watcher saw it: its removal event is on the way.
    if (isErrnoException(e, 'ENOENT')) return [];
    return [{ file, field: '', message: `unreadable: ${errorMessage(e)}` }];
  }
  const r = parsePlan(text, file);
  // Fixed since the watcher saw it: its change event is on the way.
  if (r.ok) return [];
  const issues = r.error.issues.map((i) => ({ file, field: i.field, message: i.message }));
  return issues.length ? issues : [{ file, field: '', message: problem ?? 'invalid plan' }];
}

function readTodo(root: string, problems: FileIssue[]): DashboardState['todo'] {
  const file = path.join(root, TODO_FILE);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    if (!isErrnoException(e, 'ENOENT'))
      problems.push({ file: TODO_FILE, field: '', message: `unreadable: ${errorMessage(e)}` });
    return undefined;
  }
  const truncated = buf.length > TODO_MAX_BYTES;
  const text = buf.subarray(0, TODO_MAX_BYTES).toString('utf8');
  return { file: TODO_FILE, html: renderMarkdown(text), truncated };
}

function readReports(root: string, missions: readonly MissionRecord[], problems: FileIssue[]): ReportRow[] {
  const dir = path.join(root, OUTBOX_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return [];
  }
  // Newest first by modification time, so a flood of old reports does not hide today's.
  const files = names
    .map((n) => ({ n, mtime: mtimeOf(path.join(dir, n)) }))
    .sort((a, b) => b.mtime - a.mtime)
    .slice(0, MAX_REPORTS);
  const rows: ReportRow[] = [];
  for (const { n } of files) {
    const relFile = `${OUTBOX_DIR}/${n}`;
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, n), 'utf8');
    } catch (e) {
      if (!isErrnoException(e, 'ENOENT'))
        problems.push({ file: relFile, field: '', message: `unreadable: ${errorMessage(e)}` });
      continue;
    }
    const r = parseReport(text, relFile);
    if (!r.ok) {
      for (const i of r.error.issues) problems.push({ file: relFile, field: i.field, message: i.message });
      continue;
    }
    const rep = r.value;
    const mission = missions.find((m) => m.report === relFile);
    rows.push({
      file: relFile,
      taskId: rep.taskId,
      agent: rep.agent,
      status: rep.status,
      summaryHtml: renderMarkdown(rep.summary),
      changedFiles: rep.changedFiles,
      tests: rep.tests,
      costUsd: rep.costUsd,
      durationMs: rep.durationMs,
      finishedAt: rep.finishedAt,
      errors: rep.errors ?? [],
      warnings: mission ? crossCheckWarnings(mission) : [],
    });
  }
  return rows.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
}

/** The cross-check's findings in words, one per kind. */
export function crossCheckWarnings(m: MissionRecord): string[] {
  const c = m.crossCheck;
  if (!c) return [];
  const out: string[] = [];
  if (c.undeclared.length) out.push(`changed files the plan did not declare: ${c.undeclared.join(', ')}`);
  if (c.reportMismatch.length) out.push(`the report and the branch disagree on: ${c.reportMismatch.join(', ')}`);
  if (c.failedTests) out.push(`${c.failedTests} test${c.failedTests === 1 ? '' : 's'} failed`);
  return out;
}

function toMissionRow(m: MissionRecord): MissionRow {
  return {
    taskId: m.taskId,
    title: m.title,
    state: m.state,
    planFile: m.planFile,
    chain: m.chain,
    attempts: m.attempts.map((a) => ({
      agent: a.agent,
      cli: a.cli,
      ok: a.ok,
      reason: a.reason,
      message: a.message,
      costUsd: a.costUsd,
    })),
    costUsd: m.costUsd,
    branch: m.branch,
    // The state table says where Roll Back is allowed (a button must never offer what the service refuses).
    canRollBack: m.snapshot !== undefined && allows(m.state, 'rollBack'),
    mergePrompt: MERGE_PROMPT_STATES.includes(m.state),
    open: !FINAL_MISSION_STATES.includes(m.state),
    crossCheck: m.crossCheck,
    conflicts: m.conflicts ?? [],
    predictedConflicts: m.predictedConflicts ?? [],
    reason: m.reason,
    report: m.report,
    handoff: m.handoff,
    updatedAt: m.updatedAt,
  };
}

function readHandoffs(root: string, problems: FileIssue[]): HandoffRow[] {
  let top: string[];
  try {
    top = fs.readdirSync(root);
  } catch {
    return [];
  }
  const names = top.filter((n) => /^(handoff|handoff_report)\.md$/i.test(n) || EXTRA_HANDOFF.test(n)).sort();
  const rows: HandoffRow[] = [];
  for (const n of names) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, n), 'utf8');
    } catch (e) {
      if (!isErrnoException(e, 'ENOENT') && !isErrnoException(e, 'EISDIR'))
        problems.push({ file: n, field: '', message: `unreadable: ${errorMessage(e)}` });
      continue;
    }
    const r = parseHandoff(text, n);
    if (!r.ok) {
      for (const i of r.error.issues) problems.push({ file: n, field: i.field, message: i.message });
      continue;
    }
    const h = r.value.meta;
    rows.push({
      file: n,
      taskId: h.taskId,
      status: h.status,
      reason: h.reason,
      attempts: h.attempts,
      agents: h.agents,
      costUsd: h.costUsd,
      createdAt: h.createdAt,
    });
  }
  return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function rel(root: string, file: string): string {
  const r = path.relative(root, file);
  return r.startsWith('..') || path.isAbsolute(r) ? file : r.split(path.sep).join('/');
}
