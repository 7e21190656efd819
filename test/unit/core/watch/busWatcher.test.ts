import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Core } from '../../../../src/core/createCore';
import type { BusEvent, BusEventType } from '../../../../src/core/watch/busEvents';
import type { BusWatcher } from '../../../../src/core/watch/busWatcher';
import { writeFileAtomicSync } from '../../../../src/core/fs/atomicWrite';
import { makeWorkspace, testCore, writeLockFile } from '../../../fixtures/workspace';

const REPORT = JSON.stringify({
  agent: 'claude',
  taskId: 'T-1',
  status: 'success',
  summary: 'done',
  startedAt: '2026-11-22T10:00:00.000Z',
  finishedAt: '2026-11-22T10:05:00.000Z',
});
const PLAN = (title: string) =>
  `---\nid: T-1\ntitle: ${title}\nfiles: [src/a.ts]\nrollback: git revert\n---\n\n# Plan\nDo it.\n`;

/** Collects events and lets a test wait for the next one of a type. */
class Recorder {
  readonly events: BusEvent[] = [];
  private waiters: { type: BusEventType; resolve: (e: BusEvent) => void; from: number }[] = [];
  constructor(w: BusWatcher) {
    w.onEvent((e) => {
      this.events.push(e);
      for (const wt of [...this.waiters]) {
        const found = this.events.slice(wt.from).find((x) => x.type === wt.type);
        if (found) {
          this.waiters.splice(this.waiters.indexOf(wt), 1);
          wt.resolve(found);
        }
      }
    });
  }
  /** The first event of `type` at or after index `from` (default: events from now on). */
  next<T extends BusEventType>(
    type: T,
    from = this.events.length,
    timeoutMs = 5000,
  ): Promise<Extract<BusEvent, { type: T }>> {
    const found = this.events.slice(from).find((x) => x.type === type);
    if (found) return Promise.resolve(found as Extract<BusEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no ${type} within ${timeoutMs} ms; saw ${this.events.map((e) => e.type).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({
        type,
        from,
        resolve: (e) => (clearTimeout(t), resolve(e as Extract<BusEvent, { type: T }>)),
      });
    });
  }
  types(): string[] {
    return this.events.map((e) => e.type);
  }
}

