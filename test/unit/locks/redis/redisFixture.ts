// A real redis-server per test (a free loopback port, no persistence, killed after) and two clones of one
// repository standing for two machines. The Debian package redis-server provides the binary (.ci/run installs it).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { confirmRepoConfig } from '../../../../src/core/configFile';
import { git } from '../../../fixtures/git';

export const REDIS_SERVER = process.env.FMES_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisServer {
  port: number;
  url: string;
  /** A plain client for the test's own checks. */
  client(): Redis;
  /** SIGKILL: the server is gone at once, with its data (there is none on disk). */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port (empty: nothing was saved). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.write('PING\r\n');
        c.once('data', (d) => {
          c.destroy();
          resolve(d.toString().startsWith('+PONG'));
        });
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not answer on ${port}`);
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const clients: Redis[] = [];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir()],
      { stdio: 'ignore' },
    );
    await waitUp(port, child);
  };
  const killNow = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    client() {
      const c = new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    kill: killNow,
    restart: launch,
    async stop() {
      for (const c of clients) c.disconnect();
      await killNow();
    },
  };
}

export interface Clones {
  a: string;
  b: string;
  cleanup(): void;
}

/**
 * A repository with one commit and a clone of it: the same root commit, so the same lock namespace. A `config`
 * naming a lock server is confirmed on both (as a person's `fmes config confirm`, in the test run's
 * FMES_STATE_DIR) unless `confirm` is false.
 */
export function twoClones(config?: Record<string, unknown>, o: { confirm?: boolean } = {}): Clones {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-redis-'));
  const a = path.join(base, 'machine-a');
  const b = path.join(base, 'machine-b');
  fs.mkdirSync(path.join(a, 'src'), { recursive: true });
  fs.writeFileSync(path.join(a, 'src', 'a.ts'), 'export {};\n');
  if (config) {
    fs.mkdirSync(path.join(a, '.fmes'));
    fs.writeFileSync(path.join(a, '.fmes', 'config.json'), JSON.stringify(config, null, 2));
  }
  git(base, 'init', '-q', a);
  git(a, 'add', '-A');
  git(a, 'commit', '-qm', 'root');
  git(base, 'clone', '-q', a, b);
  if (config && o.confirm !== false) for (const root of [a, b]) confirmRepoConfig(root);
  return { a, b, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/**
 * For a describe block: a redis-server and two clones before its tests (handed to `onStart`), and after them the
 * backends in `opened` disposed, the server stopped and the clones removed.
 */
export function redisHooks(opened: { dispose(): void }[], onStart: (server: RedisServer, clones: Clones) => void) {
  let server: RedisServer | undefined;
  let clones: Clones | undefined;
  before(async () => {
    server = await startRedis();
    clones = twoClones();
    onStart(server, clones);
  });
  after(async () => {
    for (const b of opened) b.dispose();
    await server?.stop();
    clones?.cleanup();
  });
}

/** Polls `ok` every 5 ms until it holds; fails the test naming `what` after `ms`. */
export async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await sleep(5);
  }
}
