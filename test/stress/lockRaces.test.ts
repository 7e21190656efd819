// The long runs of test/unit/cli/multiprocess.test.ts's races (`npm run test:stress`; .ci/run runs it after
// `npm test`). FMES_STRESS_SCALE scales them further.
import { test, describe } from 'node:test';
import { lockRunRounds, scaled, staleBreakRace, threadStaleBreakRace } from './lockRaces';

describe('locks across processes, long', () => {
  test(`${scaled(16)} processes × ${scaled(200)} cycles of fmes lock run: no overlaps`, { timeout: 1_800_000 }, () =>
    lockRunRounds(scaled(16), scaled(200)),
  );

  test(
    `stale-break race: ${scaled(32)} processes on one dead holder's lock, ${scaled(12)} trials, never two holders`,
    { timeout: 900_000 },
    () => staleBreakRace(scaled(32), scaled(12)),
  );

  test(`stale-break race in threads: ${scaled(300)} trials × 8 threads, 0 double holders`, { timeout: 600_000 }, () =>
    threadStaleBreakRace(scaled(300)),
  );
});
