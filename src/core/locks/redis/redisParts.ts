// The Redis lock backend with its client (ioredis), built into its own file, dist/chunks/redis.cjs, and reached
// only through src/hot/locks/remoteDoor.ts when a workspace names a Redis backend.
export { RedisLockBackend, type RedisBackendOptions } from './redisBackend';
export { connectLockClient, namespaceKeys } from './redisClient';
