import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArtifactError } from '../../../../src/core/errors';
import {
  parseArtifact,
  parseHandoff,
  parseLock,
  parsePlan,
  parseReport,
  type ArtifactKind,
} from '../../../../src/core/artifacts/parseArtifact';
import {
  HANDOFF_BODY,
  PLAN_BODY,
  costLogText,
  costRecordObject,
  handoffMetaObject,
  lockObject,
  markdownText,
  minimalPlanMetaObject,
  omit,
  planMetaObject,
  reportObject,
} from '../../../fixtures/artifacts';

/** The error of a failed result, failing the test if it succeeded. */
function errorOf(r: { ok: true } | { ok: false; error: ArtifactError }): ArtifactError {
  assert.equal(r.ok, false, 'expected a failure');
  assert.ok(!r.ok);
  assert.ok(ArtifactError.is(r.error));
  return r.error;
}

// --- report ---------------------------------------------------------------------------------------------

void test('parseReport: a valid report', () => {
  const r = parseReport(JSON.stringify(reportObject()), 'report.json');
  assert.ok(r.ok);
  assert.equal(r.value.status, 'success');
  assert.deepEqual(r.value.tests, { run: 12, passed: 11, failed: 1 });
});

void test('parseReport: a BOM and CRLF pretty-printing are accepted', () => {
  const r = parseReport('\uFEFF' + JSON.stringify(reportObject(), null, 2).replace(/\n/g, '\r\n'), 'report.json');
  assert.ok(r.ok);
  assert.equal(r.value.agent, 'claude-1');
});

void test('parseReport: schema errors name the file and the dotted field', () => {
  const e = errorOf(
    parseReport(JSON.stringify(reportObject({ tests: { run: 1, passed: 2, failed: 0 } })), 'report.json'),
  );
  assert.equal(e.reason, 'schema');
  assert.equal(e.file, 'report.json');
  assert.deepEqual(e.issues, [{ field: 'tests.passed', message: 'passed + failed (2) must not exceed run (1)' }]);
  assert.equal(e.message, 'report.json: tests.passed: passed + failed (2) must not exceed run (1)');
});

void test('parseReport: every issue is listed, one per line', () => {
  const e = errorOf(
    parseReport(JSON.stringify(omit(reportObject({ status: 'done' }), 'agent')), '/r/.claude/outbox/a.json'),
  );
  assert.deepEqual(
    e.message.split('\n').map((l) => l.replace(/: Invalid.*/, '')),
    ['/r/.claude/outbox/a.json: agent', '/r/.claude/outbox/a.json: status'],
  );
});

void test('parseReport: empty, truncated and non-JSON files are syntax errors', () => {
  const empty = errorOf(parseReport('', 'report.json'));
  assert.equal(empty.reason, 'syntax');
  assert.equal(empty.message, 'report.json: the file is empty');
  assert.equal(errorOf(parseReport('\uFEFF \n', 'report.json')).message, 'report.json: the file is empty');

  const truncated = errorOf(parseReport(JSON.stringify(reportObject()).slice(0, 40), 'report.json'));
  assert.equal(truncated.reason, 'syntax');
  assert.match(truncated.message, /^report\.json: not JSON \(.+\)$/);

  const yaml = errorOf(parseReport('status: success', 'report.json'));
  assert.equal(yaml.reason, 'syntax');
});

