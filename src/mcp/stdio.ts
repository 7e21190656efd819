import type { Core } from '../core/createCore';
import { LineTransport } from './lineTransport';
import { createMcpServer, type McpServerOptions } from './server';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Serves the core over stdio until the client closes stdin or a signal arrives. stdout carries only the
 * protocol: everything else goes through the core's logger (stderr for the CLI).
 */
export async function serveStdio(core: Core, options: McpServerOptions = {}): Promise<void> {
  const log = core.log.child('mcp');
  const server = createMcpServer(core, options);
  // Not the SDK's StdioServerTransport: it ends the server on an over-long message (see LineTransport).
  const transport = new LineTransport();
  const closed = new Promise<void>((resolve) => (server.server.onclose = resolve));
  // The SDK's transport never notices the end of stdin by itself; without this the process would outlive its client.
  const stop = () => void server.close().catch((e: unknown) => log.warn(`closing: ${String(e)}`));
  transport.onerror = (e) => log.warn(`transport: ${e.message}`);
  process.stdin.once('end', stop);
  for (const s of SIGNALS) process.once(s, stop);
  try {
    await server.connect(transport);
    log.info(`serving ${core.root} on stdio${options.agent ? ` (default agent ${options.agent})` : ''}`);
    await closed;
  } finally {
    process.stdin.off('end', stop);
    for (const s of SIGNALS) process.off(s, stop);
  }
}
