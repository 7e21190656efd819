import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { HANDOFF_FILE, writeHandoff } from '../core/artifacts/handoffs';
import { OUTBOX_DIR, submitReport } from '../core/artifacts/outbox';
import { agentId, taskId } from '../core/schemas/common';
import { REPORT_LIMITS, reportSchema } from '../core/schemas/report';
import type { ToolContext } from './context';
import { guarded, issuesError, toolResult } from './results';
import { brokerCall } from '../hot/broker/client';
import { brokerOf } from '../hot/broker/protocol';

/**
 * The report as the tool takes it: the report schema (so the model sees every field and its rules in the
 * tool's JSON schema), `agent` optional (the server's default fills it), unknown fields kept. The
 * cross-field rules (finishedAt after startedAt) run in submitReport.
 */
const reportArg = z
  .looseObject({
    ...reportSchema.shape,
    agent: agentId.optional().describe('Default: the server’s --agent, else $FMES_AGENT.'),
  })
  .superRefine((r, ctx) => {
    // Unknown fields are written to the file as they are: bounded in number and size like the known ones.
    const extras = Object.keys(r).filter((k) => !(k in reportSchema.shape));
    if (extras.length > REPORT_LIMITS.extraFields)
      ctx.addIssue({
        code: 'custom',
        path: [extras[REPORT_LIMITS.extraFields]],
        message: `at most ${REPORT_LIMITS.extraFields} fields beyond the report's own`,
      });
    for (const k of extras) {
      const size = JSON.stringify(r[k])?.length ?? 0;
      if (size > REPORT_LIMITS.extraFieldChars)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `too long: ${size} characters as JSON, at most ${REPORT_LIMITS.extraFieldChars}`,
        });
    }
  });

/** report_submit and handoff_request: what an agent leaves behind when it stops. */
export function registerOutboxTools(server: McpServer, ctx: ToolContext): void {
  const { core, log } = ctx;

  server.registerTool(
    'report_submit',
    {
      title: 'Submit a report',
      description:
        `Report how a task ended, when you finish or stop: written to ${OUTBOX_DIR}/<taskId>-<agent>-<time>.json, which the orchestrator and the mission panel read. ` +
        'Required: taskId, status (success|failure|partial|killed|timeout), summary, startedAt and finishedAt (ISO 8601 with a zone). An invalid report is not written; the error names the field.',
      inputSchema: { report: reportArg },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded('report_submit', log, async (a) => {
      const broker = brokerOf(process.env);
      if (broker) {
        // Inside a run the outbox is the broker's to write (the run's sandbox keeps it read-only), as the run's agent.
        const r = await brokerCall(broker, 'report.submit', { report: a.report });
        const report = r.report as { taskId: string; status: string };
        return toolResult(`Wrote ${String(r.file)} (${report.taskId}: ${report.status}).`, { ok: true, ...r });
      }
      const r = await submitReport(core.root, { ...a.report, agent: ctx.agentOf(a.report.agent) }, ctx.now());
      if (!r.ok) return issuesError('report not written', 'report', r.issues);
      return toolResult(`Wrote ${r.file} (${r.report.taskId}: ${r.report.status}).`, {
        ok: true,
        file: r.file,
        report: r.report,
      });
    }),
  );

  server.registerTool(
    'handoff_request',
    {
      title: 'Hand a task to a person',
      description:
        `Ask for a person when you cannot finish a task (stuck, out of budget, unsure it is safe): writes ${HANDOFF_FILE} (status needs-human) with your reason and where the work stands. ` +
        `An existing handoff is never replaced: while ${HANDOFF_FILE} exists, a new one goes to HANDOFF_REPORT-<taskId>-<time>.md beside it.`,
      inputSchema: {
        taskId: taskId.describe('The task (the plan’s id).'),
        agent: agentId.optional().describe('Your agent id. Default: the server’s --agent, else $FMES_AGENT.'),
        reason: z.string().min(1).max(20_000).describe('Why automation stops here, in a line or a short paragraph.'),
        state: z
          .string()
          .max(100_000)
          .optional()
          .describe('Where the work stands: what is done, what is not, what a person should look at (markdown).'),
        attempts: z.number().int().min(0).max(1_000_000).optional().describe('Automated attempts so far (default 1).'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded('handoff_request', log, async (a) => {
      const r = await writeHandoff(
        core.root,
        { taskId: a.taskId, agent: ctx.agentOf(a.agent), reason: a.reason, state: a.state, attempts: a.attempts },
        ctx.now(),
      );
      if (!r.ok) return issuesError('handoff not written', '', r.issues);
      const kept = r.file === HANDOFF_FILE ? '' : ` (${HANDOFF_FILE} holds an earlier handoff, left as it was)`;
      const message = `Wrote ${r.file}${kept}: ${a.taskId} needs a person. Stop working on it.`;
      return toolResult(message, { ok: true, message, file: r.file, meta: r.handoff.meta });
    }),
  );
}
