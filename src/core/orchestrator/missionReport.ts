import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunOutcome } from '../agents/runTypes';
import { OUTBOX_DIR, submitReport } from '../artifacts/outbox';
import { parseReport } from '../artifacts/parseArtifact';
import { formatArtifactIssues, formatIssues, isErrnoException } from '../errors';
import { writeUniqueFileAtomic } from '../fs/atomicWrite';
import type { Report, ReportInput, ReportStatus } from '../schemas/report';

export interface CollectedReport {
  /** The report the mission goes on with (the agent's, else one F-MES wrote from the run). */
  report: Report;
  /** Workspace-relative file in the main outbox. */
  file: string;
  /** True when the agent wrote no valid report and F-MES wrote this one. */
  byFmes: boolean;
  /** Problems with what the agent wrote (file and field), shown on the mission. */
  problems: string[];
}

/**
 * Finds the agent's report for `taskId` and makes sure it lands in the main workspace's outbox. An agent in a
 * shadow worktree writes `.claude/outbox/report.json` there: every report there is moved to the main outbox
 * under a unique name (so none is committed on the agent's branch or replaces another report). A report
 * sent through MCP is already in the main outbox. An invalid report is moved too (the panel flags it with its
 * field) and F-MES writes its own from the run's outcome, so a mission always ends with a report.
 */
export async function collectReport(o: {
  root: string;
  cwd: string;
  taskId: string;
  agent: string;
  sinceMs: number;
  outcome: RunOutcome;
  changedFiles: () => Promise<readonly string[]>;
}): Promise<CollectedReport> {
  const problems: string[] = [];
  let found: { report: Report; file: string } | undefined;
  if (path.resolve(o.cwd) !== path.resolve(o.root)) {
    for (const name of listJson(path.join(o.cwd, OUTBOX_DIR))) {
      const abs = path.join(o.cwd, OUTBOX_DIR, name);
      const text = readText(abs);
      if (text === undefined) continue;
      const parsed = parseReport(text, `${OUTBOX_DIR}/${name} (in ${path.basename(o.cwd)})`);
      if (parsed.ok) {
        // Every report belongs on the bus, not on the branch: one for another task moves too (it is not ours).
        const r = await submitReport(o.root, JSON.parse(text) as Record<string, unknown>);
        if (r.ok && parsed.value.taskId === o.taskId) found = { report: r.report, file: r.file };
      } else {
        problems.push(formatArtifactIssues(parsed.error.file, parsed.error.issues));
        const base = `${o.taskId}-${o.agent.replace(/[^A-Za-z0-9._-]/g, '_')}-invalid`;
        await writeUniqueFileAtomic((i) => path.join(o.root, OUTBOX_DIR, `${base}${i ? `-${i + 1}` : ''}.json`), text);
      }
      fs.rmSync(abs, { force: true });
    }
  }
  found ??= newestInMainOutbox(o.root, o.taskId, o.sinceMs);
  if (found) return { ...found, byFmes: false, problems };
  const input: ReportInput & { writtenBy: string } = {
    agent: o.agent,
    taskId: o.taskId,
    status: statusOf(o.outcome),
    summary: (o.outcome.resultText?.trim() || o.outcome.message).slice(0, 20_000),
    changedFiles: [...(await o.changedFiles())],
    costUsd: o.outcome.costUsd,
    durationMs: Math.max(0, Date.parse(o.outcome.finishedAt) - Date.parse(o.outcome.startedAt)),
    sessionId: o.outcome.sessionId,
    startedAt: o.outcome.startedAt,
    finishedAt: o.outcome.finishedAt,
    errors: o.outcome.ok ? undefined : [o.outcome.message],
    turns: o.outcome.turns,
    writtenBy: 'fmes',
  };
  const r = await submitReport(o.root, input);
  if (!r.ok) throw new Error(`F-MES could not write a report for ${o.taskId}: ${formatIssues(r.issues)}`);
  return {
    report: r.report,
    file: r.file,
    byFmes: true,
    problems: problems.length ? problems : [`${o.agent} wrote no report; F-MES wrote ${r.file} from the run`],
  };
}

function statusOf(o: RunOutcome): ReportStatus {
  if (o.ok) return 'success';
  if (o.reason === 'timeout') return 'timeout';
  if (o.reason === 'stopped' || o.reason === 'budget' || o.reason === 'dailyBudget' || o.reason === 'maxTurns')
    return 'killed';
  return 'failure';
}

function newestInMainOutbox(
  root: string,
  taskId: string,
  sinceMs: number,
): { report: Report; file: string } | undefined {
  let best: { report: Report; file: string; mtime: number } | undefined;
  for (const name of listJson(path.join(root, OUTBOX_DIR))) {
    const abs = path.join(root, OUTBOX_DIR, name);
    let mtime: number;
    try {
      mtime = fs.statSync(abs).mtimeMs;
    } catch {
      continue;
    }
    if (mtime < sinceMs) continue;
    const text = readText(abs);
    const parsed = text === undefined ? undefined : parseReport(text, `${OUTBOX_DIR}/${name}`);
    if (parsed?.ok && parsed.value.taskId === taskId && (!best || mtime > best.mtime))
      best = { report: parsed.value, file: `${OUTBOX_DIR}/${name}`, mtime };
  }
  return best && { report: best.report, file: best.file };
}

function listJson(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
      .sort();
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return [];
    throw e;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
