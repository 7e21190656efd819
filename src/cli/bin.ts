// The `fmes` executable. Kept apart from main.ts so tests and the MCP server can import main without running it.
import { main } from './main';

// `fmes … | head` closes our stdout early: that ends the output, it is not an error worth a stack trace.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
