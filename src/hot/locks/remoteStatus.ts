import { WorkspacePaths } from '../paths/workspacePath';
import { lockNamespace, type RedisSpec } from './backendSpec';
import type { HolderStatus } from './lockManager';
import type { LockBackendSettings } from './backendSpec';
import { openRedisBackend } from './remoteDoor';

/**
 * Thrown by a hook decision that needs the lock holders of a Redis backend: the decision is synchronous, so
 * the hook fetches them (one round trip) and decides again. Only a call that writes asks for holders: a read
 * never reaches the server, so a server that is down blocks writes only.
 */
export class NeedsRemoteLocks extends Error {
  constructor(readonly spec: RedisSpec) {
    super(`the locks on ${spec.where} are needed`);
  }
}

/** Every live lock on the Redis backend, for the hook: connects, runs the status script once, closes. */
export async function remoteHolders(
  root: string,
  spec: RedisSpec,
  settings: Partial<LockBackendSettings> | undefined,
  env: Readonly<Record<string, string | undefined>>,
  deadline: number,
): Promise<HolderStatus[]> {
  const backend = openRedisBackend({
    paths: new WorkspacePaths(root),
    spec,
    namespace: lockNamespace(root, env.FMES_LOCKS_NAMESPACE || settings?.namespace),
    host: env.FMES_LOCK_HOST,
    // Leave the decision time to deny in words rather than be cut off by the budget.
    connectTimeoutMs: Math.max(100, Math.min(2_000, deadline - Date.now() - 500)),
  });
  try {
    return await backend.status({ unsorted: true });
  } finally {
    backend.dispose();
  }
}
