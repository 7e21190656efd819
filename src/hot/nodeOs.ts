import type * as Os from 'node:os';

let os: typeof Os | undefined;

/**
 * node:os, loaded on first use. Node's own start does not load it, so an `import * as os` in a hot module made
 * every hook call pay for loading it (about 0.2 ms, bench/hook.mjs) when a common call needs none of it: the host
 * name matters only for a lock that names a pid (staleness.ts), and the rest (the home folder without HOME, the
 * login, the temp folder for a webhook) is rare.
 */
export function nodeOs(): typeof Os {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built-in, loaded on first use (see above)
  return (os ??= require('node:os') as typeof Os);
}
