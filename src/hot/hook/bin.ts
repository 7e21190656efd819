// The hook entry (dist/hook.cjs), which agents' hook settings name. It reads the call, then loads the hook itself
// through V8's code cache (see codeCache.ts), which spares the compile of most of it on every call: for a shell
// command dist/hookFull.cjs (main.ts with the shell half inside), for any other call dist/hookMain.cjs, which
// holds no shell half and loads it (dist/hookShell.cjs) only if a call turns out to need it. Either decides every
// call alike; the choice only spares a Write or a Read the half of the hook it does not need, and a shell call a
// second load (bench/hook.mjs).
import type * as FsModule from 'node:fs';
import { loadCached, type CachedLoad } from '../codeCache';
import { isShellCall } from './shellCall';
import type * as HookMain from './main';

/** Set by esbuild: the hook's two bodies beside this file. */
declare const FMES_HOOK_MAIN: string;
declare const FMES_HOOK_FULL: string;

const argv = process.argv.slice(2);
let input: string | undefined;
if (argv[0] !== 'deliver') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain require (see codeCache.ts)
    input = (require('node:fs') as typeof FsModule).readFileSync(0, 'utf8');
  } catch {
    input = ''; // no stdin: the hook answers it as unreadable input
  }
}
// Only a decision needs the shell analysis: an after-tool audit of a shell command goes to hookMain.cjs, whose code
// cache (a third of hookFull.cjs's) then holds no decision and hookFull.cjs's no audit.
const shell = argv[0] === 'pre-tool-use' && input !== undefined && isShellCall(input);
(globalThis as { __fmesHookInput?: string }).__fmesHookInput = input;
const load = loadFirst(shell ? [FMES_HOOK_FULL, FMES_HOOK_MAIN] : [FMES_HOOK_MAIN, FMES_HOOK_FULL]);
if (load) {
  // A miss (of this cache or the shell half's): written at exit, after the calls every agent makes have run once.
  const missed = load.status === 'miss' || load.status === 'rejected';
  // `on`, not `once`: 'exit' is emitted once, and once() compiles four functions of Node's events module.
  process.on('exit', () => {
    (load.exports as typeof HookMain).finishCodeCaches(missed ? load.save : undefined);
    endNow();
  });
}

/**
 * Ends the process at once, from its 'exit' event, when no other listener is waiting for that event. Node emits
 * 'exit' on its own only once the event loop is empty (every audit delivered, every stream flushed), and the
 * hook writes its answer synchronously, so nothing is left to do but Node's teardown of the heap and its threads:
 * 0.3–1.1 ms of CPU per call here (bench/hook.mjs), which the process skips by exiting now, with its exit code.
 * Not after an uncaught error: Node emits 'exit' (exit code 1) before it prints the error, which would be lost.
 */
function endNow(): void {
  const code = process.exitCode;
  if ((code === undefined || code === 0 || code === 2) && process.listenerCount('exit') === 1) process.exit();
}

/**
 * The first of the bodies that loads. When none does (a damaged install), the call is denied: every CLI would run
 * the tool after a hook that crashed.
 */
function loadFirst(bodies: string[]): CachedLoad | undefined {
  let error: unknown;
  for (const b of bodies) {
    try {
      return loadCached(`${__dirname}/${b}`, module);
    } catch (e) {
      error ??= e;
      // A body that began to run may have answered: it is not run a second time.
      if ((globalThis as { __fmesHookStarted?: boolean }).__fmesHookStarted) break;
    }
  }
  const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`F-MES could not load its hook (${why}), so this call is denied. Reinstall F-MES.\n`);
  process.exitCode = 2;
  return undefined;
}
