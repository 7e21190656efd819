// Mutual exclusion across real processes and threads, as scenarios of a given size: the unit tier runs them
// small (test/unit/cli/multiprocess.test.ts), `npm run test:stress` runs them long (lockRaces.test.ts).
// FMES_STRESS_SCALE (default 1) scales every count in both.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { CLI, fmes, overlapsIn } from '../fixtures/cli';
import { deadPid, makeWorkspace, readJsonl, writeLockFile } from '../fixtures/workspace';

const scale = Number(process.env.FMES_STRESS_SCALE ?? '1');
/** A count scaled by FMES_STRESS_SCALE, at least 1. */
export const scaled = (x: number) => Math.max(1, Math.round(x * scale));

/** The critical section: append "enter <pid>" and "exit <pid>" to the log. */
const SECTION = 'echo "enter $$" >> "$LOG"; echo "exit $$" >> "$LOG"';

/** Runs a shell loop; its stderr is kept, less the "waiting up to …" notices that waiters print by design. */
function shell(script: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const c = spawn('sh', ['-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => {
      const unexpected = err.split('\n').filter((l) => l && !l.startsWith('fmes: waiting up to '));
      if (unexpected.length > 0) process.stderr.write(unexpected.join('\n') + '\n');
      resolve(code);
    });
  });
}

/** `procs` shell loops each run `fmes lock run` on one path `cycles` times: no two sections overlap. */
export async function lockRunRounds(procs: number, cycles: number): Promise<void> {
  const ws = makeWorkspace();
  try {
    const log = path.join(ws.root, 'sections.log');
    const failures = path.join(ws.root, 'failures.log');
    const loop = `i=0; while [ $i -lt ${cycles} ]; do node "$CLI" --workspace "$WS" lock run src/a.ts --agent "w$W" --wait 600 -- sh -c '${SECTION}' || echo "fail $W $?" >> "$FAIL"; i=$((i+1)); done`;
    const codes = await Promise.all(
      Array.from({ length: procs }, (_, w) =>
        shell(loop, { CLI, WS: ws.root, W: String(w), LOG: log, FAIL: failures }),
      ),
    );
    assert.deepEqual(codes, Array(procs).fill(0));
    assert.equal(fs.existsSync(failures) ? fs.readFileSync(failures, 'utf8') : '', '', 'every lock run succeeded');
    const r = overlapsIn(fs.readFileSync(log, 'utf8'));
    assert.equal(r.overlaps, 0);
    assert.equal(r.unmatched, 0);
    assert.equal(r.sections, procs * cycles);
    assert.equal(fmes(['--workspace', ws.root, 'lock', 'status']).stdout.trim(), 'no locks');
  } finally {
    ws.cleanup();
  }
}

/** `procs` processes start at once on a dead holder's lock, `trials` times: one break, never two holders. */
export async function staleBreakRace(procs: number, trials: number): Promise<void> {
  for (let trial = 0; trial < trials; trial++) {
    const ws = makeWorkspace();
    try {
      writeLockFile(ws.root, 'src/a.ts', { pid: deadPid(), agent: 'dead' });
      const log = path.join(ws.root, 'sections.log');
      const codes = await Promise.all(
        Array.from({ length: procs }, (_, w) =>
          shell(`node "$CLI" --workspace "$WS" lock run src/a.ts --agent "w${w}" --wait 120 -- sh -c '${SECTION}'`, {
            CLI,
            WS: ws.root,
            LOG: log,
          }),
        ),
      );
      assert.deepEqual(codes, Array(procs).fill(0), `trial ${trial}`);
      const r = overlapsIn(fs.readFileSync(log, 'utf8'));
      assert.deepEqual(r, { sections: procs, overlaps: 0, unmatched: 0 }, `trial ${trial}`);
      const breaks = readJsonl(path.join(ws.root, '.locks/.broken/breaks.jsonl'));
      assert.equal(breaks.length, 1, `trial ${trial}: the stale generation is broken exactly once`);
    } finally {
      ws.cleanup();
    }
  }
}

/** `threads` worker threads released by one Atomics.notify on a dead holder's lock, `trials` times. */
export async function threadStaleBreakRace(trials: number, threads = 8): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-race-'));
  const bundle = path.join(out, 'raceWorker.js');
  buildSync({
    entryPoints: [path.resolve(__dirname, '../fixtures/raceWorker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
  const workers = Array.from({ length: threads }, () => new Worker(bundle));
  const next = (w: Worker, what: string) =>
    new Promise<void>((resolve, reject) => {
      const onMsg = (m: unknown) => {
        if (m !== what) return;
        w.off('message', onMsg);
        w.off('error', reject);
        resolve();
      };
      w.on('message', onMsg);
      w.once('error', reject);
    });
  const inside = new Int32Array(new SharedArrayBuffer(4));
  const violations = new Int32Array(new SharedArrayBuffer(4));
  const go = new Int32Array(new SharedArrayBuffer(4));
  const dead = deadPid();
  let breaksTotal = 0;
  try {
    for (let trial = 1; trial <= trials; trial++) {
      const ws = makeWorkspace();
      try {
        writeLockFile(ws.root, 'src/a.ts', { pid: dead, agent: 'dead' });
        const ready = workers.map((w) => next(w, 'ready'));
        const done = workers.map((w) => next(w, 'done'));
        workers.forEach((w, i) => w.postMessage({ trial, root: ws.root, agent: `t${i}`, inside, violations, go }));
        await Promise.all(ready);
        Atomics.store(go, 0, trial);
        Atomics.notify(go, 0);
        await Promise.all(done);
        breaksTotal += readJsonl(path.join(ws.root, '.locks/.broken/breaks.jsonl')).length;
      } finally {
        ws.cleanup();
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    fs.rmSync(out, { recursive: true, force: true });
  }
  assert.equal(Atomics.load(violations, 0), 0);
  assert.equal(breaksTotal, trials, 'each stale generation broken exactly once');
}
