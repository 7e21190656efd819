import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costRecordSchema } from '../../../../src/core/schemas/costLog';
import { costRecordObject, issueLines, omit } from '../../../fixtures/artifacts';

void test('cost record: a full line parses to the same values', () => {
  assert.deepEqual(costRecordSchema.parse(costRecordObject()), costRecordObject());
});

void test('cost record: source defaults to other; optional fields stay absent', () => {
  const r = costRecordSchema.parse({ ts: '2025-03-01T10:00:00Z', agent: 'codex', sessionId: 's', costUsd: 0 });
  assert.deepEqual(r, { ts: '2025-03-01T10:00:00Z', agent: 'codex', sessionId: 's', costUsd: 0, source: 'other' });
});

const missing: [string, string][] = [
  ['ts', 'ts: Invalid input: expected string, received undefined'],
  ['agent', 'agent: Invalid input: expected string, received undefined'],
  ['sessionId', 'sessionId: Invalid input: expected string, received undefined'],
  ['costUsd', 'costUsd: Invalid input: expected number, received undefined'],
];
for (const [field, expected] of missing) {
  void test(`cost record: missing ${field} is reported on ${field}`, () => {
    assert.deepEqual(issueLines(costRecordSchema.safeParse(omit(costRecordObject(), field))), [expected]);
  });
}

const wrong: [string, unknown, RegExp][] = [
  ['ts', 'now', /^ts: Invalid ISO datetime/],
  ['costUsd', -0.5, /^costUsd: Too small/],
  ['costUsd', '0.5', /^costUsd: .*expected number, received string/],
  ['totalCostUsd', -1, /^totalCostUsd: Too small/],
  ['inputTokens', 1.5, /^inputTokens: .*expected int/],
  ['outputTokens', -1, /^outputTokens: Too small/],
  ['cacheReadTokens', '5', /^cacheReadTokens: .*expected number/],
  ['cacheWriteTokens', null, /^cacheWriteTokens: .*expected number, received null/],
  ['turns', -2, /^turns: Too small/],
  ['taskId', 'has space', /^taskId: must start with a letter or digit/],
  ['source', 'openai', /^source: Invalid option: expected one of "claude"\|"gemini"\|"codex"\|"other"/],
  ['sessionId', '', /^sessionId: Too small/],
];
for (const [field, value, expected] of wrong) {
  void test(`cost record: ${field} = ${JSON.stringify(value)} is rejected on ${field}`, () => {
    const lines = issueLines(costRecordSchema.safeParse(costRecordObject({ [field]: value })));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], expected);
  });
}
