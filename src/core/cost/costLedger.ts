import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArtifactIssue } from '../errors';
import type { CostRecord } from '../schemas/costLog';
import type * as ArtifactModule from '../artifacts/parseArtifact';

/** Where cost logs live, one JSONL file per local day: `.claude/cost_logs/<YYYY-MM-DD>.jsonl`. */
export const COST_DIR = '.claude/cost_logs';

// Defined in the hot boundary, where the hook's audit log uses it.
import { localDay } from '../../hot/safety/audit';

export { localDay };

export function costLogFile(root: string, day: string): string {
  return path.join(root, COST_DIR, `${day}.jsonl`);
}

export interface SessionCost {
  agent: string;
  sessionId: string;
  taskId: string | undefined;
  costUsd: number;
  turns: number;
  runs: number;
  lastAt: string;
}

export interface CostSummary {
  day: string;
  totalUsd: number;
  byAgent: Map<string, number>;
  /** Sessions, most recent first. */
  sessions: SessionCost[];
  /** Bad lines, each naming its file and line. */
  issues: { file: string; issue: ArtifactIssue }[];
}

type Parse = (typeof ArtifactModule)['parseCostLog'];

/**
 * Sums today's cost: the `costUsd` deltas of every record of the local day, per agent and per session. A bad
 * line is reported with its file and line number and skipped; the good lines still count.
 */
export function summarizeCostDay(root: string, now: number, parseCostLog: Parse): CostSummary {
  const day = localDay(now);
  const file = costLogFile(root, day);
  const summary: CostSummary = { day, totalUsd: 0, byAgent: new Map(), sessions: [], issues: [] };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return summary;
  }
  const { records, issues } = parseCostLog(text, file);
  for (const issue of issues) summary.issues.push({ file, issue });
  return addRecords(summary, records);
}

export function addRecords(summary: CostSummary, records: readonly CostRecord[]): CostSummary {
  const sessions = new Map(summary.sessions.map((s) => [`${s.agent}\0${s.sessionId}`, s]));
  for (const r of records) {
    summary.totalUsd += r.costUsd;
    summary.byAgent.set(r.agent, (summary.byAgent.get(r.agent) ?? 0) + r.costUsd);
    const key = `${r.agent}\0${r.sessionId}`;
    const s = sessions.get(key) ?? {
      agent: r.agent,
      sessionId: r.sessionId,
      taskId: r.taskId,
      costUsd: 0,
      turns: 0,
      runs: 0,
      lastAt: r.ts,
    };
    s.costUsd += r.costUsd;
    s.turns += r.turns ?? 0;
    s.runs += 1;
    if (r.ts > s.lastAt) s.lastAt = r.ts;
    s.taskId ??= r.taskId;
    sessions.set(key, s);
  }
  summary.sessions = [...sessions.values()].sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  return summary;
}

export type BudgetLevel = 'ok' | 'warning' | 'exceeded';

/** Where spending stands against a daily budget: warning from `warnShare` of it, exceeded past it. */
export function budgetLevel(totalUsd: number, dailyBudgetUsd: number, warnShare: number): BudgetLevel {
  if (dailyBudgetUsd <= 0) return 'ok';
  if (totalUsd > dailyBudgetUsd) return 'exceeded';
  if (totalUsd >= dailyBudgetUsd * warnShare) return 'warning';
  return 'ok';
}

export function formatUsd(x: number): string {
  return x < 1000 ? `$${x.toFixed(2)}` : `$${Math.round(x).toLocaleString('en-US')}`;
}
