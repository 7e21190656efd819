import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Core } from '../core/createCore';
import { ToolContext } from './context';
import { registerLockTools } from './lockTools';
import { registerOutboxTools } from './outboxTools';
import { registerPlanTools } from './planTools';
import { registerResources } from './resources';

export interface McpServerOptions {
  /** The agent id for tool calls that name none (`--agent`, else FMES_AGENT). None: such calls fail, naming `agent`. */
  agent?: string;
  /** Reported to clients in the handshake. */
  version?: string;
  /** Time source for report and handoff stamps (tests). */
  now?: () => number;
}

/** Told to every client in the handshake; agents read it before they call anything. */
const INSTRUCTIONS = [
  'F-MES coordinates several AI coding agents working in one repository through files.',
  'Before you change a file or folder, take its lock with lock_acquire; if someone else holds it, do not edit it: work on something else, wait (waitSec), or ask.',
  'Release each lock with lock_release when you are done with it.',
  'plan_list and plan_get show the tasks planned for agents; todo_read shows TODO.md.',
  'When you finish or stop a task, call report_submit; when you cannot go on without a person, call handoff_request.',
].join(' ');

/**
 * The F-MES MCP server over a core (from createCore, like every entry point): tools for locks, plans, reports,
 * handoffs and TODO.md, and the resources `fmes://todo` and `fmes://plans/<id>`. The caller connects a transport.
 */
export function createMcpServer(core: Core, options: McpServerOptions = {}): McpServer {
  const log = core.log.child('mcp');
  const server = new McpServer(
    { name: 'fmes', title: 'F-MES', version: options.version ?? '0.0.0-dev' },
    { instructions: INSTRUCTIONS },
  );
  const ctx = new ToolContext(core, log, options.agent, options.now ?? Date.now);
  registerLockTools(server, ctx);
  registerPlanTools(server, ctx);
  registerOutboxTools(server, ctx);
  registerResources(server, ctx);
  return server;
}
