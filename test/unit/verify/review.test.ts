import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../../src/core/config';
import { auditAnswerSchema, reviewAnswerSchema } from '../../../src/core/schemas/verify';
import { extractJson, parseAnswer } from '../../../src/core/verify/agentAnswer';
import { pickReviewer } from '../../../src/core/verify/review';
import { type FakeStep, harness } from './missionHarness';

const approve = JSON.stringify({ verdict: 'approve', summary: 'fine', comments: [] });
const changes = JSON.stringify({
  verdict: 'request_changes',
  summary: 'the total is wrong',
  comments: [{ file: 'src/cart.ts', line: 2, message: 'round the total to cents' }],
});

test('answers: JSON in fences or prose is found; the schema names each bad field', () => {
  assert.deepEqual(extractJson('Sure!\n```json\n{"a": 1}\n```\nDone.'), { a: 1 });
  assert.deepEqual(extractJson('Here it is: {"a": {"b": 2}} — bye'), { a: { b: 2 } });
  assert.throws(() => extractJson('no json here'), /no JSON object/);
  assert.throws(
    () =>
      parseAnswer(
        '{"verdict": "maybe", "comments": [{"file": "/etc/passwd", "line": 0}]}',
        reviewAnswerSchema,
        'review answer of x',
      ),
    (e: Error) =>
      /^review answer of x: verdict: /m.test(e.message) &&
      /comments\.0\.file: must be relative to the workspace/.test(e.message) &&
      /comments\.0\.line: /.test(e.message) &&
      /comments\.0\.message: /.test(e.message),
  );
  assert.equal(parseAnswer(approve, reviewAnswerSchema, 'r').verdict, 'approve');
  assert.deepEqual(parseAnswer('{"findings": []}', auditAnswerSchema, 'a').findings, []);
});

test('the reviewer is of another vendor than the author', () => {
  const cfg = defaultConfig.orchestrator.review;
  assert.equal(pickReviewer(cfg, 'claude', ['claude']), undefined, 'no review configured');
  assert.equal(pickReviewer({ ...cfg, agent: 'auto' }, 'claude', ['claude', 'codex']), 'codex');
  assert.equal(pickReviewer({ ...cfg, agent: 'auto' }, 'gemini', ['gemini']), 'claude');
  assert.equal(pickReviewer({ ...cfg, agent: 'claude' }, 'claude', ['claude']), 'sameVendor');
  assert.equal(pickReviewer({ ...cfg, agent: 'codex' }, 'claude', ['claude']), 'codex');
});

async function reviewed(answers: string[], review: Record<string, unknown>) {
  const author: FakeStep = { files: { 'src/cart.ts': 'export const total = 1;\nexport const x = 2;\n' } };
  const h = await harness(
    { 'src/cart.ts': 'export const total = 0;\n' },
    (r) => (r.taskId.endsWith('-review') ? { resultText: answers.shift() ?? approve } : author),
    { review },
  );
  try {
    const out = await h.missions.start(h.plan('rv'));
    return { out, runs: [...h.runs] };
  } finally {
    h.dispose();
  }
}

test('approve: ready to merge, the review on the record; the reviewer ran as its own agent', async () => {
  const { out, runs } = await reviewed([approve], { agent: 'auto' });
  assert.equal(out.state, 'readyToMerge', out.record.reason);
  assert.equal(out.record.review?.verdict, 'approve');
  const rv = runs.find((r) => r.taskId === 'rv-review')!;
  assert.equal(rv.cli, 'gemini', 'claude wrote it, so gemini reviews');
  assert.equal(rv.agentId, 'gemini@rv-review');
  assert.match(rv.prompt, /Plan rv/);
  assert.match(rv.prompt, /\+export const total = 1;/, 'the reviewer sees the diff');
});

test('request_changes: review, with the comments as file:line reasons', async () => {
  const { out } = await reviewed([changes], { agent: 'auto' });
  assert.equal(out.state, 'review');
  assert.match(
    out.record.reason ?? '',
    /gemini@rv-review requests changes: the total is wrong; src\/cart\.ts:2: round the total to cents/,
  );
  assert.equal(out.record.review?.comments[0]?.line, 2);
});

test('an answer that does not parse holds the mission (fail closed)', async () => {
  const { out } = await reviewed(['LGTM!'], { agent: 'auto' });
  assert.equal(out.state, 'review');
  assert.match(out.record.reason ?? '', /review by gemini failed: review answer of gemini@rv-review: no JSON object/);
});

test('a plan risk outside `when` is not reviewed', async () => {
  const { out, runs } = await reviewed([changes], { agent: 'auto', when: ['high'] });
  assert.equal(out.state, 'readyToMerge');
  assert.equal(runs.filter((r) => r.taskId === 'rv-review').length, 0);
});

test('one round: the author gets the comments, then the second review approves', async () => {
  const { out, runs } = await reviewed([changes, approve], { agent: 'auto', rounds: 1 });
  assert.equal(out.state, 'readyToMerge', out.record.reason);
  assert.equal(out.record.review?.rounds, 1);
  const authorRuns = runs.filter((r) => r.taskId === 'rv');
  assert.equal(authorRuns.length, 2);
  assert.equal(authorRuns[1].resume, true, 'the author continues its own session');
  assert.match(authorRuns[1].prompt, /- src\/cart\.ts:2: round the total to cents/);
  assert.equal(runs.filter((r) => r.taskId === 'rv-review').length, 2);
  assert.equal(out.record.attempts.length, 2);
});

test('audit agent: free-text rules with the diff; its findings are violations, inventions are dropped', async () => {
  const findings = {
    findings: [
      { rule: 'typed-errors', file: 'src/cart.ts', line: 1, message: 'throws a bare Error' },
      { rule: 'typed-errors', file: 'src/elsewhere.ts', line: 9, message: 'not in the diff' },
      { rule: 'made-up', file: 'src/cart.ts', line: 1, message: 'no such rule' },
    ],
  };
  const h = await harness(
    {
      'src/cart.ts': 'export const total = 0;\n',
      '.fmes/rules.yaml':
        'rules:\n  - id: typed-errors\n    message: Typed errors only.\n    text: Never throw new Error().\n',
    },
    (r) =>
      r.taskId.endsWith('-audit')
        ? { resultText: `Findings:\n\`\`\`json\n${JSON.stringify(findings)}\n\`\`\`` }
        : { files: { 'src/cart.ts': 'throw new Error("x");\n' } },
    { audit: 'codex' },
  );
  try {
    const out = await h.missions.start(h.plan('au'));
    assert.equal(out.state, 'review');
    assert.deepEqual(
      out.record.rules?.violations.map((v) => `${v.file}:${v.line} ${v.rule} ${v.source}`),
      ['src/cart.ts:1 typed-errors audit'],
    );
    assert.equal(out.record.rules?.audit?.agent, 'codex@au-audit');
    const audit = h.runs.find((r) => r.taskId === 'au-audit')!;
    assert.match(audit.prompt, /- typed-errors: Never throw new Error\(\)\./);
    assert.match(audit.prompt, /\+throw new Error\("x"\);/);
  } finally {
    h.dispose();
  }
});
