import * as path from 'node:path';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { PLANS_DIR, plansWithId } from '../core/artifacts/plans';
import { McpInputError, type ToolContext } from './context';
import { readInside, readPlansInside } from './insideRead';
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

  server.registerResource(
    'todo',
    TODO_URI,
    { title: TODO_FILE, description: `The workspace's ${TODO_FILE}.`, mimeType: MARKDOWN },
    async (uri) => {
      let text: string | undefined;
      try {
        text = await readTodo(core.root, core.paths.realRoot);
      } catch (e) {
        if (McpInputError.is(e)) throw new McpError(ErrorCode.InvalidParams, e.message);
        throw e;
      }
      if (text === undefined) throw new McpError(RESOURCE_NOT_FOUND, `There is no ${TODO_FILE} in ${core.root}.`);
      return { contents: [{ uri: uri.href, mimeType: MARKDOWN, text }] };
    },
  );

  const template = new ResourceTemplate(PLAN_URI, {
    list: async () => {
      const { valid } = await readPlansInside(core.root, core.paths.realRoot);
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
    complete: {
      id: async (prefix) =>
        (await readPlansInside(core.root, core.paths.realRoot)).valid
          .map((e) => e.plan.meta.id)
          .filter((id) => id.startsWith(prefix)),
    },
  });
  server.registerResource(
    'plan',
    template,
    {
      title: 'Plans',
      description: `The valid plans in ${PLANS_DIR}/, by id (front matter and instructions).`,
      mimeType: MARKDOWN,
    },
    async (uri, variables) => {
      const raw = variables.id;
      const id = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
      const entry = plansWithId(await readPlansInside(core.root, core.paths.realRoot), id)[0];
      if (!entry)
        throw new McpError(ErrorCode.InvalidParams, `No valid plan with id ${JSON.stringify(id)} in ${PLANS_DIR}/.`);
      // Read again for the text as written; readInside checks again, so a link swapped since the listing is refused.
      const r = await readInside(core.paths.realRoot, path.join(core.root, entry.file));
      if (!r.ok) throw new McpError(ErrorCode.InvalidParams, `${entry.file}: refused: ${r.reason}`);
      return { contents: [{ uri: uri.href, mimeType: MARKDOWN, text: r.text }] };
    },
  );
}
