import type * as RedisModule from '../../core/locks/redis/redisParts';
import type { RedisBackendOptions } from '../../core/locks/redis/redisBackend';
import { LockError, PathError } from '../errors';
import { LockBackendError } from './backendSpec';
import type { LockBackend, LockLease } from './lockBackend';
import { ControlCharacterError } from './printable';

/**
 * The door to the Redis lock backend (src/core/locks/redis/), which bundles a Redis client. In the hot bundles
 * it is a separate file, dist/chunks/redis.cjs, required only when a workspace names a Redis backend: with the
 * file backend (the default) neither the hook nor `fmes lock run` loads or parses it
 * (test/unit/hot/sizeBudget.test.ts). Under tsx and in the ESM CLI it is an ordinary module.
 *
 * The chunk carries its own copy of the error classes, so `LockError.is()` here would not know its errors:
 * openRedisBackend hands back a backend whose errors are this side's classes.
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

export function openRedisBackend(options: RedisBackendOptions): LockBackend & { namespace: string } {
  const backend = new (redisParts().RedisLockBackend)(options);
  // Only the separate chunk has classes of its own; an ordinary module's errors are already this side's, and
  // the proxy would cost every call of the lock cycle a wrapper and a promise.
  return typeof FMES_REDIS_CHUNK === 'string' ? adopt(backend) : backend;
}

/** An error of the chunk as the same error of this side (same reason, message and details). */
export function adoptError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof LockError || e instanceof LockBackendError || e instanceof PathError)
    return e;
  const x = e as Error & Record<string, unknown>;
  switch (x.kind) {
    case 'lock':
      return new LockError(x.reason as never, x.path as string, x.message, x.details as never);
    case 'lockBackend':
      return new LockBackendError(x.reason as never, x.message, { cause: x.cause, details: x.details as never });
    case 'path':
      return new PathError(x.reason as never, x.input as string, x.message);
    case 'controlCharacter':
      return new ControlCharacterError(x.field as string, x.value as string);
    default:
      return e;
  }
}

/** Wraps every method so that what it throws or rejects with is adopted; leases it returns too. */
function adopt<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const v = Reflect.get(t, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        try {
          const r = (v as (...a: unknown[]) => unknown).apply(t, args.map(adoptCallback));
          if (r instanceof Promise)
            return r.then(adoptResult, (e: unknown) => {
              throw adoptError(e);
            });
          return r;
        } catch (e) {
          throw adoptError(e);
        }
      };
    },
  });
}

function adoptResult(r: unknown): unknown {
  return r && typeof r === 'object' && 'release' in r ? adopt(r as LockLease) : r;
}

/** A callback (a heartbeat's onLost) receives adopted errors too. */
function adoptCallback(a: unknown): unknown {
  return typeof a === 'function' ? (e: unknown) => (a as (e: unknown) => unknown)(adoptError(e)) : a;
}
