import type { MissionAttempt, MissionRecord } from '../schemas/mission';

/** Reasons of a run that stopped on a limit of its own, not on a failure of the agent or its API. */
const LIMIT_REASONS = new Set(['maxTurns', 'budget', 'timeout']);
const MAX_ERRORS = 20;
const MAX_LIST = 20;

/**
 * The `state` section of a mission's handoff (it goes under the handoff's `## State`, so it uses `###`):
 * the plan, where the mission stands, each attempt, the errors, the cost, the diff summary, the worktree and
 * branch, and what a person should look at next. Agent messages are one-lined and cut, so a runaway error
 * text cannot bury the rest.
 */
export function handoffState(record: MissionRecord, o: { diffStat?: string; errors?: readonly string[] }): string {
  const r = record;
  const parts: string[] = [];
  const facts = [
    `- Plan: ${code(r.planFile)}, ${oneLine(r.title)} (task ${code(r.taskId)}${r.taskType ? `, ${r.taskType}` : ''}${r.complexity ? `, ${r.complexity}` : ''})`,
    `- State: ${r.state}${r.reason ? `: ${oneLine(r.reason)}` : ''}`,
    `- Agents: ${r.chain.join(' → ')}`,
    `- Declared files: ${list(r.files.map(code))}`,
    `- Total cost: ${usd(r.costUsd)} over ${r.attempts.length} attempt${r.attempts.length === 1 ? '' : 's'}`,
  ];
  if (r.worktree || r.branch) {
    facts.push(
      `- Worktree: ${r.worktree ? code(r.worktree) : 'none'}${r.branch ? ` on branch ${code(r.branch)}` : ''}${r.baseCommit ? ` from ${code(r.baseCommit.slice(0, 12))}` : ''}`,
    );
  }
  if (r.snapshot) facts.push(`- Snapshot for Roll Back: ${code(r.snapshot)}`);
  if (r.report) facts.push(`- Report: ${code(r.report)}`);
  parts.push(facts.join('\n'));

  parts.push(`### Attempts\n\n${r.attempts.length === 0 ? 'No agent ran.' : r.attempts.map(attemptLine).join('\n')}`);

  const errors = [...new Set((o.errors ?? []).map((e) => oneLine(e, 500)).filter((e) => e !== ''))];
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_ERRORS).map((e) => `- ${e}`);
    if (errors.length > MAX_ERRORS) shown.push(`- … and ${errors.length - MAX_ERRORS} more`);
    parts.push(`### Errors\n\n${shown.join('\n')}`);
  }

  const cc = r.crossCheck;
  if (cc) {
    const lines = [`- Changed: ${cc.changed.length} file${cc.changed.length === 1 ? '' : 's'}`];
    if (cc.undeclared.length > 0)
      lines.push(`- Undeclared (outside the plan's files): ${list(cc.undeclared.map(code))}`);
    if (cc.reportMismatch.length > 0)
      lines.push(`- Report and branch disagree on: ${list(cc.reportMismatch.map(code))}`);
    if (cc.failedTests !== undefined) lines.push(`- Failed tests (per the report): ${cc.failedTests}`);
    parts.push(`### Cross-check\n\n${lines.join('\n')}`);
  }

  const stat = o.diffStat?.replace(/\s+$/, '');
  parts.push(`### Changes\n\n${stat ? fenced(stat) : 'No diff summary.'}`);
  parts.push(
    `### Next\n\n${nextSteps(r)
      .map((s) => `- ${s}`)
      .join('\n')}`,
  );
  return parts.join('\n\n');
}

function attemptLine(a: MissionAttempt, i: number): string {
  const cli = a.cli !== a.agent ? ` (${a.cli})` : '';
  const msg = oneLine(a.message, 300);
  return `${i + 1}. ${a.agent}${cli}: ${a.ok ? 'succeeded' : 'failed'}, ${a.reason}, ${usd(a.costUsd)}, ${a.turns} turn${a.turns === 1 ? '' : 's'}${msg ? `: ${msg}` : ''}`;
}

/** What a person should do now, from the state and what went wrong. */
function nextSteps(r: MissionRecord): string[] {
  const steps: string[] = [];
  const failed = r.attempts.filter((a) => !a.ok);
  const where = r.worktree ? ` in ${code(r.worktree)}` : '';
  const diff = r.branch && r.baseCommit ? ` (\`git diff ${r.baseCommit.slice(0, 12)}...${r.branch}\`)` : '';
  if (r.approval) steps.push(`Review the approval request ${code(r.approval)}.`);
  if (r.blockedBy && r.blockedBy.length > 0)
    steps.push(`It waits on ${list(r.blockedBy.map(code))}: finish or release those first.`);
  if (r.conflicts && r.conflicts.length > 0)
    steps.push(`Resolve the merge conflicts in ${list(r.conflicts.map(code))}.`);
  else if (r.predictedConflicts && r.predictedConflicts.length > 0)
    steps.push(`Expect merge conflicts in ${list(r.predictedConflicts.map(code))}.`);
  if (r.crossCheck && r.crossCheck.undeclared.length > 0)
    steps.push(
      `Check the undeclared changes${where}; merge only if they belong to the task, or widen the plan's files.`,
    );
  if (r.crossCheck?.failedTests)
    steps.push(`Run the tests${where}: the report says ${r.crossCheck.failedTests} failed.`);
  if (failed.some((a) => LIMIT_REASONS.has(a.reason))) {
    steps.push('A run hit its limits: split the task, or raise maxTurns, budgetUsd or timeoutSec in the plan.');
  }
  if (failed.some((a) => a.reason === 'apiError'))
    steps.push("An agent's API failed: check its key, quota and network before retrying.");
  if (
    r.attempts.length > 0 &&
    failed.length === r.attempts.length &&
    !failed.some((a) => LIMIT_REASONS.has(a.reason) || a.reason === 'apiError')
  ) {
    steps.push(
      'Every agent failed: read the errors above and the transcripts under `.fmes/runs/`, then sharpen the plan.',
    );
  }
  if (r.worktree)
    steps.push(`Look at the work so far${where}${diff}; Merge it, continue it by hand there, or Discard it.`);
  if (steps.length === 0) steps.push('Read the plan and decide whether to run it again, change it, or drop it.');
  return steps;
}

function oneLine(s: string, max = 200): string {
  const t = [...s.replace(/\s+/g, ' ').trim()];
  return t.length > max ? `${t.slice(0, max - 1).join('')}…` : t.join('');
}

function list(xs: readonly string[]): string {
  if (xs.length === 0) return 'none';
  return xs.length <= MAX_LIST ? xs.join(', ') : `${xs.slice(0, MAX_LIST).join(', ')} and ${xs.length - MAX_LIST} more`;
}

/** An inline code span that survives backticks in its content. */
function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return longest > 0 ? `${ticks} ${s} ${ticks}` : `${ticks}${s}${ticks}`;
}

function fenced(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${s}\n${fence}`;
}

function usd(n: number): string {
  return `$${n.toFixed(n > 0 && n < 1 ? 4 : 2)}`;
}
