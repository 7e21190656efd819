// Mutual exclusion across real processes: `fmes lock run` invocations in parallel, a holder killed with SIGKILL,
// and waiters racing to break one stale lock. Sized to finish in seconds and still meet contention in every
// run; test/stress/lockRaces.test.ts (`npm run test:stress`) runs the same scenarios long.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, fmes } from '../../fixtures/cli';
import { makeWorkspace, readJsonl } from '../../fixtures/workspace';
import { lockRunRounds, scaled, staleBreakRace, threadStaleBreakRace } from '../../stress/lockRaces';

describe('locks across processes', () => {
  test(`${scaled(8)} processes × ${scaled(60)} cycles of fmes lock run: no overlaps`, { timeout: 300_000 }, () =>
    lockRunRounds(scaled(8), scaled(60)),
  );

  test('a holder killed with SIGKILL is recovered by the next waiter', { timeout: 60_000 }, async () => {
    const ws = makeWorkspace();
    try {
      const holder = spawn(
        process.execPath,
        [CLI, '--workspace', ws.root, 'lock', 'run', 'src/a.ts', '--agent', 'doomed', '--', 'sleep', '60'],
        { detached: true, stdio: 'ignore' },
      );
      const file = path.join(ws.root, '.locks', 'src%2Fa.ts.lock');
      for (let i = 0; i < 400 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(fs.existsSync(file));
      process.kill(-holder.pid!, 'SIGKILL'); // the fmes process and its sleep
      await new Promise((r) => holder.on('exit', r));
      const a = fmes([
        '--workspace',
        ws.root,
        'lock',
        'acquire',
        'src/a.ts',
        '--agent',
        'rescuer',
        '--wait',
        '10',
        '--json',
      ]);
      assert.equal(a.status, 0, a.stderr);
      assert.equal(JSON.parse(a.stdout).agent, 'rescuer');
      const breaks = readJsonl(path.join(ws.root, '.locks/.broken/breaks.jsonl')) as {
        staleReason: string;
        holder: { agent: string };
      }[];
      assert.equal(breaks.length, 1);
      assert.equal(breaks[0].staleReason, 'holderDead');
      assert.equal(breaks[0].holder.agent, 'doomed');
    } finally {
      ws.cleanup();
    }
  });

  test(
    `stale-break race: ${scaled(16)} processes on one dead holder's lock, ${scaled(3)} trials, never two holders`,
    { timeout: 300_000 },
    () => staleBreakRace(scaled(16), scaled(3)),
  );

  test(`stale-break race in threads: ${scaled(100)} trials × 8 threads, 0 double holders`, { timeout: 300_000 }, () =>
    threadStaleBreakRace(scaled(100)),
  );
});
