// The long runs of the TODO.md races (`npm run test:stress`); the unit tier runs them once, small.
import { test } from 'node:test';
import { shellAppendRace, todoUpdatesAcrossProcesses } from './todoRaces';
import { scaled } from './lockRaces';

test(
  `concurrent across processes: ${scaled(8)} processes × ${scaled(10)} updates, each holding the TODO.md lock, none lost`,
  { timeout: 600_000 },
  () => todoUpdatesAcrossProcesses(scaled(8), scaled(10)),
);

test(
  `a real shell appending every 2 ms while 40 mission updates run in 4 processes, ${scaled(10)} rounds: 0 lines lost`,
  { timeout: 900_000 },
  async (t) => {
    t.diagnostic(await shellAppendRace(scaled(10)));
  },
);
