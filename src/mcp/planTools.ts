import * as path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { parsePlan } from '../core/artifacts/parseArtifact';
import { PLANS_DIR, plansWithId, type PlanEntry } from '../core/artifacts/plans';
import { formatArtifactIssues, formatIssues } from '../core/errors';
import { taskId } from '../core/schemas/common';
import { McpInputError, type ToolContext } from './context';
import { readInside, readPlansInside } from './insideRead';
import { guarded, toolError, toolResult } from './results';

export const TODO_FILE = 'TODO.md';

/** plan_list, plan_get, todo_read: what there is to do. */
export function registerPlanTools(server: McpServer, ctx: ToolContext): void {
  const { core, log } = ctx;
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'plan_list',
    {
      title: 'List plans',
      description: `The plans in ${PLANS_DIR}/: each valid one with id, title, agent, files and risk; each invalid one with its problems (file and field); plan files that lead outside the workspace as refused.`,
      inputSchema: {},
      annotations: readOnly,
    },
    guarded('plan_list', log, async () => {
      const { valid, invalid, refused } = await readPlansInside(core.root, core.paths.realRoot);
      const plans = valid.map(({ file, plan: { meta } }) => ({
        id: meta.id,
        title: meta.title,
        agent: meta.agent,
        files: meta.files,
        risk: meta.risk,
        file,
      }));
      const lines = [
        ...plans.map((p) => `${p.id}: ${p.title} (agent ${p.agent}, risk ${p.risk}; ${p.files.join(', ')})`),
        ...invalid.map((i) => `invalid ${i.file}: ${formatIssues(i.issues)}`),
        ...refused.map((r) => `refused ${r.file}: ${r.reason}`),
      ];
      const summary = lines.length ? lines.join('\n') : `No plans in ${PLANS_DIR}/.`;
      return toolResult(summary, { plans, invalid: invalid.map((i) => ({ file: i.file, issues: i.issues })), refused });
    }),
  );

  server.registerTool(
    'plan_get',
    {
      title: 'Read a plan',
      description: `One plan's front matter and its instructions (the markdown body), by its id or by its file (e.g. ${PLANS_DIR}/active_plan.md).`,
      inputSchema: {
        id: taskId.optional().describe('The plan’s id (its front matter `id`).'),
        file: z.string().min(1).optional().describe('The plan file, relative to the workspace root.'),
      },
      annotations: readOnly,
    },
    guarded('plan_get', log, async (a) => {
      if ((a.id === undefined) === (a.file === undefined))
        throw new McpInputError('badArguments', 'id, file: give exactly one of them');
      let entry: PlanEntry;
      let note = '';
      if (a.file !== undefined) {
        const abs = core.paths.absolute(core.paths.normalize(a.file));
        const file = ctx.relative(abs);
        const read = await readInside(core.paths.realRoot, abs);
        if (!read.ok) return toolError(`file: ${file}: refused: ${read.reason}`, { file, reason: read.reason });
        const r = parsePlan(read.text, file);
        if (!r.ok) return toolError(formatArtifactIssues(file, r.error.issues), { file, issues: r.error.issues });
        entry = { file, plan: r.value };
      } else {
        const listing = await readPlansInside(core.root, core.paths.realRoot);
        const found = plansWithId(listing, a.id ?? '');
        const first = found[0];
        if (!first) {
          const invalid = listing.invalid.length
            ? ` (invalid plans, which may be the one: ${listing.invalid.map((i) => i.file).join(', ')})`
            : '';
          throw new McpInputError(
            'notFound',
            `id: no valid plan with id ${JSON.stringify(a.id)} in ${PLANS_DIR}/${invalid}`,
          );
        }
        entry = first;
        if (found.length > 1)
          note = ` Other plans use the same id: ${found
            .slice(1)
            .map((e) => e.file)
            .join(', ')}.`;
      }
      const { meta, body } = entry.plan;
      return toolResult(`${entry.file}: ${meta.id}: ${meta.title}.${note}\n\n${body}`, {
        file: entry.file,
        meta,
        body,
      });
    }),
  );

  server.registerTool(
    'todo_read',
    {
      title: 'Read TODO.md',
      description: `The workspace's ${TODO_FILE}, as text.`,
      inputSchema: {},
      annotations: readOnly,
    },
    guarded('todo_read', log, async () => {
      const text = await readTodo(core.root, core.paths.realRoot);
      if (text === undefined)
        return toolResult(
          `There is no ${TODO_FILE} in the workspace.`,
          { exists: false, file: TODO_FILE, text: '' },
          { json: false },
        );
      return toolResult(text, { exists: true, file: TODO_FILE, text }, { json: false });
    }),
  );
}

/** TODO.md's text, or undefined when there is none. Refused (McpInputError) when it leads outside the workspace. */
export async function readTodo(root: string, realRoot: string): Promise<string | undefined> {
  const r = await readInside(realRoot, path.join(root, TODO_FILE));
  if (r.ok) return r.text;
  if (r.missing) return undefined;
  throw new McpInputError('refused', `${TODO_FILE}: refused: ${r.reason}`);
}
