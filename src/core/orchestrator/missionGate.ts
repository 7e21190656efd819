// The approval gate for high-risk and destructive plans: a person approves each plan text once.
import { createHash } from 'node:crypto';
import { ApprovalStore } from '../safety/approvals';
import type { MissionStateName } from '../schemas/mission';
import type { Plan } from '../schemas/plan';
import type { Classification } from './classify';
import type { MissionDeps } from './missionTypes';

/** The approval gate for high-risk and destructive plans: one approval per plan text. */
export function approvalGate(
  d: MissionDeps,
  plan: Plan,
  rel: string,
  text: string,
  c: Classification,
): 'go' | { state: MissionStateName; reason: string; approval?: string } {
  if (!c.approval.required) return 'go';
  const store = new ApprovalStore(d.root);
  const input = { planFile: rel, taskId: plan.meta.id, sha256: createHash('sha256').update(text).digest('hex') };
  const found = store.find(d.me, 'plan', input);
  if (found?.status === 'approved') {
    store.use(found);
    return 'go';
  }
  if (found?.status === 'rejected')
    return {
      state: 'refused',
      reason: `rejected by ${found.decidedBy ?? 'a person'}${found.note ? `: ${found.note}` : ''}`,
      approval: found.id,
    };
  const a =
    found ??
    store.request({
      agent: d.me,
      taskId: plan.meta.id,
      tool: 'plan',
      toolInput: input,
      summary: `run plan ${rel}: ${plan.meta.title}`,
      reason: c.approval.reasons.join('; '),
    });
  return {
    state: 'awaitingApproval',
    reason: `needs approval (${c.approval.reasons.join('; ')}): fmes approve ${a.id}, then run the mission again`,
    approval: a.id,
  };
}
