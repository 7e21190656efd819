// One process of test/unit/locks/redis/redisMerge.test.ts: it takes one path again and again on a lock server,
// as a loop of `lock` calls does, so that its releases inside a turn travel with its next acquire (one script).
// Usage: node --import tsx loopWorker.ts <root> <server url> <mode> <cycles> <log> <id>
//   mode 'loop': `cycles` critical sections, each written to <log> as "enter <id>" / "exit <id>" (synchronous
//   appends: the release and the next acquire still meet within one tick), then the commands it sent.
//   mode 'exit': two acquisitions in a turn, the second released without waiting, then process.exit at once.
import * as fs from 'node:fs';
import { createLogger, nullSink } from '../../../../src/core/log';
import type { RedisLockBackend } from '../../../../src/core/locks/redis/redisBackend';
import { openLockBackend } from '../../../../src/hot/locks/openBackend';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';

const [root, url, mode, cycles, log, id] = process.argv.slice(2);

async function main(): Promise<void> {
  const b = openLockBackend({
    paths: new WorkspacePaths(root),
    log: createLogger(nullSink),
    env: { FMES_LOCKS_BACKEND: url },
  }) as RedisLockBackend;
  const agent = `loop-${id}`;
  if (mode === 'exit') {
    await (await b.acquire('src/a.ts', { agent, waitMs: 10_000 })).release();
    const l = await b.acquire('src/a.ts', { agent, waitMs: 10_000 });
    await l.release(); // the second of its turn: not sent yet
    process.exit(0);
  }
  const lost: string[] = [];
  for (let i = 0; i < Number(cycles); i++) {
    const l = await b.acquire('src/a.ts', { agent, waitMs: 120_000 });
    l.startHeartbeat(60_000, (e) => lost.push(String(e)));
    fs.appendFileSync(log, `enter ${id}\n`);
    // A few sections yield to the event loop inside: the release then goes alone, at the end of its tick.
    if (i % 7 === 3) await new Promise((r) => setImmediate(r));
    fs.appendFileSync(log, `exit ${id}\n`);
    await l.release();
  }
  b.dispose();
  process.stdout.write(JSON.stringify({ lost }));
}

void main();
