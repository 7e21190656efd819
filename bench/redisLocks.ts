/**
 * The Redis lock backend against the floor and against redlock, on one redis-server started for the run
 * (a free loopback port, no persistence), reported as ratios (see bench/README.md):
 *
 *   1. one process, lock cycle (acquire + release, two round trips) vs. a bare `SET NX PX` + `DEL` loop on the
 *      same server with the same client: goal >= 0.5
 *   2. 32 processes on one path, acquisitions per second, vs. redlock (npm, v4) on the same server, with its
 *      default retry (200 ms + 200 ms jitter) and tuned to our backoff (2 ms + 2 ms): goal ahead of both
 *
 * Usage: node --import tsx bench/redisLocks.ts [--quick] [--check]
 * The measured loops run in child processes from an esbuild bundle of this file (no tsx loader in the loop).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const BUILD = path.join(__dirname, '.build', 'redisLocks.js');
const quick = process.argv.includes('--quick');
const check = process.argv.includes('--check');

type Impl = 'ours' | 'bare' | 'redlock' | 'redlock-tuned';
interface Job {
  impl: Impl;
  port: number;
  root: string;
  mode: 'cycle' | 'contend';
  cycles: number;
  worker: number;
}

async function worker(job: Job): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const key = 'bench:lock';
  let cycle: () => Promise<void>;
  let close: () => void = () => undefined;
  if (job.impl === 'ours') {
    const { openLockBackend } = await import('../src/hot/locks/openBackend');
    const { WorkspacePaths } = await import('../src/hot/paths/workspacePath');
    const { createLogger, nullSink } = await import('../src/core/log');
    const b = openLockBackend({
      paths: new WorkspacePaths(job.root),
      log: createLogger(nullSink),
      env: { FMES_LOCKS_BACKEND: `redis://127.0.0.1:${job.port}/0`, FMES_LOCKS_NAMESPACE: 'bench' },
    });
    await b.status(); // connected before the clock starts
    const agent = `w${job.worker}`;
    cycle = async () => {
      const l = await b.acquire('src/a.ts', { agent, waitMs: 600_000 });
      await l.release();
    };
    close = () => b.dispose();
  } else if (job.impl === 'bare') {
    const c = new Redis({ port: job.port, host: '127.0.0.1' });
    await c.ping();
    cycle = async () => {
      if ((await c.set(key, 'x', 'PX', 10_000, 'NX')) !== 'OK') throw new Error('bare: held');
      await c.del(key);
    };
    close = () => c.disconnect();
  } else {
    // redlock v4 (CommonJS, no types): lock(resource, ttl) → lock.unlock().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Redlock = require('redlock') as new (
      clients: unknown[],
      o: object,
    ) => {
      lock(r: string, ttl: number): Promise<{ unlock(): Promise<void> }>;
    };
    const c = new Redis({ port: job.port, host: '127.0.0.1' });
    await c.ping();
    const tuned = job.impl === 'redlock-tuned';
    const rl = new Redlock([c], { retryCount: -1, retryDelay: tuned ? 2 : 200, retryJitter: tuned ? 2 : 200 });
    cycle = async () => {
      const l = await rl.lock(key, 10_000);
      await l.unlock();
    };
    close = () => c.disconnect();
  }
  if (job.mode === 'cycle') {
    for (let i = 0; i < 200; i++) await cycle(); // warm-up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < job.cycles; i++) await cycle();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    process.send!({ perSec: job.cycles / s });
  } else {
    process.send!({ ready: true });
    const end = await new Promise<number>((r) => process.once('message', (m: { end: number }) => r(m.end)));
    let n = 0;
    while (Date.now() < end) {
      await cycle();
      n++;
    }
    process.send!({ count: n });
  }
  close();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) return c;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('redis-server did not start');
}

function run(job: Job, onReady?: (c: ChildProcess) => void): Promise<{ perSec?: number; count?: number }> {
  return new Promise((resolve, reject) => {
    const c = fork(BUILD, ['worker', JSON.stringify(job)], { stdio: 'inherit' });
    c.on('message', (m: { ready?: boolean; perSec?: number; count?: number }) => {
      if (m.ready) onReady?.(c);
      else resolve(m);
    });
    c.on('error', reject);
    c.on('exit', (code) => code !== 0 && reject(new Error(`${job.impl} worker exited with ${code}`)));
  });
}

async function contend(impl: Impl, base: Omit<Job, 'impl' | 'mode' | 'worker'>, procs: number, ms: number) {
  let ready = 0;
  const children: ChildProcess[] = [];
  let go!: () => void;
  const allReady = new Promise<void>((r) => (go = r));
  const results = Array.from({ length: procs }, (_, worker) =>
    run({ ...base, impl, mode: 'contend', worker }, (c) => {
      children.push(c);
      if (++ready === procs) go();
    }),
  );
  await allReady;
  const end = Date.now() + ms;
  for (const c of children) c.send({ end });
  const counts = (await Promise.all(results)).map((r) => r.count ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  return { perSec: total / (ms / 1000), fairness: Math.max(...counts) / Math.max(1, Math.min(...counts)) };
}

async function main(): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: path.join(__dirname, '..'),
    entryPoints: { redisLocks: 'bench/redisLocks.ts' },
    outdir: path.dirname(BUILD),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['esbuild'],
    logLevel: 'warning',
  });
  const port = await freePort();
  const server = await startServer(port);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-bench-redis-'));
  try {
    const base = { port, root, cycles: quick ? 2_000 : 10_000 };
    const rounds = quick ? 2 : 5;
    // Rounds alternate between the two so that a burst of load elsewhere on the machine hits both; the best
    // round of each counts.
    let bare = 0;
    let ours = 0;
    for (let i = 0; i < rounds; i++) {
      bare = Math.max(bare, (await run({ ...base, impl: 'bare', mode: 'cycle', worker: 0 })).perSec!);
      ours = Math.max(ours, (await run({ ...base, impl: 'ours', mode: 'cycle', worker: 0 })).perSec!);
    }
    const procs = 32;
    const ms = quick ? 2_000 : 5_000;
    const c: Record<string, { perSec: number; fairness: number }> = {};
    for (const impl of (process.env.BENCH_SKIP_CONTEND ? [] : ['ours', 'redlock', 'redlock-tuned']) as Impl[])
      c[impl] = await contend(impl, base, procs, ms);
    const r1 = ours / bare;
    if (!c.ours)
      return void console.log(
        `cycle: ours ${ours.toFixed(0)}/s, bare ${bare.toFixed(0)}/s, ratio ${(ours / bare).toFixed(2)}`,
      );
    const r2 = c.ours.perSec / c.redlock.perSec;
    const r3 = c.ours.perSec / c['redlock-tuned'].perSec;
    const line = (name: string, v: number, goal: string, pass: boolean) =>
      console.log(`${name.padEnd(58)} ${v.toFixed(2).padStart(8)}  ${goal.padEnd(8)} ${pass ? 'PASS' : 'FAIL'}`);
    console.log(`one process, cycles/s: ours ${ours.toFixed(0)}, bare SET NX PX + DEL ${bare.toFixed(0)}`);
    for (const [k, v] of Object.entries(c))
      console.log(
        `${procs} processes, one path, ${ms / 1000} s: ${k} ${v.perSec.toFixed(0)}/s (fairness max/min ${v.fairness.toFixed(1)})`,
      );
    line('lock cycle, ours / bare SET NX PX + DEL', r1, '>= 0.5', r1 >= 0.5);
    line(`${procs}-process contention, ours / redlock (default retry)`, r2, '> 1', r2 > 1);
    line(`${procs}-process contention, ours / redlock (2 ms retry)`, r3, '> 1', r3 > 1);
    if (check && !(r1 >= 0.5 && r2 > 1 && r3 > 1)) process.exitCode = 1;
  } finally {
    server.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'worker') void worker(JSON.parse(process.argv[3]) as Job);
else void main();
