// A folder lock and the locks inside it, across real processes, with the folder absent: one process takes
// `nx`, others take paths inside it (and one a folder between), as fast as they can; a log written while
// each lock is held must never show two overlapping paths inside at once. The unit tier runs it short
// (test/unit/cli/folderRace.test.ts), `npm run test:stress` long (folderRace.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { buildSync } from 'esbuild';
import { covers } from '../../src/hot/paths/workspacePath';
import { makeWorkspace } from '../fixtures/workspace';

export const PATHS = ['nx', 'nx/sub', 'nx/sub/f.txt', 'nx/g.txt'];

function overlap(a: string, b: string): boolean {
  return a === b || covers(a, b) || covers(b, a);
}

/** Replays the log: how many times a path entered while an overlapping one was inside. */
function doubleHolders(log: string): { sections: number; doubles: number } {
  const inside = new Map<string, number>();
  let sections = 0;
  let doubles = 0;
  for (const line of log.split('\n').filter(Boolean)) {
    const [kind, p] = line.split(' ');
    if (kind === 'enter') {
      if ([...inside].some(([q, n]) => n > 0 && overlap(p, q))) doubles++;
      inside.set(p, (inside.get(p) ?? 0) + 1);
    } else {
      inside.set(p, (inside.get(p) ?? 0) - 1);
      sections++;
    }
  }
  return { sections, doubles };
}

function runWorker(
  bundle: string,
  root: string,
  p: string,
  rounds: number,
): Promise<{ held: number; refused: number }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [bundle, root, p, String(rounds), String(PATHS.length)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => {
      if (code !== 0) return reject(new Error(`worker ${p} exited ${code}`));
      const [held, refused] = out.trim().split(' ').map(Number);
      resolve({ held, refused });
    });
  });
}

/** {@link PATHS}.length processes each take their path `rounds` times: 0 double holders, and real contention. */
export async function folderRace(rounds: number): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-folder-race-'));
  const bundle = path.join(out, 'folderRaceWorker.js');
  buildSync({
    entryPoints: [path.resolve(__dirname, '../fixtures/folderRaceWorker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
  const ws = makeWorkspace();
  try {
    assert.equal(fs.existsSync(path.join(ws.root, 'nx')), false, 'the folder does not exist');
    const results = await Promise.all(PATHS.map((p) => runWorker(bundle, ws.root, p, rounds)));
    const r = doubleHolders(fs.readFileSync(path.join(ws.root, 'sections.log'), 'utf8'));
    assert.equal(r.doubles, 0, 'no two overlapping paths held at once');
    const held = results.reduce((n, x) => n + x.held, 0);
    assert.equal(r.sections, held);
    // The race was real: every process got in sometimes and was kept out sometimes.
    for (const [i, x] of results.entries()) {
      assert.ok(x.held > 0, `${PATHS[i]} was never taken`);
      assert.ok(x.refused > 0, `${PATHS[i]} never met a conflict`);
    }
    assert.deepEqual(
      fs.readdirSync(path.join(ws.root, '.locks')).filter((n) => n.endsWith('.lock')),
      [],
      'nothing left behind',
    );
    process.stdout.write(
      `# folder race: ${results.map((x, i) => `${PATHS[i]} held ${x.held}/refused ${x.refused}`).join(', ')}\n`,
    );
  } finally {
    ws.cleanup();
    fs.rmSync(out, { recursive: true, force: true });
  }
}
