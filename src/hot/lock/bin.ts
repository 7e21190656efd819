// `fmes` (package.json bin: dist/fmes.cjs). CommonJS, so that Node starts it without its ESM loader: a
// `fmes lock run` in its plain form runs from dist/lock.cjs (lockRun.ts), loaded through V8's code cache
// (codeCache.ts), and loads nothing else; every other call, and every form lockRun leaves alone, imports the
// full CLI, dist/cli.mjs, which runs as when started directly (it is also `fmes` under its old name).
import { loadCached } from '../codeCache';
import type * as LockRunModule from './lockRun';

/** Set by esbuild: the hot `lock run` bundle and the full CLI beside this file. */
declare const FMES_LOCK_RUN: string;
declare const FMES_FULL_CLI: string;

const argv = process.argv.slice(2);

function full(): void {
  // dist/cli.mjs must not try the hot path again (it would print a settings warning twice).
  (globalThis as { __fmesHotDeclined?: boolean }).__fmesHotDeclined = true;
  void import(FMES_FULL_CLI);
}

if (argv.includes('lock') && argv.includes('run')) {
  const load = loadCached(`${__dirname}/${FMES_LOCK_RUN}`, module);
  if (load.status !== 'hit') process.once('exit', load.save);
  const { lockRun } = load.exports as typeof LockRunModule;
  void lockRun(argv).then((code) => {
    if (code === undefined) full();
    else process.exitCode = code;
  });
} else full();
