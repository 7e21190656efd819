import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { RecordedRequest } from './fakeModelApi';
import { openaiConversation } from './fakeOpenai';
import { fmes } from './runHarness';
import { costAgents, missionFile, plan, record, verifyBed } from './verifyBed';

// The rest of the verification loop with the REAL CLIs (default arguments, the sandbox as configured by default)
// against the fake model API: the audit agent that checks the free-text rules approving and holding, the review
// round in which the author answers the reviewer's comments, and Codex as a read-only reviewer. Answers are
// scripted per provider in the plan's body; `[if=…]` picks the second round's answer from what that round is told.

const { api, repo } = verifyBed();

/** The model requests of `provider` whose body (the whole conversation the CLI sent) contains `needle`. */
function sawText(provider: RecordedRequest['provider'], needle: string): RecordedRequest[] {
  return api()
    .requests.filter((r) => r.provider === provider)
    .filter((r) => JSON.stringify(r.body ?? '').includes(needle));
}

const RULES = [
  'rules:',
  '  - id: repo-only',
  '    message: All DB access goes through the Repository pattern.',
  '    text: Code outside src/repo/ must not open a database connection or run SQL itself.',
  '',
].join('\n');

/**
 * The audited file: the auditor is given the rules and the diff only (not the plan), so its scripted answer
 * rides in a comment the diff shows as context of the changed line 2.
 */
function auditedFile(answer: string): string {
  return `// FAKE@gemini:say ${answer}\nexport const a = 1;\n`;
}

describe('the audit agent with the real CLIs', () => {
  it('the Gemini auditor finds nothing: the mission is ready, the audit recorded as passed', async () => {
    const dir = await repo(
      { audit: 'gemini' },
      { 'src/calc.ts': auditedFile('{"findings": []}'), '.fmes/rules.yaml': RULES },
    );
    const file = plan(dir, 'aok', ['src/calc.ts'], 'Change a.\n\nFAKE@anthropic:replace src/calc.ts 1; 2;');
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    const rec = record(dir, 'aok');
    assert.equal(r.code, 0, `${rec.reason}\n${r.stdout}\n${r.stderr}`);
    assert.equal(rec.state, 'readyToMerge');
    assert.doesNotMatch(rec.reason ?? '', /repo-only|rule not checked/);
    assert.deepEqual(rec.rules?.violations, []);
    assert.deepEqual(rec.rules?.unchecked, []);
    assert.equal(rec.rules?.audit?.agent, 'gemini@aok-audit');
    assert.equal(rec.rules?.audit?.ok, true, rec.rules?.audit?.message);
    // The auditor was given the rule's words and the diff.
    assert.ok(sawText('gemini', 'repo-only: Code outside src/repo/').length > 0, 'the audit prompt has the rule');
    assert.ok(sawText('gemini', '+export const a = 2;').length > 0, 'the audit prompt has the diff');
    assert.ok(costAgents(dir).includes('gemini@aok-audit'));
  });

  it('the Gemini auditor holds the mission: file:line and the rule in the reasons; inventions dropped', async () => {
    const findings = JSON.stringify({
      findings: [
        { rule: 'repo-only', file: 'src/calc.ts', line: 2, message: 'runs SQL outside the repository' },
        // Not changed by the mission, and a rule the auditor was not given: neither is a violation.
        { rule: 'repo-only', file: 'src/other.ts', line: 1, message: 'invented' },
        { rule: 'made-up', file: 'src/calc.ts', line: 1, message: 'invented' },
      ],
    });
    const dir = await repo(
      { audit: 'gemini' },
      { 'src/calc.ts': auditedFile(findings), 'src/other.ts': 'x\n', '.fmes/rules.yaml': RULES },
    );
    const file = plan(dir, 'ahold', ['src/calc.ts'], 'Change a.\n\nFAKE@anthropic:replace src/calc.ts 1; 2;');
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    const rec = record(dir, 'ahold');
    assert.equal(r.code, 4, `${rec.reason}\n${r.stdout}\n${r.stderr}`);
    assert.equal(rec.state, 'review');
    assert.equal(rec.rules?.audit?.ok, true, rec.rules?.audit?.message);
    assert.deepEqual(
      rec.rules?.violations.map((v) => `${v.source} ${v.file}:${v.line} ${v.rule}: ${v.message}`),
      [
        'audit src/calc.ts:2 repo-only: All DB access goes through the Repository pattern. — runs SQL outside the repository',
      ],
    );
    assert.match(
      rec.reason ?? '',
      /src\/calc\.ts:2: repo-only: All DB access goes through the Repository pattern\. — runs SQL outside the repository/,
    );
    assert.doesNotMatch(rec.reason ?? '', /invented/);
  });
});

