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
