import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeHandoff } from '../../../../src/core/artifacts/handoffs';
import { submitReport } from '../../../../src/core/artifacts/outbox';
import { parseCostLog, parsePlan } from '../../../../src/core/artifacts/parseArtifact';
import { costLogFile, localDay } from '../../../../src/core/cost/costLedger';
import type { Core } from '../../../../src/core/createCore';
import {
  buildDashboardState,
  MAX_PLANS,
  MAX_REPORTS,
  TODO_MAX_BYTES,
} from '../../../../src/core/dashboard/dashboardModel';
import { WorkspaceModel } from '../../../../src/core/model/workspaceModel';
import { MissionStore } from '../../../../src/core/orchestrator/missionStore';
import { ApprovalStore } from '../../../../src/core/safety/approvals';
import type { MissionRecordInput } from '../../../../src/core/schemas/mission';
import { missionRecordSchema } from '../../../../src/core/schemas/mission';
import { dashboardStateSchema } from '../../../../src/shared/protocol';
import {
  costRecordObject,
  markdownText,
  minimalPlanMetaObject,
  PLAN_BODY,
  reportObject,
} from '../../../fixtures/artifacts';
import { makeWorkspace, testCore, writeLockFile, writeIn } from '../../../fixtures/workspace';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:05:00.000Z';

