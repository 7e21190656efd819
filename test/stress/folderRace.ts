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

function bundleOf(worker: string, out: string): string {
  const bundle = path.join(out, `${worker}.js`);
  buildSync({
    entryPoints: [path.resolve(__dirname, `../fixtures/${worker}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
  return bundle;
}

function runWorker(
  bundle: string,
  root: string,
  p: string,
  rounds: number,
): Promise<{ held: number; refused: number }> {
  return spawnWorker(bundle, [root, p, String(rounds), String(PATHS.length)], p).then((out) => {
    const [held, refused] = out.trim().split(' ').map(Number);
    return { held, refused };
  });
}

function spawnWorker(bundle: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [bundle, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker ${what} exited ${code}`))));
  });
}

/** {@link PATHS}.length processes each take their path `rounds` times: 0 double holders, and real contention. */
export async function folderRace(rounds: number): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-folder-race-'));
  const bundle = bundleOf('folderRaceWorker', out);
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

/** The workers of {@link turnLoopRace}: three loops on one file, one on its folder, one on a file beside it. */
export const TURN_LOOPS = [
  { path: 'src/a.ts', agent: 'loop-a1' },
  { path: 'src/a.ts', agent: 'loop-a2' },
  { path: 'src/a.ts', agent: 'loop-a3' },
  { path: 'src', agent: 'loop-folder' },
  { path: 'src/b.ts', agent: 'loop-b' },
];

/**
 * {@link TURN_LOOPS} processes each loop acquire (waiting in line) → section → release `cycles` times, mostly
 * without yielding, so that turns and the releases kept for them (keptReleases.ts) race with each other and with
 * a folder lock: 0 double holders, every section done, nothing left behind.
 */
export async function turnLoopRace(cycles: number): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-turn-race-'));
  const bundle = bundleOf('turnLoopWorker', out);
  const ws = makeWorkspace({ 'src/a.ts': 'a', 'src/b.ts': 'b' });
  try {
    const retaken = await Promise.all(
      TURN_LOOPS.map((w) =>
        spawnWorker(bundle, [ws.root, w.path, w.agent, String(cycles), String(TURN_LOOPS.length)], w.agent).then(
          Number,
        ),
      ),
    );
    process.stdout.write(`# turn loops: cycles that took back a kept lock: ${retaken.join(', ')} of ${cycles} each\n`);
    // The race was real: loops took kept locks back, and also got fresh ones (turns ended, the folder came in).
    const total = retaken.reduce((a, b) => a + b, 0);
    assert.ok(total > 0 && total < cycles * TURN_LOOPS.length, `kept locks taken back: ${total}`);
    const r = doubleHolders(fs.readFileSync(path.join(ws.root, 'sections.log'), 'utf8'));
    assert.equal(r.doubles, 0, 'no two overlapping paths held at once');
    assert.equal(r.sections, cycles * TURN_LOOPS.length);
    const locks = path.join(ws.root, '.locks');
    assert.deepEqual(
      fs.readdirSync(locks).filter((n) => n.endsWith('.lock')),
      [],
      'nothing left behind',
    );
    assert.deepEqual(fs.readdirSync(path.join(locks, '.spares')), [], 'no spare left behind');
  } finally {
    ws.cleanup();
    fs.rmSync(out, { recursive: true, force: true });
  }
}
