import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { claudeAdapter, codexAdapter, geminiAdapter } from '../../../../src/core/agents/adapters';
import { PriceTable } from '../../../../src/core/agents/pricing';
import { ClaudeStreamParser } from '../../../../src/core/agents/streams/claudeStream';
import { CodexStreamParser } from '../../../../src/core/agents/streams/codexStream';
import type { StreamParser } from '../../../../src/core/agents/streams/common';
import { GeminiStreamParser } from '../../../../src/core/agents/streams/geminiStream';
import type { AgentEvent, AgentResult } from '../../../../src/core/agents/types';

// Recorded outputs of the real CLIs (Claude Code 2.1.330, Gemini CLI 0.61.0, Codex 0.169.0) against a fake
// model API: ../shared/reference, copied to test/fixtures/streams.
const FIX = path.join(__dirname, '../../../fixtures/streams');
const read = (p: string) => fs.readFileSync(path.join(FIX, p), 'utf8');

function parseAll(parser: StreamParser, text: string): AgentEvent[] {
  return text.split('\n').flatMap((l) => parser.parseLine(l));
}
const ofType = <T extends AgentEvent['type']>(evs: AgentEvent[], t: T) =>
  evs.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === t);
const resultOf = (evs: AgentEvent[]): AgentResult => {
  const r = ofType(evs, 'result');
  assert.equal(r.length, 1, 'exactly one result');
  return r[0].result;
};

