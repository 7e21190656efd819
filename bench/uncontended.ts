/**
 * Uncontended lock cycles in one process, run from its esbuild bundle (bench/.build/uncontended.js) so that no
 * loader sits between the loop and the code. Interleaves the raw O_EXCL loop, the raw loop plus a write of a
 * record as long as ours, and our tryAcquire/release in rounds of equal length, alternating the order, and
 * prints cycles/s per round as JSON.
 *
 * Usage: node bench/.build/uncontended.js <workspaceRoot> <rounds> <roundMs>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger, nullSink } from '../src/core/log';
import { LockManager } from '../src/hot/locks/lockManager';
import { WorkspacePaths } from '../src/hot/paths/workspacePath';
import { SHARED, type UncontendedResult } from './protocol';

const [root, roundsArg, roundMsArg] = process.argv.slice(2);
if (!root || !roundsArg || !roundMsArg) throw new Error('usage: uncontended.js <workspaceRoot> <rounds> <roundMs>');
const rounds = Number(roundsArg);
const roundMs = Number(roundMsArg);

const rawFile = path.join(root, SHARED.rawLock);
const manager = new LockManager(new WorkspacePaths(root), createLogger(nullSink));

function rawCycles(n: number): void {
  for (let i = 0; i < n; i++) {
    fs.closeSync(fs.openSync(rawFile, 'wx'));
    fs.unlinkSync(rawFile);
  }
}

/** The bytes ours writes: one real record, taken once (its length is what matters, not its content). */
const recordBytes = (() => {
  const r = manager.tryAcquire(SHARED.oursPath, { agent: 'bench' });
  if (!r.ok) throw new Error('uncontended tryAcquire failed');
  const bytes = fs.readFileSync(r.handle.file);
  r.handle.release();
  return bytes;
})();

function rawWriteCycles(n: number): void {
  for (let i = 0; i < n; i++) {
    const fd = fs.openSync(rawFile, 'wx');
    fs.writeSync(fd, recordBytes);
    fs.closeSync(fd);
    fs.unlinkSync(rawFile);
  }
}

function ourCycles(n: number, target: string = SHARED.oursPath): void {
  for (let i = 0; i < n; i++) {
    const r = manager.tryAcquire(target, { agent: 'bench' });
    if (!r.ok) throw new Error(`uncontended tryAcquire failed: held by ${r.holders.length} holder(s)`);
    r.handle.release();
  }
}

/** The same on a path that does not exist: a lock taken before its file is written. */
function ourMissingCycles(n: number): void {
  ourCycles(n, 'src/not-yet.ts');
}

/** Cycles per second of `run` over at least `ms`, reading the clock once per small batch. */
function rate(run: (n: number) => void, ms: number): number {
  const batch = 32;
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    run(batch);
    n += batch;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return n / (elapsed / 1000);
}

// Warm every loop up (JIT, dentry cache) before anything is recorded.
rate(rawCycles, Math.min(300, roundMs));
rate(rawWriteCycles, Math.min(300, roundMs));
rate(ourCycles, Math.min(300, roundMs));
rate(ourMissingCycles, Math.min(300, roundMs));

const result: UncontendedResult = { raw: [], rawWrite: [], ours: [], oursMissing: [] };
const loops = [
  () => result.raw.push(rate(rawCycles, roundMs)),
  () => result.rawWrite.push(rate(rawWriteCycles, roundMs)),
  () => result.ours.push(rate(ourCycles, roundMs)),
  () => result.oursMissing.push(rate(ourMissingCycles, roundMs)),
];
for (let r = 0; r < rounds; r++) {
  for (const loop of r % 2 === 0 ? loops : [...loops].reverse()) loop();
}
process.stdout.write(JSON.stringify(result) + '\n');