describe('BusWatcher', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  beforeEach(() => {
    ws = makeWorkspace();
    core = testCore(ws.root);
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });

  async function started(settleMs = 300): Promise<Recorder> {
    const w = core.createWatcher({ settleMs });
    const rec = new Recorder(w);
    await w.start();
    return rec;
  }

  test('reports locks that exist at start as initial, then ready', async () => {
    writeLockFile(ws.root, 'src/a.ts', { agent: 'gemini' });
    const rec = await started();
    const first = await rec.next('lock.acquired', 0);
    assert.equal(first.initial, true);
    assert.equal(first.record.agent, 'gemini');
    assert.ok(rec.types().indexOf('ready') > rec.types().indexOf('lock.acquired'));
  });

  test('acquire, renew, release and break arrive as typed events', async () => {
    const rec = await started();
    const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude', pid: null, ttlMs: 60_000 });
    assert.ok(r.ok);
    const acq = await rec.next('lock.acquired');
    assert.equal(acq.path, 'src/a.ts');
    assert.equal(acq.initial, false);
    const from = rec.events.length;
    r.handle.renew(120_000);
    await rec.next('lock.renewed', from);
    r.handle.release();
    const rel = await rec.next('lock.released');
    assert.equal(rel.record?.agent, 'claude');

    const again = core.locks.tryAcquire('src/a.ts', { agent: 'gemini' });
    assert.ok(again.ok);
    await rec.next('lock.acquired');
    core.locks.forceBreak('src/a.ts', { by: 'human:ana', reason: 'test' });
    const br = await rec.next('lock.broken');
    assert.equal(br.record?.agent, 'gemini');
    assert.ok(!rec.types().includes('lock.invalid'));
  });

  test('a half-written lock file is retried, not reported invalid', async () => {
    const rec = await started(400);
    const file = path.join(ws.root, '.locks', 'src%2Fa.ts.lock');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, ''); // created, JSON not written yet
    await new Promise((r) => setTimeout(r, 120));
    fs.unlinkSync(file);
    writeLockFile(ws.root, 'src/a.ts', { agent: 'slow-writer' });
    const acq = await rec.next('lock.acquired');
    assert.equal(acq.record.agent, 'slow-writer');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!rec.types().includes('lock.invalid'), rec.types().join(','));
  });

  test('a lock file that stays invalid is reported once it settles, naming the file and field', async () => {
    const rec = await started(200);
    const file = path.join(ws.root, '.locks', 'src%2Fa.ts.lock');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ version: 1, path: 'src/a.ts' }));
    const inv = await rec.next('lock.invalid');
    assert.equal(inv.file, file);
    assert.equal(inv.path, 'src/a.ts');
    assert.ok(inv.issues.some((i) => i.field === 'agent'));
  });

  test('reports arrive, and invalid ones name the field', async () => {
    const rec = await started(200);
    writeFileAtomicSync(path.join(ws.root, '.claude/outbox/report.json'), REPORT);
    const ok = await rec.next('report.arrived');
    assert.equal(ok.report.taskId, 'T-1');
    writeFileAtomicSync(path.join(ws.root, '.claude/outbox/bad.json'), JSON.stringify({ agent: 'claude' }));
    const bad = await rec.next('report.invalid');
    assert.match(bad.error.message, /bad\.json: taskId/);
  });

  test('plans: added, changed, removed; folders created after start are picked up', async () => {
    const rec = await started(200);
    const file = path.join(ws.root, '.antigravity/plans/active_plan.md');
    writeFileAtomicSync(file, PLAN('First'));
    const added = await rec.next('plan.added');
    assert.equal(added.plan.meta.title, 'First');
    writeFileAtomicSync(file, PLAN('Second'));
    const changed = await rec.next('plan.changed');
    assert.equal(changed.plan.meta.title, 'Second');
    fs.unlinkSync(file);
    await rec.next('plan.removed');
  });

  test('nothing outside the bus folders is reported', async () => {
    const rec = await started(200);
    fs.writeFileSync(path.join(ws.root, 'src/new.ts'), 'x');
    fs.mkdirSync(path.join(ws.root, '.claude/outbox/processed'), { recursive: true });
    fs.writeFileSync(path.join(ws.root, '.claude/outbox/processed/old.json'), REPORT);
    fs.mkdirSync(path.join(ws.root, '.locks'), { recursive: true });
    fs.writeFileSync(path.join(ws.root, '.locks/notes.txt'), 'x');
    writeLockFile(ws.root, 'README.md');
    await rec.next('lock.acquired');
    assert.deepEqual(
      rec.types().filter((t) => t !== 'ready'),
      ['lock.acquired'],
    );
  });
});

describe('BusWatcher reconciliation', () => {
  test('state converges on the disk even when a native event is missed', async () => {
    const ws = makeWorkspace();
    const core = testCore(ws.root);
    try {
      const w = core.createWatcher({ settleMs: 100, reconcileMs: 200 });
      const rec = new Recorder(w);
      await w.start();
      const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
      assert.ok(r.ok);
      await rec.next('lock.acquired');
      // Remove it behind the watcher's back, then wait for a reconciliation round.
      const count = rec.events.length;
      r.handle.release();
      await rec.next('lock.released', count);
      await new Promise((res) => setTimeout(res, 600));
      assert.equal(rec.events.filter((e) => e.type === 'lock.released').length, 1, 'reported once, not once per round');
      assert.equal(rec.events.filter((e) => e.type === 'lock.acquired').length, 1, 'reconciling re-reports nothing');
    } finally {
      core.dispose();
      ws.cleanup();
    }
  });
});

describe('BusWatcher and refused attempts', () => {
  test('an attempt that conflicts and is withdrawn is never reported as held', async () => {
    const ws = makeWorkspace();
    const core = testCore(ws.root);
    try {
      const w = core.createWatcher({ settleMs: 100 });
      const rec = new Recorder(w);
      await w.start();
      assert.ok(core.locks.tryAcquire('src', { agent: 'claude' }).ok);
      await rec.next('lock.acquired');
      for (let i = 0; i < 20; i++) assert.ok(!core.locks.tryAcquire('src/a.ts', { agent: 'gemini' }).ok);
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(
        rec.events.filter((e) => e.type.startsWith('lock.')).map((e) => `${e.type} ${(e as { path?: string }).path}`),
        ['lock.acquired src'],
      );
    } finally {
      core.dispose();
      ws.cleanup();
    }
  });
});
