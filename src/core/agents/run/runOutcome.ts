// How a run ended, as one record: a success that left approvals pending waits for them instead.
import * as path from 'node:path';
import { ApprovalStore } from '../../safety/approvals';
import type { RunOutcome } from '../runTypes';
import type { AttemptResult } from './attempt';
import type { RunHost } from './runContext';

export function runOutcome(h: RunHost, last: AttemptResult, run: { attempts: number; startedAt: string }): RunOutcome {
  let a = last;
  const pendingApprovals = new ApprovalStore(h.deps.root)
    .list()
    .approvals.filter((x) => x.runId === h.runId && x.status === 'pending')
    .map((x) => x.id);
  if (pendingApprovals.length && a.reason === 'success') {
    a = {
      ...a,
      reason: 'awaitingApproval',
      message: `waiting for approval of ${pendingApprovals.join(', ')} (fmes approve <id>, then resume the task)`,
    };
  }
  return {
    runId: h.runId,
    agentId: h.agentId,
    cli: h.request.cli,
    taskId: h.request.taskId,
    ok: a.reason === 'success',
    reason: a.reason,
    message: a.message,
    sessionId: h.tally.sessionId,
    costUsd: h.tally.loggedUsd,
    turns: h.tally.turns,
    attempts: run.attempts,
    exitCode: a.exitCode,
    resultText: a.result?.text ? h.redactor.redact(a.result.text) : undefined,
    denials: a.result?.denials.length ?? 0,
    pendingApprovals,
    transcript: path.relative(h.deps.root, h.transcript.file),
    startedAt: run.startedAt,
    finishedAt: new Date(h.deps.clock.now()).toISOString(),
  };
}
