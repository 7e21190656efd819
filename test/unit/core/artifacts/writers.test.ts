import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { artifactKindOf, parseHandoff, parseReport } from '../../../../src/core/artifacts/parseArtifact';
import { listBusArtifacts } from '../../../../src/core/artifacts/discover';
import { HANDOFF_FILE, writeHandoff } from '../../../../src/core/artifacts/handoffs';
import { compactStamp, submitReport } from '../../../../src/core/artifacts/outbox';
import { writeNewFileAtomic, writeUniqueFileAtomic } from '../../../../src/core/fs/atomicWrite';
import { makeWorkspace } from '../../../fixtures/workspace';
import { minimalReportObject } from '../../../fixtures/artifacts';

const NOW = Date.parse('2026-11-22T10:00:00.123Z');

test('writeNewFileAtomic never replaces a file; of many racing writers for one name exactly one wins', async () => {
  const ws = makeWorkspace({});
  try {
    const file = path.join(ws.root, 'x', 'f.txt');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => writeNewFileAtomic(file, `writer ${i}\n`)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results)
      if (r.status === 'rejected') assert.equal((r.reason as NodeJS.ErrnoException).code, 'EEXIST');
    assert.match(fs.readFileSync(file, 'utf8'), /^writer \d+\n$/);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['f.txt'], 'no temp file left behind');
  } finally {
    ws.cleanup();
  }
});

test('writeUniqueFileAtomic gives each of many racing writers its own name', async () => {
  const ws = makeWorkspace({});
  try {
    const names = await Promise.all(
      Array.from({ length: 10 }, (_, i) => writeUniqueFileAtomic((n) => path.join(ws.root, `r${n}.json`), String(i))),
    );
    assert.equal(new Set(names).size, 10);
    assert.equal(fs.readdirSync(ws.root).length, 10);
  } finally {
    ws.cleanup();
  }
});

test('submitReport: a stamped, file-safe name that reads back as the report; invalid input writes nothing', async () => {
  const ws = makeWorkspace({});
  try {
    assert.equal(compactStamp(NOW), '20261122T100000123Z');
    const a = await submitReport(ws.root, minimalReportObject({ agent: 'human:ann@box', taskId: 'T-1' }), NOW);
    const b = await submitReport(ws.root, minimalReportObject({ agent: 'human:ann@box', taskId: 'T-1' }), NOW);
    assert.ok(a.ok && b.ok);
    assert.equal(a.file, '.claude/outbox/T-1-human_ann_box-20261122T100000123Z.json');
    assert.equal(b.file, '.claude/outbox/T-1-human_ann_box-20261122T100000123Z-2.json');
    const parsed = parseReport(fs.readFileSync(path.join(ws.root, a.file), 'utf8'), a.file);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.agent, 'human:ann@box');
    const bad = await submitReport(ws.root, minimalReportObject({ summary: '  ', turns: -1 }), NOW);
    assert.deepEqual(bad.ok ? [] : bad.issues.map((i) => i.field).sort(), ['summary', 'turns']);
    assert.equal(fs.readdirSync(path.join(ws.root, '.claude/outbox')).length, 2);
  } finally {
    ws.cleanup();
  }
});

test('writeHandoff: HANDOFF_REPORT.md first, then files beside it that validate and are found as handoffs', async () => {
  const ws = makeWorkspace({});
  try {
    const first = await writeHandoff(
      ws.root,
      { taskId: 'T-1', agent: 'claude', reason: 'stuck: "quotes" and: colons' },
      NOW,
    );
    const second = await writeHandoff(ws.root, { taskId: 'T-1', agent: 'codex', reason: 'again', attempts: 0 }, NOW);
    const third = await writeHandoff(ws.root, { taskId: 'T-1', agent: 'codex', reason: 'and again' }, NOW);
    assert.ok(first.ok && second.ok && third.ok);
    assert.equal(first.file, HANDOFF_FILE);
    assert.equal(second.file, 'HANDOFF_REPORT-T-1-20261122T100000123Z.md');
    assert.equal(third.file, 'HANDOFF_REPORT-T-1-20261122T100000123Z-2.md');
    const back = parseHandoff(fs.readFileSync(path.join(ws.root, HANDOFF_FILE), 'utf8'), HANDOFF_FILE);
    assert.ok(back.ok);
    assert.equal(back.value.meta.reason, 'stuck: "quotes" and: colons');
    assert.equal(back.value.meta.attempts, 1);
    assert.equal(back.value.meta.costUsd, undefined);
    assert.deepEqual(
      listBusArtifacts(ws.root)
        .map((f) => path.basename(f))
        .sort(),
      [HANDOFF_FILE, second.file, third.file].sort(),
    );
    const blank = await writeHandoff(ws.root, { taskId: 'T-1', agent: 'claude', reason: ' ' }, NOW);
    assert.deepEqual(blank.ok ? [] : blank.issues.map((i) => i.field), ['reason']);
  } finally {
    ws.cleanup();
  }
});

test('artifactKindOf: HANDOFF_REPORT-<suffix>.md is a handoff; other handoff-like names are not', () => {
  assert.equal(artifactKindOf('/w/HANDOFF_REPORT-T-1-20261122T100000123Z.md'), 'handoff');
  assert.equal(artifactKindOf('/w/handoff-notes.md'), undefined);
  assert.equal(artifactKindOf('/w/HANDOFF_REPORT-.md'), undefined);
});
