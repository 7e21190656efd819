import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCostLog } from '../../../../src/core/artifacts/parseArtifact';
import { budgetLevel, costLogFile, formatUsd, localDay, summarizeCostDay } from '../../../../src/core/cost/costLedger';
import { makeWorkspace } from '../../../fixtures/workspace';

test('sums deltas per agent and session for the local day, skipping bad lines with their line number', () => {
  const ws = makeWorkspace();
  try {
    const now = Date.now();
    const file = costLogFile(ws.root, localDay(now));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const ts = new Date(now).toISOString();
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ ts, agent: 'claude', sessionId: 's1', taskId: 'T-1', costUsd: 0.5, turns: 3 }),
        JSON.stringify({ ts, agent: 'claude', sessionId: 's1', costUsd: 0.25, turns: 2 }),
        '{"ts": broken',
        JSON.stringify({ ts, agent: 'gemini', sessionId: 'g1', costUsd: 1 }),
        JSON.stringify({ ts, agent: 'codex', sessionId: 'c1', costUsd: -4 }),
      ].join('\n') + '\n',
    );
    const s = summarizeCostDay(ws.root, now, parseCostLog);
    assert.equal(s.totalUsd, 1.75);
    assert.equal(s.byAgent.get('claude'), 0.75);
    const s1 = s.sessions.find((x) => x.sessionId === 's1')!;
    assert.equal(s1.turns, 5);
    assert.equal(s1.runs, 2);
    assert.equal(s1.taskId, 'T-1');
    assert.deepEqual(
      s.issues.map((i) => i.issue.field),
      ['line 3', 'line 5: costUsd'],
    );
    assert.equal(s.issues[0].file, file);
  } finally {
    ws.cleanup();
  }
});

test('no log today means zero', () => {
  const ws = makeWorkspace();
  try {
    const s = summarizeCostDay(ws.root, Date.now(), parseCostLog);
    assert.equal(s.totalUsd, 0);
    assert.equal(s.sessions.length, 0);
  } finally {
    ws.cleanup();
  }
});

test('budget levels and formatting', () => {
  assert.equal(budgetLevel(1, 10, 0.8), 'ok');
  assert.equal(budgetLevel(8, 10, 0.8), 'warning');
  assert.equal(budgetLevel(10.01, 10, 0.8), 'exceeded');
  assert.equal(budgetLevel(1000, 0, 0.8), 'ok');
  assert.equal(formatUsd(1.234), '$1.23');
  assert.equal(formatUsd(123.4), '$123.40');
  assert.equal(formatUsd(12345.6), '$12,346');
});
