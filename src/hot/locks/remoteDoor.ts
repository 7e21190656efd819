import type * as RedisModule from '../../core/locks/redis/redisParts';

/**
 * The door to the Redis lock backend (src/core/locks/redis/), which bundles a Redis client. In the hot bundles
 * and the CLI it is a separate file, dist/chunks/redis.cjs, required only when a workspace names a Redis
 * backend: with the file backend (the default) neither the hook nor `fmes lock run` loads or parses it
 * (test/unit/hot/sizeBudget.test.ts). Under tsx it is an ordinary module.
 */
export type RedisParts = typeof RedisModule;

/** Set by esbuild: the path of the Redis chunk, relative to the bundle. */
declare const FMES_REDIS_CHUNK: string | undefined;

let loaded: RedisParts | undefined;

export function redisParts(): RedisParts {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first need only */
  loaded ??= (
    typeof FMES_REDIS_CHUNK === 'string' ? require(FMES_REDIS_CHUNK) : require('../../core/locks/redis/redisParts')
  ) as RedisParts;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}
