// TODO.md updates racing each other and people's shells, across real processes. The unit tier runs each
// scenario small (test/unit/core/orchestrator/todoFile.test.ts), `npm run test:stress` long (todoRaces.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { TODO_FILE } from '../../src/core/orchestrator/todoFile';
import { makeWorkspace } from '../fixtures/workspace';

/** `procs` processes each make `updates` updates, one after another, each holding the TODO.md lock: none lost. */
export async function todoUpdatesAcrossProcesses(procs: number, updates: number): Promise<void> {
  const ws = makeWorkspace({ 'TODO.md': '# Team\n' });
  try {
    const script = [
      "const { LockManager } = require('./src/hot/locks/lockManager');",
      "const { WorkspacePaths } = require('./src/hot/paths/workspacePath');",
      "const { createLogger, nullSink } = require('./src/core/log');",
      "const { updateTodo } = require('./src/core/orchestrator/todoFile');",
      '(async () => {',
      '  const [root, p, n] = process.argv.slice(-3);',
      '  const locks = new LockManager(new WorkspacePaths(root), createLogger(nullSink), { config: { backoffBaseMs: 1, backoffCapMs: 5 } });',
      "  for (let i = 0; i < Number(n); i++) await updateTodo(root, { taskId: `p${p}-${i}`, title: 'x', state: 'queued' }, { locks, agent: `fmes-${p}`, lockWaitMs: 30000 });",
      '})().catch((e) => { console.error(e); process.exit(1); });',
    ].join('\n');
    const cwd = path.resolve(__dirname, '../..');
    const run = (p: number) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, ws.root, String(p), String(updates)], {
          cwd,
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        child.on('error', reject);
        child.on('exit', (code) => resolve(code ?? -1));
      });
    const codes = await Promise.all(Array.from({ length: procs }, (_, p) => run(p)));
    assert.deepEqual(codes, Array(procs).fill(0));
    const text = fs.readFileSync(path.join(ws.root, TODO_FILE), 'utf8');
    assert.ok(text.startsWith('# Team\n'));
    for (let p = 0; p < procs; p++)
      for (let i = 0; i < updates; i++) assert.ok(text.includes(`<!-- fmes:p${p}-${i} -->`), `p${p}-${i}`);
  } finally {
    ws.cleanup();
  }
}

// The promise of the README: a person's `echo … >> TODO.md` is never lost to an F-MES update, not even one that
// opened the file just before F-MES renamed its new version over it (the write then goes to the old inode).
/**
 * `rounds` times: two shells append to TODO.md every 2 ms while 4 processes run 10 mission updates each. Throws
 * on a lost or doubled line; returns a one-line summary.
 */
export async function shellAppendRace(rounds: number): Promise<string> {
  const script = [
    "const { LockManager } = require('./src/hot/locks/lockManager');",
    "const { WorkspacePaths } = require('./src/hot/paths/workspacePath');",
    "const { createLogger, nullSink } = require('./src/core/log');",
    "const { updateTodo } = require('./src/core/orchestrator/todoFile');",
    '(async () => {',
    '  const [root, p] = process.argv.slice(-2);',
    '  const locks = new LockManager(new WorkspacePaths(root), createLogger(nullSink), { config: { backoffBaseMs: 1, backoffCapMs: 5 } });',
    // The path missions take (MissionRunner → updateTodo with the lock), ten tasks at once in each process.
    "  await Promise.all(Array.from({ length: 10 }, (_, i) => updateTodo(root, { taskId: `p${p}-${i}`, title: 'x', state: 'running' }, { locks, agent: `fmes-${p}`, lockWaitMs: 60000 })));",
    '})().catch((e) => { console.error(e); process.exit(1); });',
  ].join('\n');
  const cwd = path.resolve(__dirname, '../..');
  const exitOf = (child: ReturnType<typeof spawn>) =>
    new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? -1));
    });
  let lost = 0;
  let fmesLost = 0;
  let failed = 0;
  let total = 0;
  for (let round = 0; round < rounds; round++) {
    const ws = makeWorkspace({ 'TODO.md': '# Team\n\n- [ ] ship it\n' });
    try {
      // Two people: one appends a line every 2 ms; the other opens the file, takes 2 ms, then writes (a command's
      // output redirected with >>), so that F-MES's rename often falls between the open and the write.
      const shells = [
        ['line', 'echo "line $i" >> TODO.md; sleep 0.002'],
        ['slow', '{ sleep 0.002; echo "slow $i"; } >> TODO.md'],
      ].map(([name, step]) =>
        exitOf(
          spawn('bash', ['-c', `i=0; while [ ! -e .stop ]; do i=$((i+1)); ${step}; done; echo $i > .${name}`], {
            cwd: ws.root,
            stdio: 'ignore',
          }),
        ),
      );
      const codes = await Promise.all(
        [0, 1, 2, 3].map((p) =>
          exitOf(
            spawn(process.execPath, ['--import', 'tsx', '-e', script, ws.root, String(p)], {
              cwd,
              stdio: ['ignore', 'inherit', 'inherit'],
            }),
          ),
        ),
      );
      fs.writeFileSync(path.join(ws.root, '.stop'), '');
      assert.deepEqual(await Promise.all(shells), [0, 0]);
      failed += codes.filter((c) => c !== 0).length;
      const text = fs.readFileSync(path.join(ws.root, TODO_FILE), 'utf8');
      const lines = new Map<string, number>();
      for (const l of text.split('\n')) lines.set(l, (lines.get(l) ?? 0) + 1);
      assert.ok(text.startsWith('# Team\n\n- [ ] ship it\n'));
      for (const name of ['line', 'slow']) {
        const count = Number(fs.readFileSync(path.join(ws.root, `.${name}`), 'utf8'));
        for (let i = 1; i <= count; i++) {
          const n = lines.get(`${name} ${i}`) ?? 0;
          if (n === 0) lost++;
          assert.ok(n <= 1, `${name} ${i} doubled`);
        }
        total += count;
      }
      for (let p = 0; p < 4; p++)
        for (let i = 0; i < 10; i++) if (text.split(`<!-- fmes:p${p}-${i} -->`).length - 1 !== 1) fmesLost++;
    } finally {
      ws.cleanup();
    }
  }
  const summary = `${total} shell lines appended over ${rounds} rounds of 40 updates; ${lost} lost; ${fmesLost} F-MES lines missing; ${failed} processes failed`;
  assert.deepEqual({ lost, fmesLost, failed }, { lost: 0, fmesLost: 0, failed: 0 }, summary);
  return summary;
}
