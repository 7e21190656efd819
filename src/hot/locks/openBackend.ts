import type { Logger } from '../../core/log';
import type { Clock } from '../clock';
import type { WorkspacePaths } from '../paths/workspacePath';
import { backendSpecOf, DEFAULT_BACKEND_SETTINGS, lockNamespace, type LockBackendSettings } from './backendSpec';
import { FileLockBackend } from './fileBackend';
import type { LockBackend } from './lockBackend';
import { LockManager } from './lockManager';
import type { LockConfig } from './lockOptions';
import { openRedisBackend } from './remoteDoor';

export type { LockBackendSettings };

export interface OpenBackendOptions {
  paths: WorkspacePaths;
  log: Logger;
  settings?: Partial<LockBackendSettings>;
  config?: Partial<LockConfig>;
  clock?: Clock;
  env?: Readonly<Record<string, string | undefined>>;
  /** The file backend's manager, when the caller has one already (createCore shares it). */
  manager?: LockManager;
  /** A client that lives on (the editor, the MCP server) reconnects after a drop. */
  longLived?: boolean;
  connectTimeoutMs?: number;
}

/**
 * The lock backend of a workspace: the file backend unless the settings or FMES_LOCKS_BACKEND name a Redis
 * server. Throws LockBackendError for a backend value or namespace that cannot be used (never falls back to
 * the file backend: agents on one repository must all use the same one).
 */
export function openLockBackend(o: OpenBackendOptions): LockBackend {
  const env = o.env ?? process.env;
  const spec = backendSpecOf(o.settings?.backend, env);
  if (spec.kind === 'file')
    return o.manager
      ? new FileLockBackend(o.manager, false)
      : new FileLockBackend(new LockManager(o.paths, o.log, { clock: o.clock, config: o.config }));
  return openRedisBackend({
    paths: o.paths,
    spec,
    namespace: lockNamespace(o.paths.root, env.FMES_LOCKS_NAMESPACE || o.settings?.namespace),
    leaseMs: o.settings?.leaseMs ?? DEFAULT_BACKEND_SETTINGS.leaseMs,
    detachedTtlMs: o.config?.detachedTtlMs,
    turnMs: o.config?.batchMs,
    host: env.FMES_LOCK_HOST,
    log: o.log,
    longLived: o.longLived,
    connectTimeoutMs: o.connectTimeoutMs,
  });
}
