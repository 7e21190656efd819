import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { handoffState } from '../../../../src/core/orchestrator/handoffState';
import { missionRecordSchema, type MissionRecord, type MissionRecordInput } from '../../../../src/core/schemas/mission';
import { writeHandoff } from '../../../../src/core/artifacts/handoffs';
import { parseHandoff } from '../../../../src/core/artifacts/parseArtifact';
import { makeWorkspace } from '../../../fixtures/workspace';
import * as fs from 'node:fs';
import * as path from 'node:path';

const AT = '2025-03-01T10:00:00.000Z';

function record(over: Partial<MissionRecordInput> = {}): MissionRecord {
  return missionRecordSchema.parse({
    taskId: 'fix-login',
    title: 'Fix the login redirect',
    planFile: '.antigravity/plans/fix-login.md',
    state: 'handedOff',
    chain: ['claude', 'gemini'],
    files: ['src/auth/'],
    createdAt: AT,
    updatedAt: AT,
    ...over,
  });
}

const attempt = (agent: string, ok: boolean, reason: string, message: string, costUsd = 0.1234, turns = 3) => ({
  agent,
  cli: agent,
  runId: `r-${agent}`,
  ok,
  reason,
  message,
  costUsd,
  turns,
  startedAt: AT,
  finishedAt: AT,
});

test('a full record: every part a person needs, in order', () => {
  const rec = record({
    taskType: 'bugfix',
    complexity: 'small',
    reason: 'every agent failed',
    worktree: '.trees/fix-login',
    branch: 'fmes/fix-login',
    baseCommit: '0123456789abcdef0123',
    snapshot: 'refs/fmes/snapshots/fix-login',
    attempts: [
      attempt('claude', false, 'maxTurns', 'stopped after 30 turns'),
      attempt('gemini', false, 'apiError', 'HTTP 429\nquota exceeded', 0, 1),
    ],
    crossCheck: {
      changed: ['src/auth/a.ts', 'package.json'],
      undeclared: ['package.json'],
      reportMismatch: ['src/auth/b.ts'],
      failedTests: 2,
      ok: false,
    },
    costUsd: 0.1234,
  });
  const md = handoffState(rec, {
    diffStat: ' src/auth/a.ts | 4 ++--\n 1 file changed\n',
    errors: ['claude: maxTurns', 'claude: maxTurns', 'gemini: apiError'],
  });
  const expectIn = [
    '- Plan: `.antigravity/plans/fix-login.md`, Fix the login redirect (task `fix-login`, bugfix, small)',
    '- State: handedOff: every agent failed',
    '- Agents: claude → gemini',
    '- Declared files: `src/auth/`',
    '- Total cost: $0.1234 over 2 attempts',
    '- Worktree: `.trees/fix-login` on branch `fmes/fix-login` from `0123456789ab`',
    '- Snapshot for Roll Back: `refs/fmes/snapshots/fix-login`',
    '### Attempts',
    '1. claude: failed, maxTurns, $0.1234, 3 turns: stopped after 30 turns',
    '2. gemini: failed, apiError, $0.00, 1 turn: HTTP 429 quota exceeded',
    '### Errors\n\n- claude: maxTurns\n- gemini: apiError\n\n',
    "- Undeclared (outside the plan's files): `package.json`",
    '- Report and branch disagree on: `src/auth/b.ts`',
    '- Failed tests (per the report): 2',
    '### Changes\n\n```\n src/auth/a.ts | 4 ++--\n 1 file changed\n```',
    '### Next',
    'Check the undeclared changes in `.trees/fix-login`',
    'the report says 2 failed',
    'A run hit its limits',
    "An agent's API failed",
    '`git diff 0123456789ab...fmes/fix-login`',
  ];
  let from = 0;
  for (const s of expectIn) {
    const at = md.indexOf(s, from);
    assert.ok(at >= 0, `missing or out of order: ${s}\n---\n${md}`);
    from = at;
  }
  assert.ok(!md.includes('Every agent failed'), 'limits and API errors are named instead');
  assert.ok(!/^## /m.test(md), "no level-2 headings: it goes under the handoff's ## State");
});

test('a bare record: no agent ran, no diff', () => {
  const md = handoffState(
    record({ state: 'refused', reason: 'overlaps: src/auth held by codex', blockedBy: ['codex'] }),
    {},
  );
  assert.match(md, /No agent ran\./);
  assert.match(md, /No diff summary\./);
  assert.match(md, /It waits on `codex`/);
  assert.ok(!md.includes('### Errors'));
  assert.ok(!md.includes('### Cross-check'));
  assert.ok(!md.includes('Worktree:'));
});

test('plain failures point to the transcripts; approvals and conflicts are named', () => {
  const md = handoffState(
    record({
      attempts: [attempt('claude', false, 'failed', 'gave up')],
      approval: 'appr-1',
      conflicts: ['src/auth/a.ts'],
    }),
    {},
  );
  assert.match(md, /Every agent failed: .*`\.fmes\/runs\/`/);
  assert.match(md, /Review the approval request `appr-1`/);
  assert.match(md, /Resolve the merge conflicts in `src\/auth\/a\.ts`/);
});

test('hostile text cannot break the markdown: backticks, fences, newlines, huge messages', () => {
  const md = handoffState(
    record({ title: 'a `b` c', attempts: [attempt('claude', false, 'failed', 'x'.repeat(5000))] }),
    { diffStat: 'has ``` fence\n', errors: Array.from({ length: 30 }, (_, i) => `e${i}\n\nsecond line`) },
  );
  assert.ok(md.includes('````\nhas ``` fence\n````'));
  assert.ok(md.includes('x'.repeat(299) + '…') && !md.includes('x'.repeat(300)));
  assert.ok(md.includes('- … and 10 more'));
  assert.ok(md.includes('- e0 second line'));
});

test('property: the text always fits a handoff that validates and reads back', async (t) => {
  const ws = makeWorkspace({});
  t.after(ws.cleanup);
  const texts = fc.string({ unit: 'grapheme', maxLength: 60 });
  await fc.assert(
    fc.asyncProperty(
      texts,
      fc.array(texts, { maxLength: 4 }),
      fc.option(texts, { nil: undefined }),
      async (message, errors, diffStat) => {
        const rec = record({ attempts: [attempt('claude', false, 'failed', message)] });
        const state = handoffState(rec, { diffStat, errors });
        assert.ok(state.trim().length > 0);
        const r = await writeHandoff(ws.root, { taskId: rec.taskId, agent: 'fmes', reason: 'test', state });
        assert.equal(r.ok, true);
        const file = path.join(ws.root, r.ok ? r.file : '');
        assert.equal(parseHandoff(fs.readFileSync(file, 'utf8'), file).ok, true);
        fs.rmSync(file);
      },
    ),
    { numRuns: 50 },
  );
});