describe('Claude stream-json', () => {
  it('reads a normal run: init, turns, the Write call and its result, cost and session', () => {
    const evs = parseAll(new ClaudeStreamParser(), read('claude/stream.jsonl'));
    assert.deepEqual(
      ofType(evs, 'init').map((e) => e.sessionId),
      ['d07c30e4-ecff-4dc1-9708-dbe4615a24f8'],
    );
    assert.deepEqual(
      ofType(evs, 'turn').map((e) => e.n),
      [1, 2],
      'one turn per assistant message id, not per content line',
    );
    const uses = ofType(evs, 'toolUse');
    assert.equal(uses.length, 1);
    assert.equal(uses[0].tool, 'Write');
    assert.deepEqual(
      ofType(evs, 'toolResult').map((e) => e.ok),
      [true],
    );
    assert.equal(ofType(evs, 'usage').length, 2, 'usage once per message');
    assert.equal(ofType(evs, 'unknown').length, 0);
    const r = resultOf(evs);
    assert.equal(r.ok, true);
    assert.equal(r.turns, 2);
    assert.equal(r.totalCostUsd, 0.01);
    assert.equal(r.model, 'claude-opus-5-5');
    assert.deepEqual(r.usage, { inputTokens: 2000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('an API error says subtype "success" but is_error: the result is a failure, classified apiError', () => {
    const evs = parseAll(new ClaudeStreamParser(), read('claude/result-api-error-529.json').replace(/\n/g, ' '));
    const r = resultOf(evs);
    assert.equal(r.subtype, 'success');
    assert.equal(r.ok, false);
    assert.equal(r.apiErrorStatus, 529);
    assert.equal(claudeAdapter.classifyFailure({ result: r, stderr: '', exitCode: 1 }), 'apiError');
  });

  it('turn and budget limits are classified from the subtype', () => {
    const mt = resultOf(parseAll(new ClaudeStreamParser(), read('claude/stream-maxturns.jsonl')));
    assert.equal(mt.ok, false);
    assert.equal(claudeAdapter.classifyFailure({ result: mt, stderr: '', exitCode: 1 }), 'maxTurns');
    const b = resultOf(parseAll(new ClaudeStreamParser(), read('claude/o.budget.json').replace(/\n/g, ' ')));
    assert.equal(b.ok, false);
    assert.equal(b.totalCostUsd, 12);
    assert.equal(claudeAdapter.classifyFailure({ result: b, stderr: '', exitCode: 1 }), 'budget');
  });

  it('a hook that blocks (exit 2) shows as a failed tool result and a denial', () => {
    const evs = parseAll(new ClaudeStreamParser(), read('claude/stream-hook-exit2.jsonl'));
    const d = ofType(evs, 'denial');
    assert.equal(d.length, 1);
    assert.equal(d[0].denial.tool, 'Write');
    assert.deepEqual(
      ofType(evs, 'toolResult').map((e) => e.ok),
      [false],
    );
  });

  it('a JSON deny decision is listed in the result permission_denials', () => {
    const r = resultOf(parseAll(new ClaudeStreamParser(), read('claude/stream-hook-json.jsonl')));
    assert.equal(r.denials.length, 1);
    assert.equal(r.denials[0].tool, 'Write');
    assert.equal(r.ok, true);
  });

  it('a resumed session keeps its id and reports the cumulative cost', () => {
    const evs = parseAll(new ClaudeStreamParser(), read('claude/stream-resume.jsonl'));
    const r = resultOf(evs);
    assert.equal(r.sessionId, '11111111-2222-4333-8444-555555555555');
    assert.equal(r.totalCostUsd, 0.02);
  });

  it('tolerates banners, bad JSON, unknown types and shapes; never throws', () => {
    const p = new ClaudeStreamParser();
    const evs = [
      'Warning: something odd',
      '{"type":"assistant","message":',
      '{"type":"brand_new_event","x":1}',
      '{"type":"assistant","message":{"id":5}}',
      '',
      '{"type":"system","subtype":"hook_started"}',
      '{"type":"rate_limit_event"}',
    ].flatMap((l) => p.parseLine(l));
    assert.deepEqual(
      evs.map((e) => e.type),
      ['unknown', 'unknown', 'unknown', 'unknown'],
    );
    const why = ofType(evs, 'unknown').map((e) => e.why);
    assert.match(why[0], /not a JSON object/);
    assert.match(why[1], /not valid JSON/);
    assert.match(why[3], /message\.id/);
  });

  it("knows the CLI's words for an unknown --resume id", () => {
    assert.equal(
      claudeAdapter.classifyFailure({ stderr: 'No conversation found with session ID: abc', exitCode: 1 }),
      'sessionNotFound',
    );
    assert.equal(claudeAdapter.classifyFailure({ stderr: 'something else', exitCode: 1 }), 'agentError');
  });
});

describe('Gemini stream-json', () => {
  it('reads init, a shell tool call, its result and per-model tokens; prices them with the table', () => {
    const evs = parseAll(new GeminiStreamParser(), read('gemini/gem-stream.jsonl'));
    assert.equal(ofType(evs, 'init')[0].sessionId, '53b6b5ea-ed0f-4241-8183-beb76e674e30');
    assert.equal(ofType(evs, 'toolUse')[0].tool, 'run_shell_command');
    assert.deepEqual(
      ofType(evs, 'toolResult').map((e) => e.ok),
      [true],
    );
    assert.deepEqual(
      ofType(evs, 'turn').map((e) => e.n),
      [1, 2],
    );
    const r = resultOf(evs);
    assert.equal(r.ok, true);
    assert.equal(r.totalCostUsd, undefined, 'Gemini reports no cost');
    assert.deepEqual(Object.keys(r.modelUsage ?? {}).sort(), ['gemini-3.5-flash-lite', 'gemini-fake']);
    const prices = new PriceTable();
    // gemini-fake: 2000 in × $1.25 + 100 out × $10 per MTok; the router model at flash-lite prices.
    const expected = (2000 * 1.25 + 100 * 10 + 10 * 0.1 + 5 * 0.4) / 1e6;
    assert.ok(Math.abs(prices.costOfModels(r.modelUsage!) - expected) < 1e-12);
  });

  it('a failed run is a failure; HTTP statuses in its error classify as apiError', () => {
    const p = new GeminiStreamParser();
    const evs = [
      '{"type":"init","session_id":"s1","model":"m"}',
      '{"type":"result","status":"error","error":{"type":"FatalError","message":"[API Error: 503 Service Unavailable]"}}',
    ].flatMap((l) => p.parseLine(l));
    const r = resultOf(evs);
    assert.equal(r.ok, false);
    assert.equal(geminiAdapter.classifyFailure({ result: r, stderr: '', exitCode: 1 }), 'apiError');
  });
});

describe('Codex --json', () => {
  it('makes a result from turn.completed: thread id as session, the command, tokens', () => {
    const evs = parseAll(new CodexStreamParser('gpt-5-codex'), read('codex/codex-out.jsonl'));
    assert.equal(ofType(evs, 'init')[0].sessionId, '01a20124-d83f-7822-bcf7-23970975ef61');
    const use = ofType(evs, 'toolUse');
    assert.equal(use.length, 1);
    assert.match(JSON.stringify(use[0].input), /codex-made\.txt/);
    assert.deepEqual(
      ofType(evs, 'toolResult').map((e) => e.ok),
      [true],
    );
    assert.deepEqual(
      ofType(evs, 'text').map((e) => e.text),
      ['Done (fake codex).'],
    );
    const r = resultOf(evs);
    assert.equal(r.ok, true);
    assert.equal(r.sessionId, '01a20124-d83f-7822-bcf7-23970975ef61');
    assert.deepEqual(r.usage, { inputTokens: 2000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.equal(r.text, 'Done (fake codex).');
  });

  it('turn.failed is a failure', () => {
    const p = new CodexStreamParser();
    const evs = [
      '{"type":"thread.started","thread_id":"t"}',
      '{"type":"error","message":"unexpected status 500 Internal Server Error"}',
      '{"type":"turn.failed","error":{"message":"unexpected status 500 Internal Server Error"}}',
    ].flatMap((l) => p.parseLine(l));
    const r = resultOf(evs);
    assert.equal(r.ok, false);
    assert.equal(codexAdapter.classifyFailure({ result: r, stderr: '', exitCode: 1 }), 'apiError');
  });
});

describe('failures recorded from the real CLIs', () => {
  const fixture = (name: string) => ({
    text: read(`${name}.jsonl`),
    stderr: fs.existsSync(path.join(FIX, `${name}.stderr.txt`)) ? read(`${name}.stderr.txt`) : '',
    exitCode: (JSON.parse(read(`${name}.meta.json`)) as { exitCode: number }).exitCode,
  });
  const cases = [
    ['claude/resume-unknown', claudeAdapter, () => new ClaudeStreamParser(), 'sessionNotFound'],
    ['claude/api-error-500', claudeAdapter, () => new ClaudeStreamParser(), 'apiError'],
    ['gemini/resume-unknown', geminiAdapter, () => new GeminiStreamParser(), 'sessionNotFound'],
    ['gemini/api-error-500', geminiAdapter, () => new GeminiStreamParser(), 'apiError'],
    ['codex/resume-unknown', codexAdapter, () => new CodexStreamParser(), 'sessionNotFound'],
    ['codex/api-error-500', codexAdapter, () => new CodexStreamParser(), 'apiError'],
    ['codex/api-error-400', codexAdapter, () => new CodexStreamParser(), 'agentError'],
  ] as const;
  for (const [name, adapter, parser, reason] of cases) {
    it(`${name} → ${reason}`, () => {
      const f = fixture(name);
      const evs = parseAll(parser(), f.text);
      const result = ofType(evs, 'result')[0]?.result;
      assert.notEqual(result?.ok, true, 'never a success');
      assert.notEqual(f.exitCode, 0);
      assert.equal(adapter.classifyFailure({ result, stderr: f.stderr, exitCode: f.exitCode }), reason);
    });
  }
  it('the synthetic assistant message of an API error is not a model turn', () => {
    const evs = parseAll(new ClaudeStreamParser(), read('claude/api-error-500.jsonl'));
    assert.equal(ofType(evs, 'turn').length, 0);
  });
});

describe('invocations', () => {
  const cfg = (command: string, args: string[]) => ({
    command,
    args,
    env: {},
    passEnv: [],
    model: '',
    allowedTools: [],
  });
  it('claude: prompt on stdin, stream-json, turn limit, session id or resume', () => {
    const inv = claudeAdapter.buildInvocation({
      prompt: '-rf looks like a flag',
      maxTurns: 7,
      budgetUsd: 1.5,
      allowedTools: ['Read', 'Bash(git diff:*)'],
      session: { mode: 'new', id: 'u-1' },
      config: cfg('claude', ['--permission-mode', 'acceptEdits']),
    });
    assert.equal(inv.stdin, '-rf looks like a flag');
    assert.ok(!inv.args.includes('-rf looks like a flag'), 'the prompt is never an argument');
    assert.deepEqual(inv.args.slice(0, 2), ['--permission-mode', 'acceptEdits']);
    for (const [flag, value] of [
      ['--output-format', 'stream-json'],
      ['--max-turns', '7'],
      ['--allowedTools', 'Read,Bash(git diff:*)'],
      ['--session-id', 'u-1'],
      ['--max-budget-usd', '1.5'],
    ]) {
      assert.equal(inv.args[inv.args.indexOf(flag) + 1], value, flag);
    }
    assert.ok(inv.args.includes('--verbose'), 'stream-json needs --verbose in -p mode');
    const r = claudeAdapter.buildInvocation({
      prompt: 'x',
      maxTurns: 1,
      allowedTools: [],
      session: { mode: 'resume', id: 'abc' },
      config: cfg('claude', []),
    });
    assert.equal(r.args[r.args.indexOf('--resume') + 1], 'abc');
    assert.ok(!r.args.includes('--session-id'));
  });
  it("codex: exec --json, the configured args, then F-MES's, prompt from stdin (-), resume subcommand", () => {
    const inv = codexAdapter.buildInvocation({
      prompt: 'p',
      maxTurns: 1,
      allowedTools: [],
      session: { mode: 'resume', id: 'th-1' },
      extraArgs: ['--enable', 'hooks'],
      config: cfg('codex', ['-s', 'workspace-write']),
    });
    assert.deepEqual(inv.args, ['exec', '--json', '-s', 'workspace-write', '--enable', 'hooks', 'resume', 'th-1', '-']);
  });
  it('gemini: stream-json, prompt on stdin', () => {
    const inv = geminiAdapter.buildInvocation({
      prompt: 'p',
      maxTurns: 1,
      allowedTools: [],
      model: 'gemini-x',
      session: { mode: 'new', id: 's' },
      config: cfg('gemini', ['--yolo']),
    });
    assert.equal(inv.args[inv.args.indexOf('--output-format') + 1], 'stream-json');
    assert.equal(inv.args[inv.args.indexOf('--model') + 1], 'gemini-x');
    assert.equal(inv.stdin, 'p');
  });
});
