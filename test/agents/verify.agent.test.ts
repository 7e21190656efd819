import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fmes } from './runHarness';
import { costAgents, plan, record, verifyBed } from './verifyBed';

// The verification steps with the REAL CLIs against the fake model API, through the bundled `fmes` (dist/cli.mjs,
// which loads @ast-grep/napi from dist/node_modules): rules on the diff, a Gemini reviewer of a Claude change,
// and the Gemini planner re-planning what Claude failed. Directives are per provider (FAKE@anthropic / @gemini),
// since the reviewer and the planner read the plan's body too. The audit agent, the review round and Codex as
// the reviewer: verifyLoop.agent.test.ts.

const { repo } = verifyBed();

describe('verification with the real CLIs', () => {
  it('Claude writes, the rules flag the changed line, Gemini reviews and requests changes', async () => {
    const dir = await repo(
      { review: { agent: 'auto' } },
      {
        'src/calc.ts': "export const total = 'x';\nconst f = eval;\n",
        '.fmes/rules.yaml': 'rules:\n  - id: no-eval\n    message: Never call eval.\n    pattern: eval($X)\n',
      },
    );
    const answer = JSON.stringify({
      verdict: 'request_changes',
      summary: 'eval is unsafe',
      comments: [{ file: 'src/calc.ts', line: 2, message: 'drop eval' }],
    });
    const file = plan(
      dir,
      'calc',
      ['src/calc.ts'],
      `Call f.\n\nFAKE@anthropic:replace src/calc.ts eval; eval(1);\nFAKE@gemini:say ${answer}`,
    );
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 4, `${r.stdout}\n${r.stderr}`);
    const rec = record(dir, 'calc');
    assert.equal(rec.state, 'review');
    assert.deepEqual(
      rec.rules?.violations.map((v) => `${v.file}:${v.line} ${v.rule}`),
      ['src/calc.ts:2 no-eval'],
    );
    assert.equal(rec.review?.agent, 'gemini@calc-review', rec.reason);
    assert.equal(rec.review?.verdict, 'request_changes');
    assert.match(rec.reason ?? '', /src\/calc\.ts:2: no-eval: Never call eval\./);
    assert.match(rec.reason ?? '', /src\/calc\.ts:2: drop eval/);
    const agents = costAgents(dir);
    assert.ok(agents.includes('claude@calc') && agents.includes('gemini@calc-review'), agents.join(', '));
  });

  it('Claude fails, the Gemini planner writes calc-r1, and Claude does the revised plan', async () => {
    const dir = await repo({}, { 'src/ok.txt': 'base\n' });
    const revised =
      '---\\nid: hop-r1\\ntitle: Smaller\\nfiles: [src/hop.txt]\\nrisk: low\\nrollback: git revert\\n---\\nFAKE@anthropic:write src/hop.txt';
    const file = plan(dir, 'hop', ['src/hop.txt'], `FAKE@anthropic:error 400\nFAKE@gemini:say ${revised}`);
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 5, `${r.stdout}\n${r.stderr}`);
    assert.match(record(dir, 'hop').reason ?? '', /re-planned as \.antigravity\/plans\/hop-r1\.md/);
    const next = record(dir, 'hop-r1');
    assert.equal(next.state, 'readyToMerge', next.reason);
    assert.equal(next.replanOf, 'hop');
    assert.match(fs.readFileSync(path.join(dir, '.antigravity/plans/hop-r1.md'), 'utf8'), /^---\nid: hop-r1\n/);
    assert.ok(costAgents(dir).includes('gemini@hop-replan'));
  });

  it('a reviewer that tries to write is refused by its read-only mode, and its review is void', async () => {
    const dir = await repo({ review: { agent: 'gemini' } }, { 'src/calc.ts': 'export const a = 1;\n' });
    const file = plan(
      dir,
      'ro',
      ['src/calc.ts'],
      'Change a.\n\nFAKE@anthropic:replace src/calc.ts 1; 2;\nFAKE@gemini:write src/calc.ts',
    );
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 4, `${r.stdout}\n${r.stderr}`);
    const rec = record(dir, 'ro');
    assert.equal(rec.state, 'review');
    // The reviewer writes a declared file (F-MES's hook would allow it): Gemini's plan mode did not let the write
    // through, and no review came back (the mission is held).
    assert.equal(fs.readFileSync(path.join(dir, rec.worktree ?? '.', 'src/calc.ts'), 'utf8'), 'export const a = 2;\n');
    assert.match(rec.reason ?? '', /review by gemini failed/);
    assert.equal(rec.review, undefined);
    assert.ok(costAgents(dir).includes('gemini@ro-review'));
  });

  it('a Claude reviewer cannot write either', async () => {
    const dir = await repo(
      { chain: ['gemini'], review: { agent: 'claude' } },
      { 'src/calc.ts': 'export const a = 1;\n' },
    );
    const file = plan(
      dir,
      'rosh',
      ['src/calc.ts'],
      'Change a.\n\nFAKE@gemini:replace src/calc.ts 1; 2;\nFAKE@anthropic:write src/calc.ts',
    );
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 4, `${r.stdout}\n${r.stderr}`);
    const rec = record(dir, 'rosh');
    assert.equal(rec.state, 'review');
    assert.equal(fs.readFileSync(path.join(dir, rec.worktree ?? '.', 'src/calc.ts'), 'utf8'), 'export const a = 2;\n');
    assert.match(rec.reason ?? '', /review by claude failed/);
  });
});
