/**
 * One contended worker, run from its esbuild bundle (bench/.build/lockWorker.js). Warms its code up on a private
 * lock, waits for the common start time, then loops acquire → critical section → release on the one shared lock
 * until the window ends, and prints a WorkerResult as one line of JSON.
 *
 * The critical section creates SHARED.inside with O_EXCL and removes it: EEXIST there means a second holder.
 *
 * Usage: node bench/.build/lockWorker.js <ours|proper-lockfile|raw|none> <workspaceRoot> <startAtEpochMs> <windowMs> <index> [plfRetries]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isErrnoException } from '../src/core/errors';
import { createLogger, nullSink } from '../src/core/log';
import { backoffDelay, sleep } from '../src/hot/locks/backoff';
import { LockManager } from '../src/hot/locks/lockManager';
import { defaultLockConfig } from '../src/hot/locks/lockOptions';
import { WorkspacePaths } from '../src/hot/paths/workspacePath';
import { isNodeImpl, PLF_RETRIES, SHARED, type NodeImpl, type WorkerResult } from './protocol';

type Release = () => void | Promise<void>;

interface Contender {
  /** Acquires the shared lock; resolves to its release, or undefined when the window ended while waiting. */
  acquire(): Promise<Release | undefined>;
  /** One cycle on a private lock: the success path, and now and then the path of a lock held by someone else. */
  warmUp(cycle: number): Promise<void>;
}

/**
 * Cycles each worker runs before the barrier: with 32 workers a worker gets only a few turns in a window, so
 * without them the run would measure V8's interpreter on a cold path rather than the lock (400 were too few: the
 * Redis bench measured a cold holder at half speed). A count, not a
 * time, so that workers booting side by side on 2 cores still warm up equally.
 */
const WARM_UP_CYCLES = 2_000;

async function makeContender(
  impl: NodeImpl,
  root: string,
  index: number,
  end: number,
  plfRetries: number,
): Promise<Contender> {
  switch (impl) {
    case 'ours': {
      const manager = new LockManager(new WorkspacePaths(root), createLogger(nullSink));
      const window = new AbortController();
      setTimeout(() => window.abort(), Math.max(0, end - Date.now())).unref();
      const owner = { agent: `worker-${index}`, waitMs: 1e9, signal: window.signal };
      const mine = `src/warm-${index}.ts`;
      return {
        async acquire() {
          try {
            const handle = await manager.acquire(SHARED.oursPath, owner);
            return () => handle.release();
          } catch (e) {
            if (window.signal.aborted) return undefined;
            throw e;
          }
        },
        // The window's own calls (waitMs, so turns), and every 100th a wait that ends with the lock: the rival's
        // hold goes after a millisecond. A one-shot acquire here left the turn and the line's success path cold,
        // to be compiled inside the window.
        async warmUp(cycle) {
          if (cycle % 100 === 0) {
            const rival = await manager.acquire(mine, { agent: `${owner.agent}-rival` });
            setTimeout(() => rival.release(), 1);
          }
          const handle = await manager.acquire(mine, { agent: owner.agent, waitMs: 1e9 });
          handle.release();
        },
      };
    }
    case 'proper-lockfile': {
      // Loaded only here: its graceful-fs patches fs.close, which must not touch the other implementations.
      const plf = await import('proper-lockfile');
      const target = path.join(root, SHARED.plfTarget);
      const options = {
        stale: 10_000,
        realpath: false,
        retries: { retries: plfRetries, minTimeout: 1, maxTimeout: 100, factor: 2, randomize: true },
      };
      const mine = path.join(root, `warm-${index}`);
      return {
        acquire: () => plf.lock(target, options),
        async warmUp(cycle) {
          const release = await plf.lock(mine, options);
          if (cycle % 16 === 0)
            await plf.lock(mine, { ...options, retries: { ...options.retries, retries: 2 } }).catch(() => undefined);
          await release();
        },
      };
    }
    case 'none':
      return { acquire: async () => () => undefined, warmUp: async () => undefined };
    case 'raw': {
      const mine = path.join(root, `.locks/warm-${index}.lock`);
      return {
        acquire: () => rawAcquire(path.join(root, SHARED.rawLock), end),
        async warmUp(cycle) {
          const release = await rawAcquire(mine, Infinity);
          if (cycle % 16 === 0) await rawAcquire(mine, Date.now() + 3);
          await release?.();
        },
      };
    }
  }
}

/** The floor: O_EXCL create, and on EEXIST the same backoff with jitter as ours (setTimeout based). */
async function rawAcquire(file: string, deadline: number): Promise<Release | undefined> {
  const backoff = { baseMs: defaultLockConfig.backoffBaseMs, capMs: defaultLockConfig.backoffCapMs };
  for (let attempt = 0; ;) {
    try {
      fs.closeSync(fs.openSync(file, 'wx'));
      return () => fs.unlinkSync(file);
    } catch (e) {
      if (!isErrnoException(e, 'EEXIST')) throw e;
    }
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(left, backoffDelay(attempt++, backoff)));
  }
}

/** Sleeps until just before `t`, then spins, so that every worker leaves the barrier within about a millisecond. */
async function waitUntil(t: number): Promise<void> {
  const early = t - Date.now() - 5;
  if (early > 0) await sleep(early);
  while (Date.now() < t) {
    /* spin */
  }
}

/** Returns true when this holder found another one inside. */
function criticalSection(inside: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(inside, 'wx');
  } catch (e) {
    if (isErrnoException(e, 'EEXIST')) return true;
    throw e;
  }
  fs.closeSync(fd);
  fs.unlinkSync(inside);
  return false;
}

async function main(): Promise<void> {
  const [impl, root, startArg, windowArg, indexArg, plfRetriesArg] = process.argv.slice(2);
  if (!isNodeImpl(impl) || !root || !startArg || !windowArg || !indexArg) {
    throw new Error(
      'usage: lockWorker.js <ours|proper-lockfile|raw|none> <workspaceRoot> <startAtEpochMs> <windowMs> <index> [plfRetries]',
    );
  }
  const startAt = Number(startArg);
  const end = startAt + Number(windowArg);
  const inside = path.join(root, SHARED.inside);
  const contender = await makeContender(impl, root, Number(indexArg), end, Number(plfRetriesArg ?? PLF_RETRIES));
  for (let cycle = 0; cycle < WARM_UP_CYCLES; cycle++) await contender.warmUp(cycle);

  // performance.now() counts from the process start: the driver learns from these how long a worker takes to get here.
  const readyMs = Math.round(performance.now());
  const cpu = process.cpuUsage();
  const readyCpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const lateMs = Math.max(0, Date.now() - startAt);
  await waitUntil(startAt);
  const result: WorkerResult = { count: 0, violations: 0, lateMs, readyMs, readyCpuMs, waitsUs: [] };
  while (Date.now() < end) {
    const t0 = performance.now();
    const release = await contender.acquire();
    if (!release) break;
    const waited = performance.now() - t0;
    const inWindow = Date.now() < end;
    if (inWindow) {
      if (criticalSection(inside)) result.violations++;
      result.count++;
      result.waitsUs.push(Math.round(waited * 1000));
    }
    await release();
    if (!inWindow) break;
  }
  // Waited for: a result of ~100k waits is larger than the pipe's buffer, and process.exit would cut it off.
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(result) + '\n', () => resolve()));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
