import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { killTree, processTree } from '../../../../src/core/proc/processTree';

function alive(pid: number): boolean {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(st);
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('killTree', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  it('kills the group, a grandchild that left it with setsid, and one that ignores SIGTERM', async () => {
    const marker = `fmes-tree-${process.pid}-${Date.now()}`;
    // sh → (sleep in group) + (setsid sleep: own session) + (a shell that traps TERM). The trapping shell says
    // ready once its trap is set: a SIGTERM before that killed it, and the test then failed under load.
    const script = `sleep 300 & setsid sleep 301 & sh -c 'trap "" TERM; echo ready; while :; do sleep 0.05; done' & wait # ${marker}`;
    const child = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    await waitFor(() => processTree(child.pid!).length >= 4);
    const tree = processTree(child.pid!);
    const r = await killTree(child.pid!, { graceMs: 300 });
    assert.equal(r.survivors, 0);
    assert.ok(r.forced >= 1, 'the TERM-ignoring shell needed SIGKILL');
    await waitFor(() => tree.every((p) => !alive(p.pid)), 3000);
  });

  it('with an environment marker, also kills a process of the run that is in no snapshot (started while stopping)', async () => {
    const marker = `FMES_RUN_ID=tree-${process.pid}-${Date.now()}`;
    const [name, value] = marker.split('=');
    const root = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { ...process.env, [name]: value } });
    // Not a descendant of root: stands for a hook the CLI spawned after the tree was collected, then orphaned.
    const stray = spawn('sleep', ['301'], { detached: true, stdio: 'ignore', env: { ...process.env, [name]: value } });
    const bystander = spawn('sleep', ['302'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [name]: `${value}-other` },
    });
    try {
      await waitFor(() => alive(root.pid!) && alive(stray.pid!) && alive(bystander.pid!));
      const r = await killTree(root.pid!, { graceMs: 300, envMarker: marker });
      assert.equal(r.survivors, 0);
      await waitFor(() => !alive(stray.pid!), 3000);
      assert.ok(alive(bystander.pid!), 'a process of another run is left alone');
    } finally {
      for (const c of [root, stray, bystander]) c.kill('SIGKILL');
    }
  });
});
