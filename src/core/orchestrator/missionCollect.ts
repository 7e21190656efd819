// After a successful run: the agent's report and the files it changed, from its worktree (committed on the
// mission's branch) or from the main checkout (only what changed since the snapshot).
import type { RunOutcome } from '../agents/runTypes';
import { git } from '../git/git';
import { parseNulList } from '../git/parsers';
import { takeSnapshot } from '../git/snapshot';
import type { Worktrees } from '../git/worktrees';
import type { MissionAttempt } from '../schemas/mission';
import type { ChainRun } from './chainRun';
import { collectReport, type CollectedReport } from './missionReport';

export async function collectFromWorktree(
  root: string,
  wt: Worktrees,
  o: ChainRun,
  r: { attempt?: MissionAttempt; outcome: RunOutcome },
): Promise<{ collected: CollectedReport; changed: string[] }> {
  const task = o.plan.meta.id;
  const { outcome } = r;
  // The report leaves the worktree before the commit: it belongs to the bus, not to the branch.
  const collected = await collectReport({
    root,
    cwd: o.cwd,
    taskId: task,
    agent: r.attempt?.agent ?? outcome.agentId,
    sinceMs: Date.parse(outcome.startedAt),
    outcome,
    changedFiles: () => wt.changedFiles(task),
  });
  await wt.commitAll(
    task,
    `${task}: ${o.plan.meta.title}\n\nF-MES mission by ${outcome.agentId} (run ${outcome.runId}).`,
    { name: outcome.agentId, email: `${outcome.cli}@fmes.invalid` },
  );
  return { collected, changed: await wt.changedFiles(task) };
}

export async function collectInPlace(
  root: string,
  o: ChainRun,
  r: { outcome: RunOutcome; before: string },
): Promise<{ collected: CollectedReport; changed: string[] }> {
  const task = o.plan.meta.id;
  // In place, the checkout may hold a person's own uncommitted work: only what changed since the snapshot counts.
  const after = await takeSnapshot(o.cwd, `mission/${task}/after`);
  const changed = await changedBetween(o.cwd, r.before, after.commit);
  const collected = await collectReport({
    root,
    cwd: o.cwd,
    taskId: task,
    agent: r.outcome.agentId,
    sinceMs: Date.parse(r.outcome.startedAt),
    outcome: r.outcome,
    changedFiles: async () => changed,
  });
  return { collected, changed };
}

/** Paths that differ between two snapshot commits (both sides of renames), minus F-MES's own bus folders. */
async function changedBetween(cwd: string, a: string, b: string): Promise<string[]> {
  const { stdout } = await git(cwd, ['diff', '--name-only', '--no-renames', '-z', a, b]);
  return parseNulList(stdout).filter(
    (p) => !p.startsWith('.fmes/') && !p.startsWith('.locks/') && !p.startsWith('.claude/'),
  );
}