function mission(over: Partial<MissionRecordInput>): MissionRecordInput {
  return {
    taskId: 'T-1',
    title: 'Rename login',
    planFile: '.antigravity/plans/T-1.md',
    state: 'queued',
    chain: ['claude'],
    files: ['src/auth/'],
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

describe('buildDashboardState', () => {
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
  const build = () => {
    const s = buildDashboardState({ root: ws.root, live: state, trusted: true, now: Date.parse(T1) });
    // What the host posts must pass the webview's own check.
    const check = dashboardStateSchema.safeParse(s);
    assert.ok(check.success, check.success ? '' : JSON.stringify(check.error.issues));
    return s;
  };
  const write = (rel: string, text: string) => writeIn(ws.root, rel, text);
  /** Writes a plan and hands the live model what the bus watcher would: the parsed plan, or why it is invalid. */
  const plan = (name: string, meta: Record<string, unknown> | string) => {
    const rel = `.antigravity/plans/${name}`;
    const text = typeof meta === 'string' ? meta : markdownText(meta, PLAN_BODY);
    const abs = write(rel, text);
    const r = parsePlan(text, abs);
    state.apply(
      r.ok
        ? { type: 'plan.added', file: abs, plan: r.value, initial: true }
        : { type: 'plan.invalid', file: abs, error: r.error, initial: true },
    );
    return rel;
  };

  test('an empty workspace gives empty sections and no problems', () => {
    const s = build();
    assert.equal(s.todo, undefined);
    assert.deepEqual(
      [s.reports, s.missions, s.plans, s.handoffs, s.approvals, s.agents, s.runs, s.problems],
      [[], [], [], [], [], [], [], []],
    );
    assert.equal(s.cost.totalUsd, 0);
    assert.equal(s.trusted, true);
  });

  test('reports carry status, tests, cost, changed files, a safe summary and the cross-check of their mission', async () => {
    const r = await submitReport(
      ws.root,
      reportObject({ taskId: 'T-1', agent: 'claude', summary: 'Done <img src=x onerror=alert(1)> **bold**' }),
    );
    assert.ok(r.ok);
    const store = new MissionStore(ws.root);
    await store.put(
      missionRecordSchema.parse(
        mission({
          state: 'review',
          report: r.file,
          snapshot: 'refs/fmes/snapshots/T-1',
          branch: 'fmes/T-1',
          costUsd: 0.42,
          crossCheck: {
            changed: ['src/auth/login.ts', 'package.json'],
            undeclared: ['package.json'],
            reportMismatch: ['test/auth/login.test.ts'],
            failedTests: 1,
            ok: false,
          },
        }),
      ),
    );
    const s = build();
    assert.equal(s.reports.length, 1);
    const rep = s.reports[0];
    assert.deepEqual(
      [rep.file, rep.taskId, rep.agent, rep.status, rep.costUsd, rep.tests],
      [r.file, 'T-1', 'claude', 'success', 0.42, { run: 12, passed: 11, failed: 1 }],
    );
    assert.deepEqual(rep.changedFiles, ['src/auth/login.ts', 'test/auth/login.test.ts']);
    assert.deepEqual(rep.errors, ['lint: 1 warning']);
    assert.match(rep.summaryHtml, /Done &lt;img src=x onerror=alert\(1\)&gt; <strong>bold<\/strong>/);
    assert.deepEqual(rep.warnings, [
      'changed files the plan did not declare: package.json',
      'the report and the branch disagree on: test/auth/login.test.ts',
      '1 test failed',
    ]);
    const m = s.missions[0];
    assert.deepEqual(
      [m.taskId, m.state, m.mergePrompt, m.canRollBack, m.open, m.branch, m.report],
      ['T-1', 'review', true, true, true, 'fmes/T-1', r.file],
    );
  });

  test('the merge prompt is shown for readyToMerge, review and conflicted only; Roll Back needs a snapshot and an open mission', async () => {
    const store = new MissionStore(ws.root);
    const states = ['queued', 'running', 'readyToMerge', 'review', 'conflicted', 'merged', 'discarded'] as const;
    for (const [i, st] of states.entries()) {
      await store.put(
        missionRecordSchema.parse(
          mission({
            taskId: `T-${i}`,
            state: st,
            snapshot: 'refs/fmes/snapshots/x',
            conflicts: st === 'conflicted' ? ['src/a.ts'] : undefined,
            predictedConflicts: ['src/b.ts'],
          }),
        ),
      );
    }
    const s = build();
    const byState = Object.fromEntries(s.missions.map((m) => [m.state, m]));
    assert.deepEqual(
      states.filter((st) => byState[st].mergePrompt),
      ['readyToMerge', 'review', 'conflicted'],
    );
    // Roll Back where the state table allows it (missionTable.ts), never where the service would refuse it.
    assert.deepEqual(
      states.filter((st) => byState[st].canRollBack),
      ['running', 'readyToMerge', 'review'],
    );
    assert.deepEqual(byState.conflicted.conflicts, ['src/a.ts']);
    assert.deepEqual(byState.queued.predictedConflicts, ['src/b.ts']);
  });

  test('invalid files become problem rows naming the file and the field, beside the valid ones', async () => {
    write('.fmes/missions/T-bad.json', JSON.stringify({ ...mission({ taskId: 'T-bad' }), state: 'exploded' }));
    write('.fmes/missions/T-broken.json', '{ not json');
    write('.claude/outbox/bad.json', JSON.stringify(reportObject({ status: 'great' })));
    write('.fmes/approvals/zzzzzzzz.json', JSON.stringify({ version: 1, id: 'zzzzzzzz' }));
    write('HANDOFF_REPORT.md', '---\ntaskId: T-9\nstatus: needs-human\n---\nbody\n');
    await new MissionStore(ws.root).put(missionRecordSchema.parse(mission({ taskId: 'T-ok' })));
    const s = build();
    const by = (file: string) => s.problems.filter((p) => p.file === file);
    assert.deepEqual(
      by('.fmes/missions/T-bad.json').map((p) => p.field),
      ['state'],
    );
    assert.match(by('.fmes/missions/T-broken.json')[0].message, /not JSON/);
    assert.deepEqual(
      by('.claude/outbox/bad.json').map((p) => p.field),
      ['status'],
    );
    assert.equal(by('.fmes/approvals/zzzzzzzz.json').length, 1);
    assert.deepEqual(
      by('HANDOFF_REPORT.md')
        .map((p) => p.field)
        .sort(),
      ['attempts', 'createdAt', 'reason'],
    );
    assert.deepEqual(
      s.missions.map((m) => m.taskId),
      ['T-ok'],
    );
    assert.deepEqual([s.reports, s.handoffs, s.approvals], [[], [], []]);
  });

  test('plans without a mission, or whose mission a new start accepts, are listed with Start Mission; the others are not', async () => {
    const store = new MissionStore(ws.root);
    const file = plan(
      'T-1.md',
      minimalPlanMetaObject({
        id: 'T-1',
        title: 'Fix typo',
        agent: 'claude',
        risk: 'low',
        files: ['README.md', 'src/a.ts'],
      }),
    );
    plan('T-2.md', minimalPlanMetaObject({ id: 'T-2' }));
    plan('T-3.md', minimalPlanMetaObject({ id: 'T-3' }));
    plan('T-4.md', minimalPlanMetaObject({ id: 'T-4' }));
    await store.put(
      missionRecordSchema.parse(
        mission({ taskId: 'T-2', planFile: '.antigravity/plans/T-2.md', state: 'readyToMerge' }),
      ),
    );
    await store.put(
      missionRecordSchema.parse(
        mission({
          taskId: 'T-3',
          planFile: '.antigravity/plans/T-3.md',
          state: 'refused',
          reason: 'its files are locked',
        }),
      ),
    );
    await store.put(
      missionRecordSchema.parse(mission({ taskId: 'T-4', planFile: '.antigravity/plans/T-4.md', state: 'merged' })),
    );
    const s = build();
    assert.deepEqual(s.plans, [
      {
        file,
        id: 'T-1',
        title: 'Fix typo',
        agent: 'claude',
        risk: 'low',
        files: ['README.md', 'src/a.ts'],
        missionState: undefined,
      },
      {
        file: '.antigravity/plans/T-3.md',
        id: 'T-3',
        title: 'Fix typo',
        agent: 'auto',
        risk: 'medium',
        files: ['README.md'],
        missionState: 'refused',
      },
    ]);
    assert.deepEqual(s.problems, []);
  });

  test('every state a new start accepts lists the plan, every other hides it', async () => {
    const store = new MissionStore(ws.root);
    const states = [
      'queued',
      'waiting',
      'awaitingApproval',
      'running',
      'review',
      'readyToMerge',
      'conflicted',
      'merged',
      'discarded',
      'rolledBack',
      'handedOff',
      'refused',
    ] as const;
    for (const st of states) {
      plan(`P-${st}.md`, minimalPlanMetaObject({ id: `P-${st}` }));
      await store.put(
        missionRecordSchema.parse(mission({ taskId: `P-${st}`, planFile: `.antigravity/plans/P-${st}.md`, state: st })),
      );
    }
    const listed = build()
      .plans.map((p) => p.missionState)
      .sort();
    assert.deepEqual(listed, [
      'awaitingApproval',
      'discarded',
      'handedOff',
      'queued',
      'refused',
      'rolledBack',
      'waiting',
    ]);
  });

  test('the mission state pushed into the live model counts when no record file says otherwise', () => {
    plan('T-5.md', minimalPlanMetaObject({ id: 'T-5' }));
    plan('T-6.md', minimalPlanMetaObject({ id: 'T-6' }));
    state.setMissionRecords([
      { taskId: 'T-5', state: 'running', costUsd: 0 },
      { taskId: 'T-6', state: 'handedOff', costUsd: 0.2 },
    ]);
    assert.deepEqual(
      build().plans.map((p) => [p.id, p.missionState]),
      [['T-6', 'handedOff']],
    );
  });

  test('an invalid plan is not offered but becomes a problem row per field; a valid one beside it is', (t) => {
    plan('T-bad.md', { id: 'T-bad', title: 'x', files: [], risk: 'extreme', rollback: 'revert' });
    plan('T-broken.md', '---\nid: [unclosed\n---\nbody\n');
    plan('T-ok.md', minimalPlanMetaObject({ id: 'T-ok' }));
    const s = build();
    assert.deepEqual(
      s.plans.map((p) => p.id),
      ['T-ok'],
    );
    assert.deepEqual(
      s.problems
        .filter((p) => p.file === '.antigravity/plans/T-bad.md')
        .map((p) => p.field)
        .sort(),
      ['files', 'risk'],
    );
    const broken = s.problems.filter((p) => p.file === '.antigravity/plans/T-broken.md');
    assert.equal(broken.length, 1);
    assert.match(broken[0].message, /\S/);
    t.diagnostic(`unparsable plan: ${JSON.stringify(broken[0])}`);
  });

  test(`at most ${MAX_PLANS} plans are listed, lowest ids first`, () => {
    for (let i = MAX_PLANS + 4; i >= 0; i--)
      plan(`T-${String(i).padStart(3, '0')}.md`, minimalPlanMetaObject({ id: `T-${String(i).padStart(3, '0')}` }));
    const ids = build().plans.map((p) => p.id);
    assert.equal(ids.length, MAX_PLANS);
    assert.equal(ids[0], 'T-000');
    assert.equal(ids.at(-1), `T-${String(MAX_PLANS - 1).padStart(3, '0')}`);
  });

  test('TODO.md is rendered without raw HTML and cut past its limit', () => {
    write('TODO.md', '# Tasks\n\n- [ ] <script>window.x=1</script> fix [login](src/auth/x.ts)\n');
    let s = build();
    assert.equal(s.todo?.file, 'TODO.md');
    assert.equal(s.todo?.truncated, false);
    assert.match(s.todo.html, /<h1>Tasks<\/h1>/);
    assert.match(s.todo.html, /&lt;script&gt;window\.x=1&lt;\/script&gt;/);
    assert.match(s.todo.html, /data-file="src\/auth\/x\.ts"/);
    write('TODO.md', `# Big\n\n${'word '.repeat(TODO_MAX_BYTES / 4)}`);
    s = build();
    assert.equal(s.todo?.truncated, true);
    assert.ok(s.todo.html.length < TODO_MAX_BYTES * 1.1);
  });

  test('handoffs, pending approvals only, agents with locks and today’s cost', async () => {
    const h = await writeHandoff(ws.root, {
      taskId: 'T-7',
      agent: 'claude',
      reason: 'tests keep failing',
      attempts: 3,
      costUsd: 1.5,
    });
    assert.ok(h.ok);
    const approvals = new ApprovalStore(ws.root);
    const pending = approvals.request({
      agent: 'claude',
      tool: 'Bash',
      summary: 'rm -rf build',
      reason: 'destructive',
      toolInput: { command: 'rm -rf build' },
    });
    const decided = approvals.request({
      agent: 'claude',
      tool: 'Bash',
      summary: 'git push',
      reason: 'remote',
      toolInput: { command: 'git push' },
    });
    approvals.decide(decided.id, 'rejected', 'human:ann');
    writeLockFile(ws.root, 'src/a.ts', { agent: 'gemini' });
    const day = localDay(Date.now());
    fs.mkdirSync(path.dirname(costLogFile(ws.root, day)), { recursive: true });
    fs.writeFileSync(
      costLogFile(ws.root, day),
      `${JSON.stringify(costRecordObject({ ts: new Date().toISOString(), agent: 'claude', costUsd: 0.75 }))}\nnot json\n`,
    );
    state.load();
    const s = build();
    assert.deepEqual(
      s.handoffs.map((x) => [x.file, x.taskId, x.status, x.attempts, x.costUsd]),
      [['HANDOFF_REPORT.md', 'T-7', 'needs-human', 3, 1.5]],
    );
    assert.deepEqual(
      s.approvals.map((a) => [a.id, a.tool, a.summary, a.status]),
      [[pending.id, 'Bash', 'rm -rf build', 'pending']],
    );
    assert.deepEqual(
      s.agents.map((a) => [a.agent, a.active, a.locks, a.costUsd]),
      [
        ['gemini', true, 1, 0],
        ['claude', false, 0, 0.75],
      ],
    );
    assert.equal(s.cost.totalUsd, 0.75);
    assert.deepEqual(
      s.problems.map((p) => [p.file, p.field]),
      [[`.claude/cost_logs/${day}.jsonl`, 'line 2']],
    );
  });

  test(`only the ${MAX_REPORTS} most recently written reports are read`, async () => {
    for (let i = 0; i < MAX_REPORTS + 3; i++) {
      const file = path.join(ws.root, '.claude/outbox', `r${i}.json`);
      write(`.claude/outbox/r${i}.json`, JSON.stringify(reportObject({ taskId: `T-${i}` })));
      const t = new Date(Date.parse(T0) + i * 1000);
      fs.utimesSync(file, t, t);
    }
    const s = build();
    assert.equal(s.reports.length, MAX_REPORTS);
    assert.ok(!s.reports.some((r) => ['T-0', 'T-1', 'T-2'].includes(r.taskId)));
  });
});
