// `node dist/mcp.mjs [--workspace <dir>] [--agent <id>] [--verbose]`: the F-MES MCP server on stdio, for MCP
// configs that name a script rather than the `fmes` command. Exactly `fmes mcp`: one entry, one set of flags.
import { main } from '../cli/main';

void main(['mcp', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
