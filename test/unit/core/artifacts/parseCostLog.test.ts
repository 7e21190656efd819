import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCostLog } from '../../../../src/core/artifacts/parseArtifact';
import { costLogText, costRecordObject, omit } from '../../../fixtures/artifacts';

const FILE = '.claude/cost_logs/2025-03-01.jsonl';

void test('parseCostLog: every good line becomes a record, in order', () => {
  const r = parseCostLog(
    costLogText([costRecordObject({ costUsd: 0.1 }), costRecordObject({ costUsd: 0.2, source: undefined })]),
    FILE,
  );
  assert.deepEqual(r.issues, []);
  assert.deepEqual(
    r.records.map((x) => [x.costUsd, x.source]),
    [
      [0.1, 'claude'],
      [0.2, 'other'],
    ],
  );
});

void test('parseCostLog: blank lines, CRLF and a BOM are tolerated', () => {
  const text =
    '\uFEFF' +
    ['', JSON.stringify(costRecordObject()), '   ', JSON.stringify(costRecordObject({ costUsd: 2 })), ''].join('\r\n');
  const r = parseCostLog(text, FILE);
  assert.deepEqual(r.issues, []);
  assert.equal(r.records.length, 2);
});

void test('parseCostLog: a bad line is an issue with its line number and the good lines still parse', () => {
  const r = parseCostLog(
    costLogText([
      costRecordObject(),
      '',
      'not json',
      omit(costRecordObject(), 'agent'),
      costRecordObject({ costUsd: 3 }),
    ]),
    FILE,
  );
  assert.deepEqual(
    r.records.map((x) => x.costUsd),
    [0.12, 3],
  );
  assert.equal(r.issues.length, 2);
  assert.equal(r.issues[0].field, 'line 3');
  assert.match(r.issues[0].message, /^not JSON \(.+\)$/);
  assert.deepEqual(r.issues[1], {
    field: 'line 4: agent',
    message: 'Invalid input: expected string, received undefined',
  });
});

void test('parseCostLog: a line that is JSON but not an object is an issue on the line', () => {
  const r = parseCostLog(costLogText(['[1,2]', '"x"']), FILE);
  assert.deepEqual(r.issues, [
    { field: 'line 1', message: 'Invalid input: expected object, received array' },
    { field: 'line 2', message: 'Invalid input: expected object, received string' },
  ]);
});

void test('parseCostLog: a truncated last line without a newline is reported as such', () => {
  const whole = JSON.stringify(costRecordObject());
  const r = parseCostLog(costLogText([costRecordObject()]) + whole.slice(0, 30), FILE);
  assert.equal(r.records.length, 1);
  assert.deepEqual(r.issues, [{ field: 'line 2', message: 'truncated or not JSON' }]);
});

void test('parseCostLog: a complete last line without a newline is accepted', () => {
  const r = parseCostLog(costLogText([costRecordObject(), costRecordObject()], false), FILE);
  assert.deepEqual(r.issues, []);
  assert.equal(r.records.length, 2);
});

void test('parseCostLog: the same broken line mid-file is "not JSON", not "truncated"', () => {
  const r = parseCostLog(costLogText(['{"ts":', costRecordObject()]), FILE);
  assert.equal(r.issues.length, 1);
  assert.equal(r.issues[0].field, 'line 1');
  assert.ok(r.issues[0].message.startsWith('not JSON'));
});

void test('parseCostLog: several bad fields on one line each get an issue', () => {
  const r = parseCostLog(costLogText([costRecordObject({ costUsd: -1, inputTokens: 1.5 })]), FILE);
  assert.deepEqual(
    r.issues.map((i) => i.field),
    ['line 1: costUsd', 'line 1: inputTokens'],
  );
});
