import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { PLANS_DIR, plansWithId, readPlans } from '../core/artifacts/plans';
import type { ToolContext } from './context';
import { readTodo, TODO_FILE } from './planTools';

export const TODO_URI = 'fmes://todo';
const PLAN_URI = 'fmes://plans/{id}';
const MARKDOWN = 'text/markdown';

/** The spec's code for a resource that does not exist (not in the SDK's ErrorCode enum). */
const RESOURCE_NOT_FOUND = -32002;

export function planUri(id: string): string {
  return `fmes://plans/${encodeURIComponent(id)}`;
}

/** `fmes://todo` and `fmes://plans/<id>` (listed, completed and read; the text is the file as written). */
export function registerResources(server: McpServer, ctx: ToolContext): void {
  const { core } = ctx;

  server.registerResource('todo', TODO_URI, { title: TODO_FILE, description: `The workspace's ${TODO_FILE}.`, mimeType: MARKDOWN }, async (uri) => {
    const text = await readTodo(core.root);
    if (text === undefined) throw new McpError(RESOURCE_NOT_FOUND, `There is no ${TODO_FILE} in ${core.root}.`);
    return { contents: [{ uri: uri.href, mimeType: MARKDOWN, text }] };
  });

  const template = new ResourceTemplate(PLAN_URI, {
    list: async () => {
      const { valid } = await readPlans(core.root);
      return {
        resources: valid.map(({ file, plan: { meta } }) => ({
          uri: planUri(meta.id),
          name: meta.id,
          title: meta.title,
          description: `${file}: agent ${meta.agent}, risk ${meta.risk}, files ${meta.files.join(', ')}`,
          mimeType: MARKDOWN,
        })),
      };
    },
    complete: { id: async (prefix) => (await readPlans(core.root)).valid.map((e) => e.plan.meta.id).filter((id) => id.startsWith(prefix)) },
  });
  server.registerResource('plan', template, { title: 'Plans', description: `The valid plans in ${PLANS_DIR}/, by id (front matter and instructions).`, mimeType: MARKDOWN }, async (uri, variables) => {
    const raw = variables.id;
    const id = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
    const entry = plansWithId(await readPlans(core.root), id)[0];
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `No valid plan with id ${JSON.stringify(id)} in ${PLANS_DIR}/.`);
    const text = await fs.promises.readFile(path.join(core.root, entry.file), 'utf8');
    return { contents: [{ uri: uri.href, mimeType: MARKDOWN, text }] };
  });
}
