// Scenarios of two machines on one Redis: shared by the unit tier (small) and test/stress/redisLocks.test.ts.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { overlapsIn } from '../../../fixtures/cli';
import type { Clones } from './redisFixture';

/** The `fmes` bin (dist/fmes.cjs): a plain `lock run` runs from dist/lock.cjs, as agents run it. */
export const FMES = path.resolve(__dirname, '../../../../dist/fmes.cjs');

/** The environment of one machine: its own host name in locks, no agent identity of the test runner. */
export function machine(name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FMES_LOCKS_BACKEND;
  return { ...env, FMES_AGENT: '', FMES_LOCK_HOST: name, ...extra };
}

export function fmesIn(cwd: string, args: string[], env: NodeJS.ProcessEnv, input?: string) {
  return spawnSync(process.execPath, [FMES, ...args], { cwd, env, encoding: 'utf8', input, timeout: 60_000 });
}

const SECTION = 'echo "enter $$" >> "$LOG"; echo "exit $$" >> "$LOG"';

/**
 * `procs` shell loops on each clone run `fmes lock run` on one path `cycles` times: no two critical sections
 * overlap, every run succeeds, and no lock is left.
 */
export async function contention(clones: Clones, procs: number, cycles: number): Promise<void> {
  const log = path.join(path.dirname(clones.a), 'sections.log');
  const fail = path.join(path.dirname(clones.a), 'failures.log');
  const loop = `i=0; while [ $i -lt ${cycles} ]; do node "$FMES" lock run src/a.ts --agent "w$W" --wait 600 -- sh -c '${SECTION}' || echo "fail $W $?" >> "$FAIL"; i=$((i+1)); done`;
  const runs = [clones.a, clones.b].flatMap((root, m) =>
    Array.from(
      { length: procs },
      (_, w) =>
        new Promise<number | null>((resolve, reject) => {
          const c = spawn('sh', ['-c', loop], {
            cwd: root,
            env: machine(`machine-${m}`, { FMES, W: `${m}-${w}`, LOG: log, FAIL: fail }),
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let err = '';
          c.stderr.on('data', (d: Buffer) => (err += d.toString()));
          c.on('error', reject);
          c.on('close', (code) => {
            const unexpected = err.split('\n').filter((l) => l && !l.startsWith('fmes: waiting up to '));
            if (unexpected.length) process.stderr.write(unexpected.join('\n') + '\n');
            resolve(code);
          });
        }),
    ),
  );
  assert.deepEqual(await Promise.all(runs), Array(2 * procs).fill(0));
  assert.equal(fs.existsSync(fail) ? fs.readFileSync(fail, 'utf8') : '', '', 'every lock run succeeded');
  assert.deepEqual(overlapsIn(fs.readFileSync(log, 'utf8')), {
    sections: 2 * procs * cycles,
    overlaps: 0,
    unmatched: 0,
  });
  assert.equal(fmesIn(clones.b, ['lock', 'status'], machine('machine-b')).stdout.trim(), 'no locks');
}
