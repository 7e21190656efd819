// Mutual exclusion across real processes: many `fmes lock run` invocations, a holder killed with SIGKILL,
// and many waiters racing to break one stale lock. FMES_STRESS_SCALE (default 1) scales the counts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { CLI, fmes, overlapsIn } from '../../fixtures/cli';
import { deadPid, makeWorkspace, readJsonl, writeLockFile } from '../../fixtures/workspace';

const scale = Number(process.env.FMES_STRESS_SCALE ?? '1');
const n = (x: number) => Math.max(1, Math.round(x * scale));

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

describe('locks across processes', () => {
  test(`${n(16)} processes × ${n(200)} cycles of fmes lock run: no overlaps`, { timeout: 900_000 }, async () => {
    const ws = makeWorkspace();
    try {
      const log = path.join(ws.root, 'sections.log');
      const procs = n(16);
      const cycles = n(200);
      const failures = path.join(ws.root, 'failures.log');
      const loop = `i=0; while [ $i -lt ${cycles} ]; do node "$CLI" --workspace "$WS" lock run src/a.ts --agent "w$W" --wait 600 -- sh -c '${SECTION}' || echo "fail $W $?" >> "$FAIL"; i=$((i+1)); done`;
      const codes = await Promise.all(Array.from({ length: procs }, (_, w) => shell(loop, { CLI, WS: ws.root, W: String(w), LOG: log, FAIL: failures })));
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
  });

  test('a holder killed with SIGKILL is recovered by the next waiter', { timeout: 60_000 }, async () => {
    const ws = makeWorkspace();
    try {
      const holder = spawn(process.execPath, [CLI, '--workspace', ws.root, 'lock', 'run', 'src/a.ts', '--agent', 'doomed', '--', 'sleep', '60'], { detached: true, stdio: 'ignore' });
      const file = path.join(ws.root, '.locks', 'src%2Fa.ts.lock');
      for (let i = 0; i < 400 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(fs.existsSync(file));
      process.kill(-holder.pid!, 'SIGKILL'); // the fmes process and its sleep
      await new Promise((r) => holder.on('exit', r));
      const a = fmes(['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts', '--agent', 'rescuer', '--wait', '10', '--json']);
      assert.equal(a.status, 0, a.stderr);
      assert.equal(JSON.parse(a.stdout).agent, 'rescuer');
      const breaks = readJsonl(path.join(ws.root, '.locks/.broken/breaks.jsonl')) as { staleReason: string; holder: { agent: string } }[];
      assert.equal(breaks.length, 1);
      assert.equal(breaks[0].staleReason, 'holderDead');
      assert.equal(breaks[0].holder.agent, 'doomed');
    } finally {
      ws.cleanup();
    }
  });

  test(`stale-break race: ${n(32)} processes on one dead holder's lock, ${n(12)} trials, never two holders`, { timeout: 900_000 }, async () => {
    for (let trial = 0; trial < n(12); trial++) {
      const ws = makeWorkspace();
      try {
        writeLockFile(ws.root, 'src/a.ts', { pid: deadPid(), agent: 'dead' });
        const log = path.join(ws.root, 'sections.log');
        const procs = n(32);
        const codes = await Promise.all(
          Array.from({ length: procs }, (_, w) => shell(`node "$CLI" --workspace "$WS" lock run src/a.ts --agent "w${w}" --wait 120 -- sh -c '${SECTION}'`, { CLI, WS: ws.root, LOG: log })),
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
  });

  test(`stale-break race in threads: ${n(300)} trials × 8 threads, 0 double holders`, { timeout: 600_000 }, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-race-'));
    const bundle = path.join(out, 'raceWorker.js');
    buildSync({ entryPoints: [path.resolve(__dirname, '../../fixtures/raceWorker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
    const workers = Array.from({ length: 8 }, () => new Worker(bundle));
    const next = (w: Worker, what: string) => new Promise<void>((resolve, reject) => {
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
    const trials = n(300);
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
  });
});
