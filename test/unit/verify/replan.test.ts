import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { planText } from '../../../src/core/verify/replan';
import { type FakeStep, harness } from './missionHarness';

const revised = (id: string) =>
  `Here is the revised plan:\n\`\`\`markdown\n---\nid: ${id}\ntitle: Smaller step\nfiles: [src/]\nrisk: low\nrollback: git revert\n---\nOnly add the function.\n\`\`\`\n`;

test('planText: the fenced plan, or the answer from its front matter on', () => {
  assert.equal(planText(revised('a-r1')).split('\n')[0], '---');
  assert.match(planText(revised('a-r1')), /Only add the function\.\n$/);
  assert.equal(planText('Sure.\n---\nid: x\n---\nbody'), '---\nid: x\n---\nbody\n');
});

async function replanned(
  planner: (n: number) => string,
  succeedIds: string[],
  orchestrator: Record<string, unknown> = {},
) {
  let asked = 0;
  const h = await harness(
    { 'src/a.ts': 'export {};\n' },
    (r): FakeStep => {
      if (r.taskId.endsWith('-replan')) return { resultText: planner(++asked) };
      return succeedIds.includes(r.taskId)
        ? { files: { 'src/a.ts': 'export const a = 1;\n' } }
        : { ok: false, message: `${r.cli} could not do it` };
    },
    { chain: ['claude', 'codex'], ...orchestrator },
  );
  return { h, out: await h.missions.start(h.plan('m')) };
}

test('every agent failed: the planner writes m-r1, which runs as a new mission and succeeds', async () => {
  const { h, out } = await replanned(() => revised('m-r1'), ['m-r1']);
  try {
    assert.equal(out.state, 'handedOff');
    assert.match(out.record.reason ?? '', /re-planned as \.antigravity\/plans\/m-r1\.md/);
    assert.deepEqual(out.record.replans, ['.antigravity/plans/m-r1.md']);
    const planner = h.runs.find((r) => r.taskId === 'm-replan')!;
    assert.equal(planner.cli, 'gemini', 'the default planner');
    assert.match(planner.prompt, /claude@m \(claude\): apiError: claude could not do it/);
    assert.match(planner.prompt, /id: m-r1/);
    const next = h.missions.read('m-r1');
    assert.ok(next.ok);
    assert.equal(next.record.state, 'readyToMerge', next.record.reason);
    assert.equal(next.record.replanOf, 'm');
    assert.ok(fs.existsSync(path.join(h.root, '.antigravity/plans/m-r1.md')));
  } finally {
    h.dispose();
  }
});

test('the re-plan fails too and none is left: its handoff lists every re-plan', async () => {
  const { h } = await replanned((n) => revised(`m-r${n}`), [], { replans: 2 });
  try {
    const last = h.missions.read('m-r2');
    assert.ok(last.ok);
    assert.equal(last.record.state, 'handedOff');
    assert.deepEqual(last.record.replans, ['.antigravity/plans/m-r1.md', '.antigravity/plans/m-r2.md']);
    assert.match(
      last.record.reason ?? '',
      /re-plans tried: \.antigravity\/plans\/m-r1\.md, \.antigravity\/plans\/m-r2\.md/,
    );
    const handoff = fs.readFileSync(path.join(h.root, last.record.handoff!), 'utf8');
    assert.match(handoff, /re-plans tried: .*m-r1\.md.*m-r2\.md/);
    assert.equal(h.runs.filter((r) => r.taskId.endsWith('-replan')).length, 2);
  } finally {
    h.dispose();
  }
});

test('a re-plan that is not a valid plan with the expected id is refused; the mission is handed off', async () => {
  const { h, out } = await replanned(() => revised('something-else'), ['something-else']);
  try {
    assert.equal(out.state, 'handedOff');
    assert.match(out.record.reason ?? '', /no re-plan: replan answer of gemini@m-replan: .*id: must be m-r1/);
    assert.equal(fs.existsSync(path.join(h.root, '.antigravity/plans/m-r1.md')), false);
  } finally {
    h.dispose();
  }
});

