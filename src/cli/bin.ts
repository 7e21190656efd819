// The `fmes` executable. Kept apart from main.ts so tests and the MCP server can import main without running it.
import { main } from './main';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
