import { spawn } from 'node:child_process';
import { killTree } from '../../proc/processTree';

export interface AppServer {
  /** The last lines the app wrote (stdout and stderr), for a failure message. */
  output(): string;
  /** Stops the app and everything it started (the process group, then any stragglers). */
  stop(): Promise<void>;
}

/**
 * Starts the proof's app (`sh -c <start>`) in `cwd`, in a process group of its own so that `npm run dev` and the
 * server it forks go down together; waits until `url` answers at all (any HTTP status) or `timeoutMs` passes.
 */
export async function startApp(o: {
  start: string;
  cwd: string;
  url: string;
  timeoutMs: number;
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}): Promise<AppServer> {
  const child = spawn('/bin/sh', ['-c', o.start], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env, BROWSER: 'none', CI: '1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.on('error', (e) => {
    tail += `\n${e.message}`;
    exited = -1;
  });
  const server: AppServer = {
    output: () => tail.trim().split('\n').slice(-10).join('\n'),
    stop: async () => {
      if (child.pid !== undefined) await killTree(child.pid, { graceMs: 2000 });
    },
  };
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (exited !== undefined) {
      await server.stop();
      throw new Error(`the app exited (${exited}) before serving ${o.url}: ${server.output() || 'no output'}`);
    }
    if (await answers(o.url)) return server;
    if (Date.now() >= deadline || o.signal?.aborted) {
      await server.stop();
      throw new Error(
        `${o.url} did not answer within ${Math.round(o.timeoutMs / 1000)} s: ${server.output() || 'no output'}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
    await r.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
