import { cold } from '../cold';
import type { HookDecision } from '../safety/preToolUse';
import { summarizeCall } from './hookAudit';
import type { HookContext } from './runHook';

/**
 * An `ask` in a headless run F-MES started becomes a pending approval request (nobody is there to answer):
 * the call is denied with the request's id until a person approves it, then allowed once.
 */
export function approvalGate(c: HookContext, reason: string, ruleId: string | undefined): HookDecision {
  // Approvals (a zod schema, node:crypto) only matter for an `ask` in a headless run: the cold half.
  const { ApprovalStore } = cold();
  const store = new ApprovalStore(c.root);
  const seen = store.find(c.agent, c.call.tool_name, c.call.tool_input);
  if (seen?.status === 'approved') {
    store.use(seen);
    return { decision: 'allow' };
  }
  if (seen?.status === 'rejected')
    return {
      decision: 'deny',
      reason: `${reason}. A person rejected this call (approval ${seen.id}${seen.decidedBy ? ` by ${seen.decidedBy}` : ''}${seen.note ? `: ${seen.note}` : ''}); do not try it again.`,
    };
  const env = c.io.env;
  const a =
    seen ??
    store.request({
      agent: c.agent,
      session: c.call.session_id,
      taskId: env.FMES_TASK,
      runId: env.FMES_RUN_ID,
      tool: c.call.tool_name,
      toolInput: c.call.tool_input,
      summary: summarizeCall(c.call.tool_name, c.call.tool_input, (t) => c.redactor.redact(t)),
      reason: c.redactor.redact(reason),
      ruleId,
    });
  return {
    decision: 'deny',
    reason: `${reason}. This needs a person's approval: F-MES recorded request ${a.id} (fmes approve ${a.id}, run by a person). Do not work around it; finish what you can without it and say in your report that approval ${a.id} is pending.`,
  };
}