describe('the review round with the real CLIs', () => {
  it('Gemini requests changes, Claude answers the comments in a second run, Gemini approves: ready', async () => {
    const dir = await repo({ review: { agent: 'gemini', rounds: 1 } }, { 'src/calc.ts': 'export const a = 1;\n' });
    const changes = JSON.stringify({
      verdict: 'request_changes',
      summary: 'two is not enough',
      comments: [{ file: 'src/calc.ts', line: 1, message: 'raise-it-to-three please' }],
    });
    const approve = JSON.stringify({ verdict: 'approve', summary: 'three it is', comments: [] });
    const file = plan(
      dir,
      'round',
      ['src/calc.ts'],
      [
        'Change a.',
        '',
        // Claude's second run is told the comment; Gemini's second review sees the new line in the diff.
        'FAKE@anthropic[if=raise-it-to-three please]:replace src/calc.ts 2; 3;',
        'FAKE@anthropic:replace src/calc.ts 1; 2;',
        `FAKE@gemini[if=+export const a = 3;]:say ${approve}`,
        `FAKE@gemini:say ${changes}`,
      ].join('\n'),
    );
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    const rec = record(dir, 'round');
    assert.equal(r.code, 0, `${rec.reason}\n${r.stdout}\n${r.stderr}`);
    assert.equal(rec.state, 'readyToMerge');
    assert.equal(missionFile(dir, 'round', 'src/calc.ts'), 'export const a = 3;\n');
    assert.equal(rec.review?.verdict, 'approve');
    assert.equal(rec.review?.rounds, 1);
    assert.equal(rec.review?.agent, 'gemini@round-review');
    // Two runs of the author, the second one told the review (its prompt reached the model).
    assert.deepEqual(
      rec.attempts.map((a) => `${a.agent} ${a.ok}`),
      ['claude@round true', 'claude@round true'],
    );
    const told = sawText('anthropic', 'requests changes').filter((q) =>
      JSON.stringify(q.body).includes('src/calc.ts:1: raise-it-to-three please'),
    );
    assert.ok(told.length > 0, 'no request of Claude carried the reviewer comment');
    assert.ok(JSON.stringify(told[0]?.body).includes('Summary: two is not enough'));
    assert.equal(costAgents(dir).filter((a) => a === 'gemini@round-review').length, 2, costAgents(dir).join(', '));
  });
});

describe('Codex as the reviewer with the real CLI', () => {
  it('runs read-only: its write is refused, the file stays, and its verdict is parsed', async () => {
    const dir = await repo({ review: { agent: 'codex' } }, { 'src/calc.ts': 'export const a = 1;\n' }, [
      'claude',
      'codex',
    ]);
    const changes = JSON.stringify({
      verdict: 'request_changes',
      summary: 'codex-review-summary',
      comments: [{ file: 'src/calc.ts', line: 1, message: 'name the constant' }],
    });
    const file = plan(
      dir,
      'cx',
      ['src/calc.ts'],
      `Change a.\n\nFAKE@anthropic:replace src/calc.ts 1; 2;\nFAKE@openai:writesay src/calc.ts ${changes}`,
    );
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    const rec = record(dir, 'cx');
    assert.equal(r.code, 4, `${rec.reason}\n${r.stdout}\n${r.stderr}`);
    assert.equal(rec.state, 'review');
    // The reviewer tried to overwrite the file: the tool call failed...
    const results = sawText('openai', 'codex-review-summary')
      .map((q) => openaiConversation(q.body as Record<string, unknown>).lastToolResult)
      .filter((x) => x !== undefined);
    assert.ok(results.length > 0, 'Codex never sent the result of its write');
    assert.ok(
      // In F-MES's sandbox the checkout is bound read-only ("Failed to write file", exit 1); without it,
      // Codex's own read-only mode rejects the patch.
      results.every((x) => x.isError || /Failed to write file|patch rejected|read-only/i.test(x.text)),
      JSON.stringify(results),
    );
    // ...the file is the author's, and the verdict counts.
    assert.equal(missionFile(dir, 'cx', 'src/calc.ts'), 'export const a = 2;\n');
    assert.equal(rec.review?.agent, 'codex@cx-review', rec.reason);
    assert.equal(rec.review?.verdict, 'request_changes');
    assert.deepEqual(rec.review?.comments, [{ file: 'src/calc.ts', line: 1, message: 'name the constant' }]);
    assert.match(rec.reason ?? '', /codex@cx-review requests changes: codex-review-summary/);
    assert.match(rec.reason ?? '', /src\/calc\.ts:1: name the constant/);
    assert.ok(costAgents(dir).includes('codex@cx-review'));
  });

  it('without the sandbox, its own read-only mode rejects a write to a git-ignored file', async () => {
    const dir = await repo(
      { review: { agent: 'codex' } },
      { 'src/calc.ts': 'export const a = 1;\n' },
      ['claude', 'codex'],
      { sandbox: { mode: 'off' } },
    );
    const approve = JSON.stringify({ verdict: 'approve', summary: 'codex-nosandbox-ok', comments: [] });
    const file = plan(
      dir,
      'cxo',
      ['src/calc.ts'],
      `Change a.\n\nFAKE@anthropic:replace src/calc.ts 1; 2;\nFAKE@openai:writesay .env ${approve}`,
    );
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    const rec = record(dir, 'cxo');
    assert.equal(r.code, 0, `${rec.reason}\n${r.stdout}\n${r.stderr}`);
    assert.equal(rec.state, 'readyToMerge');
    assert.equal(rec.review?.verdict, 'approve');
    const results = sawText('openai', 'codex-nosandbox-ok')
      .map((q) => openaiConversation(q.body as Record<string, unknown>).lastToolResult)
      .filter((x) => x !== undefined);
    assert.ok(results.length > 0, 'Codex never sent the result of its write');
    assert.ok(
      results.every((x) => x.isError || /patch rejected|read-only/i.test(x.text)),
      JSON.stringify(results),
    );
    assert.equal(fs.existsSync(path.join(dir, rec.worktree ?? '.', '.env')), false, 'the .env was written');
  });
});
