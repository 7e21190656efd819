import type * as Crypto from 'node:crypto';

/**
 * Ids of the hot paths. node:crypto is a dozen internal modules, a measurable part of a `fmes lock run`, and most
 * ids here need to be unique, not secret: lock generations (tokens), guard nonces, names of spares and tickets.
 * Those come from Math.random, which V8 seeds in each process from the operating system's random source; two
 * draws give 100 random bits. Secrets (a lock's release key) and hashes use node:crypto, loaded on first use.
 */

function hex(digits: number): string {
  return Math.floor(Math.random() * 16 ** digits)
    .toString(16)
    .padStart(digits, '0');
}

/** A unique id in the layout of a random UUID (readers check that shape). Not a secret. */
export function uniqueId(): string {
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(Math.random() * 4)).toString(16)}${hex(3)}-${hex(12)}`;
}

/** Eight hex digits, to keep a file name unique among a few. Not a secret. */
export function shortId(): string {
  return hex(8);
}

let crypto: typeof Crypto | undefined;
/** node:crypto, for secrets and hashes only. */
export function nodeCrypto(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built-in, loaded on first use (see above)
  return (crypto ??= require('node:crypto') as typeof Crypto);
}
