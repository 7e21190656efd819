import { writeHandoff } from '../artifacts/handoffs';
import { formatIssues } from '../errors';
import type { MissionRecord } from '../schemas/mission';
import { handoffState } from './handoffState';

/**
 * Writes the mission's HANDOFF_REPORT.md (or a uniquely named sibling when one is already there): state,
 * attempts, errors, costs and the diff summary, for the person who takes over. Returns the file name.
 */
export async function missionHandoff(
  root: string,
  rec: MissionRecord,
  o: { reason: string; diffStat?: string; agent: string; now?: number },
): Promise<string> {
  const errors = rec.attempts.filter((a) => !a.ok).map((a) => `${a.agent}: ${a.reason}: ${a.message}`);
  const r = await writeHandoff(
    root,
    {
      taskId: rec.taskId,
      agent: o.agent,
      reason: o.reason,
      state: handoffState(rec, { diffStat: o.diffStat, errors }),
      attempts: rec.attempts.length,
      costUsd: rec.costUsd,
    },
    o.now,
  );
  if (!r.ok) throw new Error(`could not write the handoff for ${rec.taskId}: ${formatIssues(r.issues)}`);
  return r.file;
}
