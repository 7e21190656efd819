import { loadCached, type CachedLoad } from '../codeCache';
import type * as DecideShellModule from './decideShell';

/**
 * The shell half of the hook's decisions: decideShell.ts with the shell parser, the writer tables and the deny
 * list, which only a shell command (or a settings file's deny rules) needs. dist/hook.cjs sends a shell command to
 * dist/hookFull.cjs, which holds it as an ordinary module; dist/hookMain.cjs, which takes every other call, loads it
 * from a bundle of its own, dist/hookShell.cjs with its own code cache, only when a call needs it: a Write, an
 * Edit or a Read neither reads nor deserialises it (about half of the hook, bench/hook.mjs). In every other
 * bundle, and under tsx, it is an ordinary module.
 */
export type ShellHalf = typeof DecideShellModule;

/** Set by esbuild in dist/hookMain.cjs: the shell half's bundle, relative to it. */
declare const FMES_HOOK_SHELL: string | undefined;

let loaded: ShellHalf | undefined;
/** The shell half's load when its cache missed: the cache is written at exit (see finishCodeCaches). */
let unsaved: CachedLoad | undefined;

export function shellHalf(): ShellHalf {
  /* eslint-disable @typescript-eslint/no-require-imports -- the synchronous load of the shell half, on first need */
  loaded ??= (
    typeof FMES_HOOK_SHELL === 'string' ? loadShellBundle(`${__dirname}/${FMES_HOOK_SHELL}`) : require('./decideShell')
  ) as ShellHalf;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}

function loadShellBundle(file: string): unknown {
  const load = loadCached(file, module);
  if (load.status === 'miss' || load.status === 'rejected') unsaved = load;
  return load.exports;
}

/** This bundle holds the shell half (dist/hookFull.cjs, and every bundle but dist/hookMain.cjs). */
export function shellHalfBundled(): boolean {
  return typeof FMES_HOOK_SHELL !== 'string';
}

/** The shell half was loaded from its bundle and its code cache has yet to be written. */
export function shellCacheUnsaved(): boolean {
  return unsaved !== undefined;
}

/** Writes the shell half's code cache, when its load missed it. */
export function saveShellCache(): void {
  unsaved?.save();
  unsaved = undefined;
}
