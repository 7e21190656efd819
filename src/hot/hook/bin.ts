// The hook entry (dist/hook.cjs), which agents' hook settings name: it loads the hook itself, dist/hookMain.cjs
// (main.ts), through V8's code cache (see codeCache.ts), which spares the compile of most of it on every call.
import { loadCached } from '../codeCache';
import type * as HookMain from './main';

/** Set by esbuild: the hook's body beside this file. */
declare const FMES_HOOK_MAIN: string;

const load = loadCached(`${__dirname}/${FMES_HOOK_MAIN}`, module);
// A miss: the cache is written at exit, after the calls every agent makes have run once (see primeCache.ts).
if (load.status === 'miss' || load.status === 'rejected')
  process.once('exit', () => {
    (load.exports as typeof HookMain).primeHook();
    load.save();
  });
