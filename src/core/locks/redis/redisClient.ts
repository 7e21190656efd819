import Redis from 'ioredis';
import type { RedisSpec } from '../../../hot/locks/backendSpec';
import { LockBackendError } from '../../../hot/locks/backendSpec';
import { ACQUIRE, BREAK, LEAVE, RELEASE_ACQUIRE, RELEASE_OR_RENEW, STATUS } from './redisScripts';

/** The scripts as client commands: EVALSHA, and EVAL when the server does not know the script (after a restart). */
export interface LockClient extends Redis {
  fmesAcquire(...args: (string | number)[]): Promise<string[]>;
  fmesReleaseOrRenew(...args: (string | number)[]): Promise<string[]>;
  fmesReleaseAcquire(...args: (string | number)[]): Promise<string[]>;
  fmesBreak(...args: (string | number)[]): Promise<string[]>;
  fmesStatus(...args: (string | number)[]): Promise<string[]>;
  fmesLeave(...args: (string | number)[]): Promise<string>;
}

export interface ConnectOptions {
  /** How long the first connection may take before acquire gives up (default 3 s). */
  connectTimeoutMs?: number;
  /**
   * A client that lives on (a holder's heartbeat, the editor) reconnects after a drop; a short one (the hook,
   * `fmes lock status`) fails at once. Commands never wait in a queue while disconnected: they fail, so a
   * caller learns within a command timeout that the server is gone.
   */
  longLived?: boolean;
}

/** Connects to the lock server, or throws LockBackendError naming the server and what to check. */
export async function connectLockClient(spec: RedisSpec, o: ConnectOptions = {}): Promise<LockClient> {
  const timeout = o.connectTimeoutMs ?? 3_000;
  // The first connection is tried once (a refusal is an answer); only a client that was connected reconnects.
  let connected = false;
  let lastError: unknown;
  const client = new Redis({
    host: spec.host,
    port: spec.port,
    db: spec.db,
    username: spec.username,
    password: spec.password,
    tls: spec.tls ? { servername: spec.host } : undefined,
    lazyConnect: true,
    connectTimeout: timeout,
    commandTimeout: Math.max(timeout, 2_000),
    enableOfflineQueue: false,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => (o.longLived && connected ? Math.min(50 * times, 1_000) : null),
    connectionName: 'fmes-locks',
    // How long disconnect() waits for the socket to close; its timer would keep a failing CLI alive that long.
    disconnectTimeout: 50,
  }) as LockClient;
  // Without a listener ioredis prints every connection error itself; the callers report what matters.
  client.on('error', (e) => {
    lastError = e;
  });
  client.defineCommand('fmesAcquire', { numberOfKeys: 5, lua: ACQUIRE });
  client.defineCommand('fmesReleaseOrRenew', { numberOfKeys: 5, lua: RELEASE_OR_RENEW });
  client.defineCommand('fmesReleaseAcquire', { numberOfKeys: 5, lua: RELEASE_ACQUIRE });
  client.defineCommand('fmesBreak', { numberOfKeys: 5, lua: BREAK });
  client.defineCommand('fmesStatus', { numberOfKeys: 5, lua: STATUS });
  client.defineCommand('fmesLeave', { numberOfKeys: 5, lua: LEAVE });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
      }),
    ]);
  } catch (e) {
    client.disconnect();
    // "Connection is closed" says less than the socket's own error (ECONNREFUSED, ENOTFOUND, a TLS failure).
    throw backendError(spec, lastError ?? e);
  } finally {
    clearTimeout(timer);
  }
  connected = true;
  return client;
}

/** A failed command or connection as the typed error people read: which server, and what to check. */
export function backendError(spec: RedisSpec, e: unknown): LockBackendError {
  if (LockBackendError.is(e)) return e;
  const detail = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(detail))
    return new LockBackendError(
      'refused',
      `the lock server ${spec.where} refused the login (${detail}): give the password in the URL of locks.backend or in FMES_REDIS_PASSWORD. Nothing was locked.`,
      { cause: e, details: { where: spec.where, said: detail } },
    );
  return new LockBackendError(
    'unreachable',
    `cannot reach the lock server ${spec.where} (${detail}). Check that redis-server runs there and accepts connections from this machine (bind, protected-mode, firewall), and that locks.backend in .fmes/config.json (or FMES_LOCKS_BACKEND) names the right host, port and database. Nothing was locked.`,
    { cause: e, details: { where: spec.where, said: detail } },
  );
}

/** The keys of one namespace (see redisScripts.ts), with one hash tag so a cluster keeps them together. */
export function namespaceKeys(namespace: string): { keys: string[]; channel: string } {
  const base = `fmes:locks:{${namespace}}`;
  return { keys: ['L', 'E', 'P', 'F', 'B'].map((k) => `${base}:${k}`), channel: `${base}:changes` };
}

/** The list of one waiter, pushed when it reaches the head of its line with the path free (redisScripts.ts). */
export function waiterKey(namespace: string, waiter: string): string {
  return `fmes:locks:{${namespace}}:V:${waiter}`;
}

/** The list a waiter blocks on until the lock on `path` goes (redisScripts.ts, drop). */
export function wakeKey(namespace: string, path: string): string {
  return `fmes:locks:{${namespace}}:W:${path}`;
}
