import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handoffMetaSchema } from '../../../../src/core/schemas/handoff';
import { issueLines, handoffMetaObject, omit } from '../../../fixtures/artifacts';

void test('handoff meta: a full front matter parses to the same values', () => {
  assert.deepEqual(handoffMetaSchema.parse(handoffMetaObject()), handoffMetaObject());
});

void test('handoff meta: agents defaults to [] and costUsd stays absent', () => {
  const m = handoffMetaSchema.parse(omit(handoffMetaObject(), 'agents', 'costUsd'));
  assert.deepEqual(m.agents, []);
  assert.equal('costUsd' in m, false);
});

const missing: [string, string][] = [
  ['taskId', 'taskId: Invalid input: expected string, received undefined'],
  ['createdAt', 'createdAt: Invalid input: expected string, received undefined'],
  ['reason', 'reason: Invalid input: expected string, received undefined'],
  ['attempts', 'attempts: Invalid input: expected number, received undefined'],
];
for (const [field, expected] of missing) {
  void test(`handoff meta: missing ${field} is reported on ${field}`, () => {
    assert.deepEqual(issueLines(handoffMetaSchema.safeParse(omit(handoffMetaObject(), field))), [expected]);
  });
}

void test('handoff meta: missing status lists the two statuses', () => {
  assert.deepEqual(issueLines(handoffMetaSchema.safeParse(omit(handoffMetaObject(), 'status'))), [
    'status: Invalid option: expected one of "needs-human"|"resolved"',
  ]);
});

const wrong: [string, unknown, RegExp][] = [
  ['status', 'done', /^status: Invalid option/],
  ['createdAt', '01/03/2025', /^createdAt: Invalid ISO datetime/],
  ['reason', '', /^reason: must not be blank$/],
  ['attempts', -1, /^attempts: Too small/],
  ['attempts', 1.5, /^attempts: .*expected int/],
  ['agents', ['ok', 'a b'], /^agents\.1: must start with a letter or digit/],
  ['costUsd', -1, /^costUsd: Too small/],
];
for (const [field, value, expected] of wrong) {
  void test(`handoff meta: ${field} = ${JSON.stringify(value)} is rejected on ${field}`, () => {
    const lines = issueLines(handoffMetaSchema.safeParse(handoffMetaObject({ [field]: value })));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], expected);
  });
}
