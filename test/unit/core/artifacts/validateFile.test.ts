import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFile } from '../../../../src/core/artifacts/parseArtifact';
import { costLogText, costRecordObject, reportObject } from '../../../fixtures/artifacts';

let dir = '';
void before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fmes-artifacts-'));
  await mkdir(join(dir, '.claude', 'outbox'), { recursive: true });
  await mkdir(join(dir, '.claude', 'cost_logs'), { recursive: true });
});
void after(async () => {
  await rm(dir, { recursive: true, force: true });
});

void test('validateFile: reads and parses a file of the kind its path implies', async () => {
  const file = join(dir, '.claude', 'outbox', 'r.json');
  await writeFile(file, JSON.stringify(reportObject()));
  const r = await validateFile(file);
  assert.ok(r.ok && r.kind === 'report');
  assert.equal(r.value.summary, reportObject().summary);
});

void test('validateFile: a bad file names its absolute path and field', async () => {
  const file = join(dir, '.claude', 'outbox', 'bad.json');
  await writeFile(file, JSON.stringify(reportObject({ turns: -1 })));
  const r = await validateFile(file);
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.equal(r.error.reason, 'schema');
  assert.equal(r.error.message, `${file}: turns: Too small: expected number to be >=0`);
});

void test('validateFile: a missing file or a folder is unreadable', async () => {
  const missing = join(dir, '.claude', 'outbox', 'nope.json');
  const r = await validateFile(missing);
  assert.equal(r.kind, 'report');
  assert.ok(!r.ok);
  assert.equal(r.error.reason, 'unreadable');
  assert.match(r.error.message, /: cannot read the file \(ENOENT: /);
  assert.ok(r.error.message.startsWith(missing));

  const folder = await validateFile(join(dir, '.claude', 'outbox'), 'report');
  assert.ok(!folder.ok);
  assert.equal(folder.error.reason, 'unreadable');
  assert.match(folder.error.message, /EISDIR/);
});

void test('validateFile: a cost log is ok only when every line is', async () => {
  const good = join(dir, '.claude', 'cost_logs', '2025-03-01.jsonl');
  await writeFile(good, costLogText([costRecordObject(), costRecordObject()]));
  const g = await validateFile(good);
  assert.ok(g.ok && g.kind === 'costLog');
  assert.equal(g.value.length, 2);

  const bad = join(dir, '.claude', 'cost_logs', '2025-03-02.jsonl');
  await writeFile(bad, costLogText([costRecordObject()]) + '{"ts":"2025');
  const b = await validateFile(bad);
  assert.equal(b.kind, 'costLog');
  assert.ok(!b.ok);
  assert.equal(b.error.reason, 'syntax');
  assert.equal(b.error.message, `${bad}: line 2: truncated or not JSON`);
});

void test('validateFile: an explicit kind is used; an unknown path without one is unknownKind', async () => {
  const file = join(dir, 'anything.txt');
  await writeFile(file, JSON.stringify(reportObject()));
  const r = await validateFile(file, 'report');
  assert.equal(r.ok, true);
  const u = await validateFile(file);
  assert.equal(u.kind, undefined);
  assert.ok(!u.ok);
  assert.equal(u.error.reason, 'unknownKind');
  assert.ok(u.error.message.startsWith(file));
});
