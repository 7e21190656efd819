// The long run of the folder-vs-inside race (`npm run test:stress`).
import { test } from 'node:test';
import { scaled } from './lockRaces';
import { folderRace, PATHS, TURN_LOOPS, turnLoopRace } from './folderRace';

test(
  `folder vs paths inside it, folder absent: ${PATHS.length} processes × ${scaled(1000)} rounds, 0 double holders`,
  { timeout: 600_000 },
  () => folderRace(scaled(1000)),
);

test(
  `loops in turns with a folder lock among them: ${TURN_LOOPS.length} processes × ${scaled(3000)} cycles, 0 double holders`,
  { timeout: 600_000 },
  () => turnLoopRace(scaled(3000)),
);
