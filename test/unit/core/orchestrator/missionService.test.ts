import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AgentRun } from '../../../../src/core/agents/agentRun';
import type { RunOutcome, RunRequest } from '../../../../src/core/agents/runTypes';
import type { Core } from '../../../../src/core/createCore';
import { Emitter } from '../../../../src/core/event';
import type { MissionService } from '../../../../src/core/orchestrator/missionService';
import { MissionError } from '../../../../src/core/orchestrator/missionTypes';
import { ApprovalStore } from '../../../../src/core/safety/approvals';
import { makeWorkspace, testCore, writeIn } from '../../../fixtures/workspace';
import { git } from '../../../fixtures/git';

// The lifecycle service without agent CLIs: each run is a stand-in that writes the plan's file and succeeds.
// The real CLIs go through the same paths in test/agents/mission.agent.test.ts.

/** An agent run that writes `file` in its checkout and succeeds. */
function fakeRun(request: RunRequest, file: string): AgentRun {
  const events = new Emitter();
  const now = new Date().toISOString();
  fs.mkdirSync(path.dirname(path.join(request.cwd!, file)), { recursive: true });
  fs.writeFileSync(path.join(request.cwd!, file), 'done\n');
  const outcome: RunOutcome = {
    runId: `run-${request.taskId}`,
    agentId: request.agentId ?? request.cli,
    cli: request.cli,
    taskId: request.taskId,
    ok: true,
    reason: 'success',
    message: 'finished',
    sessionId: undefined,
    costUsd: 0,
    turns: 1,
    attempts: 1,
    exitCode: 0,
    resultText: 'done',
    denials: 0,
    pendingApprovals: [],
    transcript: '.fmes/runs/x.jsonl',
    startedAt: now,
    finishedAt: now,
  };
  return {
    onEvent: events.event,
    done: Promise.resolve(outcome),
    stop: () => Promise.resolve(outcome),
  } as unknown as AgentRun;
}

describe('MissionService', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  let missions: MissionService;
  let runs: RunRequest[];

  beforeEach(async () => {
    ws = makeWorkspace({ 'README.md': '#\n', '.gitignore': '.fmes/\n.locks/\n.trees/\n.claude/\n' });
    git(ws.root, 'init', '-q', '-b', 'main');
    git(ws.root, 'add', '.');
    git(ws.root, 'commit', '-q', '-m', 'init');
    core = testCore(ws.root);
    runs = [];
    missions = await core.createMissions({
      startRun: (request) => {
        runs.push(request);
        return Promise.resolve(fakeRun(request, `src/${request.taskId}.txt`));
      },
    });
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });

  const plan = (id: string, risk = 'low') =>
    writeIn(
      ws.root,
      `.antigravity/plans/${id}.md`,
      `---\nid: ${id}\ntitle: Plan ${id}\nfiles: [src/${id}.txt]\nrisk: ${risk}\nrollback: discard\n---\nDo it.\n`,
    );

  test('a decided approval continues the waiting mission once, through the loop', async () => {
    const out = await missions.start(plan('gated', 'high'));
    assert.equal(out.state, 'awaitingApproval');
    assert.equal(runs.length, 0, 'nothing ran before the approval');
    missions.startLoop({ parallel: () => 1 });
    assert.deepEqual(missions.continueDecided(), [], 'still pending: nothing to continue');
    new ApprovalStore(ws.root).decide(out.record.approval!, 'approved', 'human:test');
    assert.deepEqual(
      missions.decided().map((d) => d.record.taskId),
      ['gated'],
    );
    assert.deepEqual(missions.continueDecided(), ['gated']);
    assert.deepEqual(missions.continueDecided(), [], 'one decision continues its mission once');
    await missions.idle();
    const r = missions.read('gated');
    assert.ok(r.ok);
    assert.equal(r.record.state, 'readyToMerge');
    assert.equal(runs.length, 1);
  });

  test('a rejected plan approval continues to refused, naming who rejected it', async () => {
    const out = await missions.start(plan('nope', 'high'));
    new ApprovalStore(ws.root).decide(out.record.approval!, 'rejected', 'human:ops', 'not today');
    missions.startLoop();
    assert.deepEqual(missions.continueDecided(), ['nope']);
    await missions.idle();
    const r = missions.read('nope');
    assert.ok(r.ok);
    assert.equal(r.record.state, 'refused');
    assert.match(r.record.reason ?? '', /rejected by human:ops: not today/);
    assert.equal(runs.length, 0);
  });

  test('retry runs a mission again only where the state table allows it', async () => {
    await assert.rejects(missions.retry('ghost'), (e: unknown) => MissionError.is(e, 'unknownMission'));
    const out = await missions.start(plan('twice'));
    assert.equal(out.state, 'readyToMerge');
    await assert.rejects(
      missions.retry('twice'),
      (e: unknown) =>
        MissionError.is(e, 'badState') && /cannot retry mission twice: it is readyToMerge/.test(e.message),
    );
    await missions.rollBack('twice');
    const again = await missions.retry('twice');
    assert.equal(again?.state, 'readyToMerge');
    assert.equal(runs.length, 2);
  });

  test('the pickers’ candidates come from the state table', async () => {
    await missions.start(plan('ready'));
    await missions.start(plan('gate', 'high'));
    assert.deepEqual(
      missions.candidates('merge').map((r) => r.taskId),
      ['ready'],
    );
    assert.deepEqual(
      missions.candidates('continue').map((r) => r.taskId),
      ['gate'],
    );
    assert.deepEqual(
      missions
        .candidates('discard')
        .map((r) => r.taskId)
        .sort(),
      ['gate', 'ready'],
    );
  });
});
