// The long run of the folder-vs-inside race (`npm run test:stress`).
import { test } from 'node:test';
import { scaled } from './lockRaces';
import { folderRace, PATHS } from './folderRace';

test(
  `folder vs paths inside it, folder absent: ${PATHS.length} processes × ${scaled(1000)} rounds, 0 double holders`,
  { timeout: 600_000 },
  () => folderRace(scaled(1000)),
);