void test('parseReport: a JSON error that quotes multi-line input stays on one line that names the file', () => {
  for (const e of [
    errorOf(parseReport('oops\nmore', 'report.json')),
    errorOf(parseLock('oops\r\nmore', 'report.json')),
  ]) {
    assert.equal(e.reason, 'syntax');
    assert.equal(e.message.split('\n').length, 1, e.message);
    assert.match(e.message, /^report\.json: not JSON \(.*oops\\nmore/);
  }
});

void test('parseReport: valid JSON of the wrong shape is a schema error at the root', () => {
  for (const text of ['null', '[]', '"report"', '42']) {
    const e = errorOf(parseReport(text, 'report.json'));
    assert.equal(e.reason, 'schema');
    assert.equal(e.issues.length, 1);
    assert.equal(e.issues[0].field, '');
    assert.match(e.message, /^report\.json: Invalid input: expected object, received /);
  }
});

// --- plan -----------------------------------------------------------------------------------------------

void test('parsePlan: a valid plan gives meta and the trimmed body', () => {
  const r = parsePlan(markdownText(planMetaObject(), `\n${PLAN_BODY}\n\n`), 'active_plan.md');
  assert.ok(r.ok);
  assert.deepEqual(r.value.meta, planMetaObject());
  assert.equal(r.value.body, PLAN_BODY);
});

void test('parsePlan: defaults are filled in', () => {
  const r = parsePlan(markdownText(minimalPlanMetaObject(), PLAN_BODY), 'p.md');
  assert.ok(r.ok);
  assert.equal(r.value.meta.agent, 'auto');
  assert.equal(r.value.meta.risk, 'medium');
});

void test('parsePlan: CRLF and a BOM give the same plan as LF', () => {
  const lf = parsePlan(markdownText(planMetaObject(), PLAN_BODY), 'p.md');
  const crlf = parsePlan('\uFEFF' + markdownText(planMetaObject(), PLAN_BODY, '\r\n'), 'p.md');
  assert.ok(lf.ok && crlf.ok);
  assert.deepEqual(crlf.value, lf.value);
  assert.ok(!crlf.value.body.includes('\r'));
});

void test('parsePlan: each missing required key is named', () => {
  for (const key of ['id', 'title', 'files', 'rollback']) {
    const e = errorOf(parsePlan(markdownText(omit(planMetaObject(), key), PLAN_BODY), '.antigravity/plans/T-42.md'));
    assert.equal(e.reason, 'schema');
    assert.deepEqual(
      e.issues.map((i) => i.field),
      [key],
    );
    assert.ok(e.message.startsWith(`.antigravity/plans/T-42.md: ${key}: `), e.message);
  }
});

void test('parsePlan: an empty body is an issue on body, reported with the key issues', () => {
  const e = errorOf(parsePlan(markdownText(planMetaObject({ risk: 'extreme' }), '  \n'), 'active_plan.md'));
  assert.equal(e.reason, 'schema');
  assert.deepEqual(
    e.issues.map((i) => i.field),
    ['risk', 'body'],
  );
  assert.match(e.message, /\nactive_plan\.md: body: must not be empty$/);
});

void test('parsePlan: a missing or unclosed front matter and YAML errors are syntax errors on "front matter"', () => {
  const none = errorOf(parsePlan(`# ${PLAN_BODY}`, 'active_plan.md'));
  assert.equal(none.reason, 'syntax');
  assert.equal(
    none.message,
    'active_plan.md: front matter: missing: the file must start with a line that is exactly ---',
  );

  const unclosed = errorOf(parsePlan('---\nid: T-1\n# Steps\n', 'active_plan.md'));
  assert.equal(unclosed.reason, 'syntax');
  assert.equal(
    unclosed.message,
    'active_plan.md: front matter: not closed: no line that is exactly --- after the first',
  );

  const bad = errorOf(parsePlan('---\nid: T-1\nfiles: [a.ts\n---\nbody', 'active_plan.md'));
  assert.equal(bad.reason, 'syntax');
  assert.match(bad.message, /^active_plan\.md: front matter: line \d, column \d+: /);

  const empty = errorOf(parsePlan('', 'active_plan.md'));
  assert.equal(empty.reason, 'syntax');
  assert.equal(empty.message, 'active_plan.md: the file is empty');
});

void test('parsePlan: an unquoted numeric id is a type error, not silently coerced', () => {
  const e = errorOf(parsePlan('---\nid: 42\ntitle: t\nfiles: [a]\nrollback: r\n---\nbody', 'p.md'));
  assert.equal(e.message, 'p.md: id: Invalid input: expected string, received number');
});

// --- handoff --------------------------------------------------------------------------------------------

void test('parseHandoff: a valid handoff', () => {
  const r = parseHandoff(markdownText(handoffMetaObject(), HANDOFF_BODY), 'HANDOFF_REPORT.md');
  assert.ok(r.ok);
  assert.deepEqual(r.value, { meta: handoffMetaObject(), body: HANDOFF_BODY });
});

void test('parseHandoff: a missing reason and an empty body are both reported', () => {
  const e = errorOf(parseHandoff(markdownText(omit(handoffMetaObject(), 'reason'), ''), 'handoff.md'));
  assert.equal(e.reason, 'schema');
  assert.equal(
    e.message,
    'handoff.md: reason: Invalid input: expected string, received undefined\nhandoff.md: body: must not be empty',
  );
});

// --- lock -----------------------------------------------------------------------------------------------

void test('parseLock: valid, syntax and schema failures', () => {
  const ok = parseLock(JSON.stringify(lockObject()), '.locks/a.lock');
  assert.ok(ok.ok);
  assert.equal(ok.value.agent, 'claude-1');

  const syntax = errorOf(parseLock('{"version":1,', '.locks/a.lock'));
  assert.equal(syntax.reason, 'syntax');
  assert.match(syntax.message, /^\.locks\/a\.lock: not JSON/);
  assert.equal(errorOf(parseLock('', '.locks/a.lock')).reason, 'syntax');

  const schema = errorOf(parseLock(JSON.stringify(lockObject({ expiresAt: '2020-01-01T00:00:00Z' })), '.locks/a.lock'));
  assert.equal(schema.reason, 'schema');
  assert.equal(schema.message, '.locks/a.lock: expiresAt: must not be before acquiredAt');
});

// --- parseArtifact --------------------------------------------------------------------------------------

void test('parseArtifact: dispatches on the path', () => {
  const report = parseArtifact('/repo/.claude/outbox/r.json', JSON.stringify(reportObject()));
  assert.equal(report.kind, 'report');
  assert.ok(report.ok && report.kind === 'report');
  assert.equal(report.value.taskId, 'T-42');

  const plan = parseArtifact('C:\\repo\\active_plan.md', markdownText(planMetaObject(), PLAN_BODY));
  assert.ok(plan.ok && plan.kind === 'plan');
  assert.equal(plan.value.meta.id, 'T-42');

  const handoff = parseArtifact('handoff.md', markdownText(handoffMetaObject(), HANDOFF_BODY));
  assert.ok(handoff.ok && handoff.kind === 'handoff');

  const lock = parseArtifact('.locks/x.lock', JSON.stringify(lockObject()));
  assert.ok(lock.ok && lock.kind === 'lock');

  const cost = parseArtifact(
    '.claude/cost_logs/2025-03-01.jsonl',
    costLogText([costRecordObject(), costRecordObject({ costUsd: 1 })]),
  );
  assert.ok(cost.ok && cost.kind === 'costLog');
  assert.deepEqual(
    cost.value.map((c) => c.costUsd),
    [0.12, 1],
  );
});

void test('parseArtifact: an explicit kind overrides the path', () => {
  const r = parseArtifact('notes/whatever.txt', JSON.stringify(reportObject()), 'report');
  assert.equal(r.kind, 'report');
  assert.equal(r.ok, true);
  const wrong = parseArtifact('report.json', JSON.stringify(reportObject()), 'lock');
  assert.equal(wrong.kind, 'lock');
  assert.equal(errorOf(wrong).reason, 'schema');
});

void test('parseArtifact: an unknown path or kind is reason unknownKind, naming the file', () => {
  const r = parseArtifact('README.md', '# hi');
  assert.equal(r.kind, undefined);
  const e = errorOf(r);
  assert.equal(e.reason, 'unknownKind');
  assert.equal(e.message, 'README.md: cannot tell the artifact kind from the path');

  const bogus = parseArtifact('x.json', '{}', 'settings' as ArtifactKind);
  assert.equal(bogus.kind, undefined);
  assert.equal(errorOf(bogus).message, 'x.json: unknown artifact kind "settings"');
});

void test('parseArtifact: a cost log with a bad line fails; syntax beats schema as the reason', () => {
  const schema = parseArtifact(
    '.claude/cost_logs/d.jsonl',
    costLogText([costRecordObject(), costRecordObject({ costUsd: -1 })]),
  );
  assert.equal(schema.kind, 'costLog');
  const e = errorOf(schema);
  assert.equal(e.reason, 'schema');
  assert.equal(e.message, '.claude/cost_logs/d.jsonl: line 2: costUsd: Too small: expected number to be >=0');

  const syntax = errorOf(
    parseArtifact('.claude/cost_logs/d.jsonl', costLogText([costRecordObject({ costUsd: -1 }), '{oops'])),
  );
  assert.equal(syntax.reason, 'syntax');
  assert.equal(syntax.issues.length, 2);
});

void test('parseArtifact: an empty cost log is an empty list', () => {
  const r = parseArtifact('.claude/cost_logs/d.jsonl', '');
  assert.ok(r.ok && r.kind === 'costLog');
  assert.deepEqual(r.value, []);
});
