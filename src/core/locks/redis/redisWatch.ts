import Redis from 'ioredis';
import type { RedisSpec } from '../../../hot/locks/backendSpec';

/**
 * Listens on the channel the lock scripts PUBLISH each change on (acquired, released, broken, expired), on a
 * connection of its own (a subscribed connection runs no other command). `onChange` runs for each message, and
 * once more each time the connection is (re)established, since changes while it was away were not heard. It
 * keeps reconnecting until disposed; the editor's poll covers what no script publishes (a lease running out
 * with nobody calling the server).
 */
export function watchLockChannel(spec: RedisSpec, channel: string, onChange: () => void): { dispose(): void } {
  const sub = new Redis({
    host: spec.host,
    port: spec.port,
    db: spec.db,
    username: spec.username,
    password: spec.password,
    tls: spec.tls ? { servername: spec.host } : undefined,
    connectTimeout: 3_000,
    enableReadyCheck: false,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    autoResubscribe: true,
    connectionName: 'fmes-locks-watch',
    disconnectTimeout: 50,
  });
  sub.on('error', () => undefined); // the feed's poll reports the server down, in words
  sub.on('message', (ch: string) => {
    if (ch === channel) onChange();
  });
  sub.on('ready', onChange);
  void sub.subscribe(channel).catch(() => undefined);
  return { dispose: () => sub.disconnect() };
}
