// The folder-vs-inside race (test/stress/folderRace.ts), short: enough rounds that every process both gets in
// and meets a conflict. `npm run test:stress` runs it 1000 rounds; FMES_STRESS_SCALE scales both.
import { test } from 'node:test';
import { scaled } from '../../stress/lockRaces';
import { folderRace, PATHS } from '../../stress/folderRace';

test(
  `folder vs paths inside it, folder absent: ${PATHS.length} processes × ${scaled(200)} rounds, 0 double holders`,
  { timeout: 300_000 },
  () => folderRace(scaled(200)),
);
