// The long run of test/unit/locks/redis/redisCli.test.ts's contention (`npm run test:stress`): two clones of
// one repository as two machines on one real redis-server. FMES_STRESS_SCALE scales it.
import { after, before, describe, test } from 'node:test';
import { startRedis, twoClones, type Clones, type RedisServer } from '../unit/locks/redis/redisFixture';
import { contention } from '../unit/locks/redis/redisMachines';
import { scaled } from './lockRaces';

describe('locks on Redis across machines, long', () => {
  let server: RedisServer;
  let clones: Clones;
  before(async () => {
    server = await startRedis();
    clones = twoClones({ locks: { backend: server.url } });
  });
  after(async () => {
    await server.stop();
    clones.cleanup();
  });

  test(
    `2 machines × ${scaled(6)} processes × ${scaled(20)} fmes lock run on one path: 0 overlaps`,
    { timeout: 1_800_000 },
    () => contention(clones, scaled(6), scaled(20)),
  );
});
