/** Runs the child processes of one measurement in fresh temp workspaces and turns their JSON into results. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SHARED, type Impl, type UncontendedResult, type WorkerResult } from './protocol';
import { fairness, median, percentile } from './stats';

const FLOCK_WORKER = path.join(__dirname, 'flockWorker.sh');

/** Every temp workspace still on disk, so an interrupted run can remove them. */
const liveDirs = new Set<string>();

/** A throwaway workspace: `src/a.ts`, an empty `.locks/`, the shared targets and the marker folder. */
export function makeWorkspace(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-bench-'));
  liveDirs.add(root);
  for (const dir of ['src', '.locks', path.dirname(SHARED.inside)])
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, SHARED.oursPath), 'export {};\n');
  fs.writeFileSync(path.join(root, SHARED.plfTarget), '');
  fs.writeFileSync(path.join(root, SHARED.flockFile), '');
  return root;
}

export function removeWorkspace(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
  liveDirs.delete(root);
}

export function removeAllWorkspaces(): void {
  for (const root of [...liveDirs]) removeWorkspace(root);
}

/** Runs a command to completion and parses the last line of its stdout as JSON. */
function runJson<T>(command: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0)
        return reject(new Error(`${path.basename(args[0] ?? command)} exited with ${code}: ${err.trim() || last}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(
          new Error(`${path.basename(args[0] ?? command)} printed no JSON result: ${JSON.stringify(out.slice(-200))}`),
        );
      }
    });
  });
}

export interface Uncontended {
  rounds: number;
  roundMs: number;
  rawPerSec: number[];
  rawWritePerSec: number[];
  oursPerSec: number[];
  rawMedian: number;
  rawWriteMedian: number;
  oursMedian: number;
  /** median(ours) / median(raw): the figure the target applies to. */
  ratio: number;
  /** ours/raw within each round, which cancels drift between rounds. */
  pairedRatios: number[];
  /** The median of pairedRatios: the figure the target applies to (a noisy round moves it least). */
  pairedMedian: number;
  /** ours on a path that does not exist, per round, and its ratios to raw within each round. */
  oursMissingPerSec: number[];
  missingPairedRatios: number[];
  missingPairedMedian: number;
}

export async function runUncontended(bundle: string, rounds: number, roundMs: number): Promise<Uncontended> {
  const root = makeWorkspace();
  try {
    const r = await runJson<UncontendedResult>(process.execPath, [bundle, root, String(rounds), String(roundMs)]);
    const rawMedian = median(r.raw);
    const oursMedian = median(r.ours);
    const pairedRatios = r.ours.map((ours, i) => ours / (r.raw[i] ?? NaN));
    const missingPairedRatios = r.oursMissing.map((ours, i) => ours / (r.raw[i] ?? NaN));
    const rawWriteMedian = median(r.rawWrite);
    return {
      rounds,
      roundMs,
      rawPerSec: r.raw,
      rawWritePerSec: r.rawWrite,
      oursPerSec: r.ours,
      rawMedian,
      rawWriteMedian,
      oursMedian,
      ratio: oursMedian / rawMedian,
      pairedRatios,
      pairedMedian: median(pairedRatios),
      oursMissingPerSec: r.oursMissing,
      missingPairedRatios,
      missingPairedMedian: median(missingPairedRatios),
    };
  } finally {
    removeWorkspace(root);
  }
}

export interface Contended {
  impl: Impl;
  procs: number;
  windowMs: number;
  counts: number[];
  perSec: number;
  /** max/min of the per-worker counts. */
  fairness: number;
  p50WaitMs: number;
  p99WaitMs: number;
  violations: number;
  /** The latest any worker reached the start barrier (ms): above 0 its window was shortened. */
  maxLateMs: number;
  /** Runs needed until every worker was at the barrier in time. */
  tries: number;
}

/** One cell of the table: the same run repeated, interleaved with the other implementations. */
export interface ContendedCell extends Omit<Contended, 'counts'> {
  /** acq/s of each repetition; `perSec` is their median, and fairness and waits are medians too. */
  perSecRuns: number[];
  runs: Contended[];
}

/** Medians over repetitions: one noisy window should not decide a ratio. */
export function combineRuns(runs: readonly Contended[]): ContendedCell {
  const first = runs[0];
  if (!first) throw new Error('combineRuns needs at least one run');
  const mid = (f: (r: Contended) => number) => median(runs.map(f));
  return {
    impl: first.impl,
    procs: first.procs,
    windowMs: first.windowMs,
    perSec: mid((r) => r.perSec),
    perSecRuns: runs.map((r) => r.perSec),
    fairness: mid((r) => r.fairness),
    p50WaitMs: mid((r) => r.p50WaitMs),
    p99WaitMs: mid((r) => r.p99WaitMs),
    violations: runs.reduce((a, r) => a + r.violations, 0),
    maxLateMs: Math.max(...runs.map((r) => r.maxLateMs)),
    tries: Math.max(...runs.map((r) => r.tries)),
    runs: [...runs],
  };
}

/** Options of one contended run. */
export interface ContendedSetup {
  lockWorker: string;
  windowMs: number;
  plfRetries: number;
}

/**
 * What one worker of each implementation needs from spawn to the barrier (boot + warm-up) when it runs alone,
 * learned from its 1-process run: wall time, and CPU time. n workers on c cores need about the wall time plus
 * n/c times the CPU time (times a margin) before the common start. A worker that still arrives late shortens
 * its own window and steals CPU from the others while it boots, so such a run is repeated with more slack, and
 * the margin for that implementation grows for the runs after it.
 */
const readiness = new Map<Impl, { wallMs: number; cpuMs: number }>();
const margin = new Map<Impl, number>();
const MAX_TRIES = 4;
const MAX_SLACK_MS = 30_000;

export async function runContended(impl: Impl, procs: number, setup: ContendedSetup): Promise<Contended> {
  const solo = readiness.get(impl) ?? { wallMs: 600, cpuMs: 600 };
  for (let tries = 1; ; tries++) {
    const m = margin.get(impl) ?? 1.5;
    const slack = Math.min(
      MAX_SLACK_MS,
      200 + solo.wallMs + Math.ceil((m * solo.cpuMs * procs) / os.availableParallelism()),
    );
    const r = await runContendedOnce(impl, procs, setup, slack);
    if (procs === 1) readiness.set(impl, r.readiness);
    if (r.result.maxLateMs === 0 || tries === MAX_TRIES) return { ...r.result, tries };
    margin.set(impl, m * 1.5);
  }
}

async function runContendedOnce(
  impl: Impl,
  procs: number,
  setup: ContendedSetup,
  slack: number,
): Promise<{ result: Contended; readiness: { wallMs: number; cpuMs: number } }> {
  const { windowMs } = setup;
  const root = makeWorkspace();
  try {
    const startAt = Date.now() + slack;
    const workers = Array.from({ length: procs }, (_, i) =>
      impl === 'flock'
        ? runJson<WorkerResult>('bash', [
            FLOCK_WORKER,
            path.join(root, SHARED.flockFile),
            String(startAt),
            String(windowMs),
          ])
        : runJson<WorkerResult>(process.execPath, [
            setup.lockWorker,
            impl,
            root,
            String(startAt),
            String(windowMs),
            String(i),
            String(setup.plfRetries),
          ]),
    );
    const results = await Promise.all(workers);
    const counts = results.map((r) => r.count);
    const waitsMs = results.flatMap((r) => r.waitsUs.map((us) => us / 1000));
    const result: Contended = {
      impl,
      procs,
      windowMs,
      counts,
      perSec: counts.reduce((a, b) => a + b, 0) / (windowMs / 1000),
      fairness: fairness(counts),
      p50WaitMs: percentile(waitsMs, 50),
      p99WaitMs: percentile(waitsMs, 99),
      violations: results.reduce((a, r) => a + r.violations, 0),
      maxLateMs: Math.max(...results.map((r) => r.lateMs)),
      tries: 1,
    };
    const worst = (xs: number[]) => Math.max(...xs);
    return {
      result,
      readiness: { wallMs: worst(results.map((r) => r.readyMs)), cpuMs: worst(results.map((r) => r.readyCpuMs)) },
    };
  } finally {
    removeWorkspace(root);
  }
}