test('replans: 0 hands off at once, without asking the planner', async () => {
  const { h, out } = await replanned(() => revised('m-r1'), ['m-r1'], { replans: 0 });
  try {
    assert.equal(out.state, 'handedOff');
    assert.equal(h.runs.filter((r) => r.taskId.endsWith('-replan')).length, 0);
  } finally {
    h.dispose();
  }
});

/** The plan loop fed by the real bus watcher, as `fmes watch --orchestrate` and orchestrator.auto run it. */
async function replannedInLoop(revisedPlan: string) {
  let asked = 0;
  const h = await harness(
    { 'src/a.ts': 'export {};\n' },
    (r): FakeStep => {
      if (r.taskId.endsWith('-replan')) return { resultText: asked++ === 0 ? revisedPlan : 'no' };
      return r.taskId === 'm-r1'
        ? { files: { 'src/a.ts': 'export const a = 1;\n' } }
        : { ok: false, message: `${r.cli} could not do it` };
    },
    { chain: ['claude'] },
  );
  const queued: string[] = [];
  h.missions.onEvent((e) => {
    // Each start puts the record as queued, before any worktree (later it is queued again with one).
    if (e.type === 'state' && e.record.state === 'queued' && !e.record.worktree) queued.push(e.record.taskId);
  });
  const seen: string[] = [];
  const watcher = h.core.createWatcher({ settleMs: 50 });
  watcher.onEvent((e) => {
    if (e.type === 'plan.added' || e.type === 'plan.changed') seen.push(e.plan.meta.id);
    h.missions.handle(e);
  });
  h.missions.startLoop();
  await watcher.start();
  h.plan('m');
  // Until the watcher has reported the re-plan's file and the loop is idle: the echo has been judged.
  for (let i = 0; i < 400 && !seen.includes('m-r1'); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 200));
  await h.missions.idle();
  return { h, queued, seen };
}

test('with the plan loop on, the re-plan runs once: the watcher echo of its file is not a new plan', async () => {
  const { h, queued, seen } = await replannedInLoop(revised('m-r1'));
  try {
    assert.ok(seen.includes('m-r1'), `the watcher saw ${seen.join(', ')}`);
    assert.deepEqual(
      queued.filter((t) => t === 'm-r1'),
      ['m-r1'],
    );
    assert.equal(h.runs.filter((r) => r.taskId === 'm-r1').length, 1);
    const next = h.missions.read('m-r1');
    assert.ok(next.ok && next.record.state === 'readyToMerge', next.ok ? next.record.reason : '');
  } finally {
    h.dispose();
  }
});

test('with the plan loop on, a re-plan that waits for approval is not started again by the echo', async () => {
  const { h, queued } = await replannedInLoop(revised('m-r1').replace('risk: low', 'risk: high'));
  try {
    const next = h.missions.read('m-r1');
    assert.ok(next.ok && next.record.state === 'awaitingApproval', next.ok ? next.record.state : '');
    // awaitingApproval is a state the loop takes up on plan events: only the echo check keeps it at one start.
    assert.deepEqual(
      queued.filter((t) => t === 'm-r1'),
      ['m-r1'],
    );
    assert.equal(fs.readdirSync(path.join(h.root, '.fmes/approvals')).length, 1, 'one approval request');
  } finally {
    h.dispose();
  }
});

test('a person editing the re-plan afterwards is a plan change the loop takes up', async () => {
  const { h, queued, seen } = await replannedInLoop(revised('m-r1').replace('risk: low', 'risk: high'));
  try {
    const file = path.join(h.root, '.antigravity/plans/m-r1.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('risk: high', 'risk: medium'));
    for (let i = 0; i < 400 && seen.filter((s) => s === 'm-r1').length < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 100));
    await h.missions.idle();
    assert.equal(queued.filter((t) => t === 'm-r1').length, 2);
    const next = h.missions.read('m-r1');
    assert.ok(next.ok && next.record.state === 'readyToMerge', next.ok ? next.record.reason : '');
  } finally {
    h.dispose();
  }
});
