import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, nullSink } from '../../../../src/core/log';
import { crossCheckStep } from '../../../../src/core/orchestrator/postRun/crossCheckStep';
import type { PostRunContext, PostRunStep } from '../../../../src/core/orchestrator/postRun/postRunStep';
import { POST_RUN_STEPS, runPostRunSteps } from '../../../../src/core/orchestrator/postRun/postRunSteps';
import type { MissionRecord } from '../../../../src/core/schemas/mission';
import type { Plan } from '../../../../src/core/schemas/plan';
import type { Report } from '../../../../src/core/schemas/report';

function ctx(o: { changed?: string[]; status?: Report['status']; problems?: string[] } = {}): PostRunContext {
  const plan = { meta: { id: 'T', title: 'T', files: ['src/'] }, body: '' } as unknown as Plan;
  const report = {
    agent: 'claude@T',
    taskId: 'T',
    status: o.status ?? 'success',
    summary: 's',
    changedFiles: o.changed ?? ['src/a.ts'],
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
  } as Report;
  return {
    root: '/nowhere',
    plan,
    record: { taskId: 'T', state: 'running' } as MissionRecord,
    cwd: '/nowhere',
    collected: { report, file: '.claude/outbox/r.json', byFmes: true, problems: o.problems ?? [] },
    changed: o.changed ?? ['src/a.ts'],
    log: createLogger(nullSink, 'test'),
    note: () => undefined,
  };
}

test('the post-run steps, in order: report problems, cross-check, rules, visual proof, review, merge prediction', () => {
  assert.deepEqual(
    POST_RUN_STEPS.map((s) => s.name),
    ['report problems', 'cross-check', 'rules', 'visual proof', 'review', 'merge prediction'],
  );
});

test('ready to merge when no step holds; the reasons still say what each step found, in step order', async () => {
  const v = await runPostRunSteps(ctx({ problems: ['two reports'] }));
  assert.equal(v.state, 'readyToMerge');
  assert.equal(v.change.reason, 'two reports');
  assert.equal(v.change.report, '.claude/outbox/r.json');
  assert.equal(v.change.crossCheck?.ok, true);
  assert.ok('predictedConflicts' in v.change, 'an in-place mission clears an earlier prediction');
});

test('undeclared changes or a report that is not a success hold the mission for review', async () => {
  const v = await runPostRunSteps(ctx({ changed: ['src/a.ts', 'other/b.ts'], status: 'partial' }));
  assert.equal(v.state, 'review');
  assert.equal(v.change.reason, 'undeclared changes: other/b.ts; the report says partial');
});

test('a new step is one more entry: its hold and its reason join the others', async () => {
  const audit: PostRunStep = {
    name: 'rule audit',
    run: () => ({ reasons: ['rule X broken'], hold: true, patch: { blockedBy: ['rule X'] } }),
  };
  const v = await runPostRunSteps(ctx(), [crossCheckStep, audit]);
  assert.equal(v.state, 'review');
  assert.equal(v.change.reason, 'rule X broken');
  assert.deepEqual(v.change.blockedBy, ['rule X']);
});
