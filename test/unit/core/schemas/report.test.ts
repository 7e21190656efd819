import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportSchema } from '../../../../src/core/schemas/report';
import { FINISHED, STARTED, issueLines, minimalReportObject, omit, reportObject } from '../../../fixtures/artifacts';

void test('report: a full report parses to the same values', () => {
  const r = reportSchema.safeParse(reportObject());
  assert.ok(r.success);
  assert.deepEqual(r.data, reportObject());
});

void test('report: version and changedFiles default; optional fields stay absent', () => {
  const r = reportSchema.parse(minimalReportObject());
  assert.equal(r.version, 1);
  assert.deepEqual(r.changedFiles, []);
  assert.equal(r.tests, undefined);
  assert.equal(r.costUsd, undefined);
  assert.equal('costUsd' in r, false);
});

void test('report: unknown fields are dropped', () => {
  const r = reportSchema.parse(reportObject({ model: 'x', extra: { a: 1 } }));
  assert.equal('model' in r, false);
  assert.equal('extra' in r, false);
});

for (const field of ['agent', 'taskId', 'summary', 'startedAt', 'finishedAt']) {
  void test(`report: missing ${field} is reported on ${field}`, () => {
    assert.deepEqual(issueLines(reportSchema.safeParse(omit(reportObject(), field))), [
      `${field}: Invalid input: expected string, received undefined`,
    ]);
  });
}

void test('report: missing status lists the allowed values', () => {
  const lines = issueLines(reportSchema.safeParse(omit(reportObject(), 'status')));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^status: .*"success"\|"failure"\|"partial"\|"killed"\|"timeout"/);
});

const wrong: [string, unknown, RegExp][] = [
  ['version', 2, /^version: Invalid input: expected 1$/],
  ['agent', 'has space', /^agent: must start with a letter or digit/],
  ['taskId', '../escape', /^taskId: must start with a letter or digit/],
  ['status', 'done', /^status: Invalid option/],
  ['summary', 7, /^summary: .*expected string, received number/],
  ['summary', '', /^summary: must not be blank$/],
  ['summary', '  \n\t', /^summary: must not be blank$/],
  ['summary', 'x'.repeat(20_001), /^summary: Too big/],
  ['changedFiles', 'src/a.ts', /^changedFiles: .*expected array/],
  ['costUsd', -0.01, /^costUsd: Too small/],
  ['costUsd', '0.5', /^costUsd: .*expected number, received string/],
  ['durationMs', 1.5, /^durationMs: .*expected int/],
  ['turns', -1, /^turns: Too small/],
  ['sessionId', 42, /^sessionId: .*expected string/],
  ['startedAt', '2025-03-01 10:00', /^startedAt: Invalid ISO datetime/],
  ['finishedAt', 1_740_823_200_000, /^finishedAt: .*expected string, received number/],
  ['errors', [1], /^errors\.0: .*expected string/],
  ['tests', { run: 1, passed: 1 }, /^tests\.failed: .*expected number, received undefined/],
];
for (const [field, value, expected] of wrong) {
  void test(`report: ${field} = ${JSON.stringify(value).slice(0, 30)} is rejected on ${field}`, () => {
    const lines = issueLines(reportSchema.safeParse(reportObject({ [field]: value })));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], expected);
  });
}

void test('report: changedFiles must be workspace-relative, reported by index', () => {
  const lines = issueLines(
    reportSchema.safeParse(reportObject({ changedFiles: ['ok.ts', '/etc/passwd', 'a/../../b', 'C:\\x'] })),
  );
  assert.deepEqual(lines, [
    'changedFiles.1: must be relative to the workspace',
    'changedFiles.2: must not contain ..',
    'changedFiles.3: must be relative to the workspace',
  ]);
});

void test('report: tests.passed + tests.failed may not exceed tests.run', () => {
  assert.deepEqual(issueLines(reportSchema.safeParse(reportObject({ tests: { run: 3, passed: 3, failed: 1 } }))), [
    'tests.passed: passed + failed (4) must not exceed run (3)',
  ]);
  // Skipped tests fall in neither bucket.
  assert.ok(reportSchema.safeParse(reportObject({ tests: { run: 3, passed: 1, failed: 0 } })).success);
  assert.ok(reportSchema.safeParse(reportObject({ tests: { run: 0, passed: 0, failed: 0 } })).success);
});

void test('report: finishedAt before startedAt is reported on finishedAt', () => {
  assert.deepEqual(issueLines(reportSchema.safeParse(reportObject({ startedAt: FINISHED, finishedAt: STARTED }))), [
    'finishedAt: must not be before startedAt',
  ]);
  assert.ok(reportSchema.safeParse(reportObject({ finishedAt: STARTED })).success, 'equal instants are fine');
});

void test('report: finishedAt is compared as an instant, not as text', () => {
  // 11:00+02:00 is 09:00Z: earlier than 10:00Z although it sorts later as a string.
  assert.deepEqual(
    issueLines(
      reportSchema.safeParse(
        reportObject({ startedAt: '2025-03-01T10:00:00Z', finishedAt: '2025-03-01T11:00:00+02:00' }),
      ),
    ),
    ['finishedAt: must not be before startedAt'],
  );
  assert.ok(
    reportSchema.safeParse(reportObject({ startedAt: '2025-03-01T11:00:00+02:00', finishedAt: '2025-03-01T10:00:00Z' }))
      .success,
  );
});

void test('report: a bad startedAt does not also produce a spurious ordering issue', () => {
  assert.deepEqual(issueLines(reportSchema.safeParse(reportObject({ startedAt: 'yesterday' }))), [
    'startedAt: Invalid ISO datetime',
  ]);
});

void test('report: a non-object is rejected at the root', () => {
  assert.deepEqual(issueLines(reportSchema.safeParse([reportObject()])), [
    ': Invalid input: expected object, received array',
  ]);
});
