import { brokerOf } from '../broker/protocol';
import { brokerCallSync } from '../broker/syncCall';
import { cold } from '../cold';
import type { HookDecision } from '../safety/preToolUse';
import { summarizeCall } from './hookAudit';
import type { HookContext } from './runHook';

/**
 * An `ask` in a headless run F-MES started becomes a pending approval request (nobody is there to answer):
 * the call is denied with the request's id until a person approves it, then allowed once.
 */
export function approvalGate(c: HookContext, reason: string, ruleId: string | undefined): HookDecision {
  const broker = brokerOf(c.io.env);
  if (broker) return brokeredGate(c, broker, reason, ruleId);
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
  return pending(reason, a.id);
}

function pending(reason: string, id: string): HookDecision {
  return {
    decision: 'deny',
    reason: `${reason}. This needs a person's approval: F-MES recorded request ${id} (fmes approve ${id}, run by a person). Do not work around it; finish what you can without it and say in your report that approval ${id} is pending.`,
  };
}

/**
 * The gate inside a run with a broker: `.fmes/approvals/` is out of the run's reach, so the broker finds,
 * files or spends the request, as the run's agent. Unreachable broker: denied (fail closed).
 */
function brokeredGate(
  c: HookContext,
  broker: { socket: string; token: string },
  reason: string,
  ruleId: string | undefined,
): HookDecision {
  const session = c.call.session_id;
  const r = brokerCallSync(broker, 'approval.gate', {
    tool: c.call.tool_name,
    toolInput: c.call.tool_input,
    ...(typeof session === 'string' ? { session } : {}),
    summary: summarizeCall(c.call.tool_name, c.call.tool_input, (t) => c.redactor.redact(t)),
    reason: c.redactor.redact(reason),
    ...(ruleId !== undefined ? { ruleId } : {}),
  });
  if (!r.ok)
    return {
      decision: 'deny',
      reason: `${reason}. This needs a person's approval, and F-MES could not file the request (${r.message}), so it is denied.`,
    };
  const id = String(r.result.id);
  if (r.result.status === 'approved') return { decision: 'allow' };
  if (r.result.status === 'rejected') {
    const by = typeof r.result.decidedBy === 'string' ? ` by ${r.result.decidedBy}` : '';
    const note = typeof r.result.note === 'string' && r.result.note ? `: ${r.result.note}` : '';
    return {
      decision: 'deny',
      reason: `${reason}. A person rejected this call (approval ${id}${by}${note}); do not try it again.`,
    };
  }
  return pending(reason, id);
}
