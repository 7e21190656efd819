// The `fmes` executable. Kept apart from main.ts so tests and the MCP server can import main without running it.
//
// `fmes lock run` is what agents call in loops: its plain form runs from dist/lock.cjs (src/hot/lock/lockRun.ts),
// a CommonJS file of the hot paths only, and never loads the full CLI's chunks (commander, zod, core). Anything
// that file does not take (it answers undefined before acting) runs here through main as always. The `fmes`
// bin is dist/fmes.cjs (src/hot/lock/bin.ts), which does the same without the ESM loader and imports this file
// for everything else.
import { createRequire } from 'node:module';
import type * as LockRunModule from '../hot/lock/lockRun';

/** Set by esbuild: the hot `lock run` bundle beside this one. Undefined when run from source. */
declare const FMES_LOCK_RUN: string | undefined;

// `fmes … | head` closes our stdout early: that ends the output, it is not an error worth a stack trace.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const argv = process.argv.slice(2);

async function run(): Promise<number> {
  const declined = (globalThis as { __fmesHotDeclined?: boolean }).__fmesHotDeclined;
  if (typeof FMES_LOCK_RUN === 'string' && !declined && argv.includes('run') && argv.includes('lock')) {
    // Required, not imported: a CommonJS file skips the ESM loader's resolution and linking.
    const { lockRun } = createRequire(import.meta.url)(FMES_LOCK_RUN) as typeof LockRunModule;
    const code = await lockRun(argv);
    if (code !== undefined) return code;
  }
  const { main } = await import('./main');
  return main(argv);
}

void run().then((code) => {
  process.exitCode = code;
});
