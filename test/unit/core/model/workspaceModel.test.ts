import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCostLog, parsePlan, parseReport } from '../../../../src/core/artifacts/parseArtifact';
import type { Core } from '../../../../src/core/createCore';
import { costLogFile, localDay } from '../../../../src/core/cost/costLedger';
import { WorkspaceModel } from '../../../../src/core/model/workspaceModel';
import { deadPid, makeWorkspace, testCore, writeLockFile } from '../../../fixtures/workspace';

const PLAN = `---\nid: T-42\ntitle: Rename login\nagent: claude\nfiles: [src/auth/]\nrollback: revert\n---\nBody\n`;
const report = (status: string) =>
  JSON.stringify({
    agent: 'claude',
    taskId: 'T-42',
    status,
    summary: 's',
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt: '2026-11-22T10:05:00.000Z',
    costUsd: 0.3,
  });

describe('WorkspaceModel', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  let state: WorkspaceModel;
  beforeEach(() => {
    ws = makeWorkspace();
    core = testCore(ws.root);
    state = new WorkspaceModel(ws.root, core.locks, { parseCostLog });
  });
  afterEach(() => {
    state.dispose();
    core.dispose();
    ws.cleanup();
  });

  test('load reads locks with staleness and markers from the given folders', () => {
    writeLockFile(ws.root, 'src/a.ts', { agent: 'gemini', intent: 'review' });
    writeLockFile(ws.root, 'README.md', { agent: 'ghost', pid: deadPid() });
    fs.writeFileSync(path.join(ws.root, 'src/auth/.agent_lock'), 'antigravity');
    state.load([path.join(ws.root, 'src/auth')]);
    assert.deepEqual(
      state.lockViews.map((l) => [l.path, l.agent, l.kind, l.staleness.stale]),
      [
        ['README.md', 'ghost', 'lock', true],
        ['src/a.ts', 'gemini', 'lock', false],
        ['src/auth', 'antigravity', 'marker', false],
      ],
    );
  });

  test('blockers: locks at or above a path held by someone else', () => {
    writeLockFile(ws.root, 'src/auth', { agent: 'claude' });
    state.load();
    assert.equal(state.blockersOf('src/auth/x.ts', 'human:ana').length, 1);
    assert.equal(state.blockersOf('src/auth/x.ts', 'claude').length, 0);
    assert.equal(state.blockersOf('src/a.ts', 'human:ana').length, 0);
    assert.equal(state.locksTouching('src').length, 1, 'a folder above a lock is touched');
  });

  test('events keep it current and fire onDidChange', () => {
    let changes = 0;
    state.onDidChange(() => changes++);
    const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'x' });
    assert.ok(r.ok);
    state.apply({
      type: 'lock.acquired',
      file: r.handle.file,
      path: 'src/a.ts',
      record: r.handle.record,
      initial: false,
    });
    assert.equal(state.lockViews.length, 1);
    state.apply({ type: 'lock.released', file: r.handle.file, path: 'src/a.ts', record: r.handle.record });
    assert.equal(state.lockViews.length, 0);
    assert.equal(changes, 2);
  });

  test('a plan is planned, running while its agent holds its files, then done or failed by its report', () => {
    const p = parsePlan(PLAN, 'active_plan.md');
    assert.ok(p.ok);
    state.apply({ type: 'plan.added', file: '/p/active_plan.md', plan: p.value, initial: true });
    assert.equal(state.plans[0].status, 'planned');
    const r = core.locks.tryAcquire('src/auth/x.ts', { agent: 'claude' });
    assert.ok(r.ok);
    state.apply({
      type: 'lock.acquired',
      file: r.handle.file,
      path: r.handle.path,
      record: r.handle.record,
      initial: false,
    });
    assert.equal(state.plans[0].status, 'running');
    const rep = parseReport(report('failure'), 'r.json');
    assert.ok(rep.ok);
    state.apply({ type: 'report.arrived', file: '/o/r.json', report: rep.value, initial: false });
    assert.equal(state.plans[0].status, 'failed');
    assert.equal(state.plans[0].report?.costUsd, 0.3);
  });

  test('agents combine lock holders and today’s cost sessions', () => {
    const file = costLogFile(ws.root, localDay(Date.now()));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({ ts: new Date().toISOString(), agent: 'gemini', sessionId: 'g1', costUsd: 0.4 }) + '\n',
    );
    writeLockFile(ws.root, 'src/a.ts', { agent: 'claude' });
    state.load();
    assert.deepEqual(
      state.agents.map((a) => [a.agent, a.active, a.locks, a.costUsd]),
      [
        ['claude', true, 1, 0],
        ['gemini', false, 0, 0.4],
      ],
    );
    assert.equal(state.costSummary.totalUsd, 0.4);
  });

  test('invalid plans are listed with the problem', () => {
    const p = parsePlan('no front matter', '/p/bad.md');
    assert.ok(!p.ok);
    state.apply({ type: 'plan.invalid', file: '/p/bad.md', error: p.error, initial: true });
    assert.equal(state.plans[0].status, 'invalid');
    assert.match(state.plans[0].problem!, /bad\.md/);
  });
});
