import type * as ColdModule from '../core/coldParts';

/**
 * The one door from the hot paths to the rest of F-MES.
 *
 * src/hot/ holds what runs on every tool call (the PreToolUse hook, dist/hook.cjs) and in every `fmes lock`
 * call (dist/lock.cjs): the lock protocol, path resolution, the shell parser and deny list. Lint forbids it to
 * import zod or anything outside src/hot/ except types (eslint.config.mjs), esbuild refuses such an import in
 * the hot bundles, and test/unit/hot/sizeBudget.test.ts holds their size. What a rare path needs (a settings
 * file, an approval, a lock file the hand check cannot decide, a user's deny rule) comes through here, from
 * src/core/coldParts.ts: in the hot bundles a second file, dist/chunks/cold.cjs, loaded on first use; in
 * every other bundle and under tsx an ordinary module.
 */
export type ColdParts = typeof ColdModule;

/** Set by esbuild in the hot bundles: the path of the cold chunk, relative to the bundle. */
declare const FMES_COLD_CHUNK: string | undefined;

let loaded: ColdParts | undefined;

export function cold(): ColdParts {
  /* eslint-disable @typescript-eslint/no-require-imports -- the synchronous load of the cold half, on first need */
  loaded ??= (
    typeof FMES_COLD_CHUNK === 'string' ? require(FMES_COLD_CHUNK) : require('../core/coldParts')
  ) as ColdParts;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}
