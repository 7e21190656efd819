import { Command, Option } from 'commander';
import { isAgentId } from '../../core/schemas/patterns';
import { t } from '../../core/i18n/translate';
import { coreFor } from '../context';
import { UsageError } from '../usageError';

declare const FMES_VERSION: string;

export function mcpCommand(): Command {
  return new Command('mcp')
    .description(
      'serve locks, plans, reports, handoffs and TODO.md to an agent over MCP (stdio) until the client closes it',
    )
    .addOption(new Option('--agent <id>', 'agent id for tool calls that name none (or $FMES_AGENT)').env('FMES_AGENT'))
    .action(async (o: { agent?: string }, cmd: Command) => {
      // An empty FMES_AGENT (a test harness, an env file) means "not set".
      const agent = o.agent || undefined;
      if (agent !== undefined && !isAgentId(agent))
        throw new UsageError(t('badAgentId', { id: JSON.stringify(agent) }));
      const core = coreFor(cmd);
      try {
        // Loaded here, so no other command pays for the MCP SDK.
        const { serveStdio } = await import('../../mcp/stdio');
        await serveStdio(core, { agent, version: typeof FMES_VERSION === 'string' ? FMES_VERSION : undefined });
      } finally {
        core.dispose();
      }
    });
}
