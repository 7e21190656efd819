import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownBody, planMetaSchema } from '../../../../src/core/schemas/plan';
import { issueLines, minimalPlanMetaObject, omit, planMetaObject } from '../../../fixtures/artifacts';

void test('plan meta: a full front matter parses to the same values', () => {
  assert.deepEqual(planMetaSchema.parse(planMetaObject()), planMetaObject());
});

void test('plan meta: agent defaults to auto and risk to medium', () => {
  const m = planMetaSchema.parse(minimalPlanMetaObject());
  assert.equal(m.agent, 'auto');
  assert.equal(m.risk, 'medium');
  assert.equal(m.maxTurns, undefined);
  assert.equal('dependsOn' in m, false);
});

for (const field of ['id', 'title', 'rollback']) {
  void test(`plan meta: missing ${field} is reported on ${field}`, () => {
    assert.deepEqual(issueLines(planMetaSchema.safeParse(omit(planMetaObject(), field))), [
      `${field}: Invalid input: expected string, received undefined`,
    ]);
  });
}

void test('plan meta: missing files is reported on files', () => {
  assert.deepEqual(issueLines(planMetaSchema.safeParse(omit(planMetaObject(), 'files'))), [
    'files: Invalid input: expected array, received undefined',
  ]);
});

const wrong: [string, unknown, RegExp][] = [
  ['id', 42, /^id: .*expected string, received number/],
  ['id', 'a/b', /^id: must start with a letter or digit/],
  ['title', '', /^title: must not be blank$/],
  ['title', 't'.repeat(201), /^title: Too big/],
  ['agent', 'two words', /^agent: /],
  ['files', [], /^files: Too small/],
  ['files', ['../outside'], /^files\.0: must not contain \.\.$/],
  ['risk', 'extreme', /^risk: Invalid option/],
  ['rollback', '   ', /^rollback: must not be blank$/],
  ['complexity', 'huge', /^complexity: Invalid option/],
  ['maxTurns', 0, /^maxTurns: Too small/],
  ['maxTurns', 2.5, /^maxTurns: .*expected int/],
  ['budgetUsd', 0, /^budgetUsd: Too small/],
  ['timeoutSec', -5, /^timeoutSec: Too small/],
  ['allowedTools', 'Read', /^allowedTools: .*expected array/],
  ['dependsOn', ['ok', 'bad id'], /^dependsOn\.1: must start with a letter or digit/],
  ['type', 3, /^type: .*expected string/],
];
for (const [field, value, expected] of wrong) {
  void test(`plan meta: ${field} = ${JSON.stringify(value).slice(0, 30)} is rejected on ${field}`, () => {
    const lines = issueLines(planMetaSchema.safeParse(planMetaObject({ [field]: value })));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], expected);
  });
}

void test('plan meta: a trailing slash (folder) and the title limit of 200 are accepted', () => {
  const m = planMetaSchema.parse(planMetaObject({ files: ['src/', 'docs/api/'], title: 't'.repeat(200) }));
  assert.deepEqual(m.files, ['src/', 'docs/api/']);
});

void test('plan meta: a task may not depend on itself', () => {
  assert.deepEqual(issueLines(planMetaSchema.safeParse(planMetaObject({ id: 'T-9', dependsOn: ['T-1', 'T-9'] }))), [
    'dependsOn.1: a task cannot depend on itself',
  ]);
});

void test('plan body: trimmed and must not be empty', () => {
  assert.equal(markdownBody.parse('\n\n# Do it\n\n'), '# Do it');
  assert.deepEqual(issueLines(markdownBody.safeParse(' \n\t\n')), [': must not be empty']);
});
