// The folder-vs-inside race (test/stress/folderRace.ts), short: enough rounds that every process both gets in
// and meets a conflict. `npm run test:stress` runs it 1000 rounds; FMES_STRESS_SCALE scales both.
import { test } from 'node:test';
import { scaled } from '../../stress/lockRaces';
import { folderRace, PATHS, TURN_LOOPS, turnLoopRace } from '../../stress/folderRace';

test(
  `folder vs paths inside it, folder absent: ${PATHS.length} processes × ${scaled(200)} rounds, 0 double holders`,
  { timeout: 300_000 },
  () => folderRace(scaled(200)),
);

test(
  `loops in turns with a folder lock among them: ${TURN_LOOPS.length} processes × ${scaled(300)} cycles, 0 double holders`,
  { timeout: 300_000 },
  () => turnLoopRace(scaled(300)),
);
