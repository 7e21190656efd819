import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { CircuitBreaker } from '../../../../src/core/agents/breaker';
import { agentEnv } from '../../../../src/core/agents/env';
import { PriceTable } from '../../../../src/core/agents/pricing';
import { Redactor } from '../../../../src/hot/safety/redact';
import { renderRunEvent } from '../../../../src/core/agents/render';
import { SessionStore } from '../../../../src/core/agents/sessionStore';
import { parseConfig } from '../../../../src/core/config';

const made: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-agents-'));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

describe('PriceTable', () => {
  it('the longest matching prefix wins; unknown models use the fallback; overrides replace entries', () => {
    const t = new PriceTable({ 'gemini-fake': { input: 1, output: 2 } });
    assert.equal(t.priceOf('gemini-3.5-flash-lite-001').input, 0.1);
    assert.equal(t.priceOf('gemini-3.5-flash').input, 0.3);
    assert.equal(t.priceOf('gemini-fake').output, 2);
    assert.equal(t.priceOf('claude-opus-5-5').input, 5);
    assert.equal(t.priceOf('mystery-model').input, 3);
    assert.equal(t.priceOf(undefined).input, 3);
  });
  it('prices each token kind; cache prices fall back to the input price', () => {
    const t = new PriceTable({ m: { input: 2, output: 10 } });
    assert.equal(
      t.costOf({ inputTokens: 1e6, outputTokens: 1e6, cacheReadTokens: 1e6, cacheWriteTokens: 0 }, 'm'),
      2 + 10 + 2,
    );
  });
});

describe('Redactor', () => {
  it('removes the values of secret-looking variables wherever they appear, and known token shapes', () => {
    const r = new Redactor({
      ANTHROPIC_API_KEY: 'sk-test-fmes-SECRET123',
      MY_DB_PASSWORD: 'hunter2hunter2',
      PATH: '/usr/bin',
      DEBUG: 'true',
    });
    const out = r.redact(
      'key=sk-test-fmes-SECRET123 pw hunter2hunter2 gh ghp_0123456789abcdefghijABCDEFGHIJ path /usr/bin aws AKIAABCDEFGHIJKLMNOP auth: Bearer abcdefghijklmnop0123',
    );
    assert.ok(!out.includes('SECRET123'));
    assert.ok(!out.includes('hunter2'));
    assert.ok(!out.includes('ghp_0123'));
    assert.ok(!out.includes('AKIAABCD'));
    assert.ok(!out.includes('abcdefghijklmnop0123'));
    assert.match(out, /\[REDACTED:ANTHROPIC_API_KEY\]/);
    assert.match(out, /\/usr\/bin/, 'values of ordinary variables stay');
  });
  it('never leaves a secret behind, whatever surrounds it (property)', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 8, maxLength: 40 })
          .filter((s) => s.trim().length >= 8 && !'[REDACTED:SOME_TOKEN]'.includes(s)),
        fc.string(),
        fc.string(),
        (secret, a, b) => {
          const r = new Redactor({ SOME_TOKEN: secret });
          return !r.redact(`${a}${secret}${b}${secret}`).includes(secret);
        },
      ),
    );
  });
});

describe('CircuitBreaker', () => {
  const limits = { maxTurns: 3, budgetUsd: 1, timeoutMs: 10_000, dailyBudgetUsd: 5 };
  it('trips once, on the first limit crossed', () => {
    const b = new CircuitBreaker(limits);
    assert.equal(b.onTurn(3), undefined);
    assert.equal(b.onTurn(4)?.reason, 'maxTurns');
    assert.equal(b.onCost(2, 0), undefined, 'already tripped');
    assert.equal(b.breach?.reason, 'maxTurns');
  });
  it('run budget, daily budget across agents, wall time', () => {
    assert.equal(new CircuitBreaker(limits).onCost(1.01, 0)?.reason, 'budget');
    assert.equal(new CircuitBreaker(limits).onCost(0.5, 4.6)?.reason, 'dailyBudget');
    assert.equal(
      new CircuitBreaker({ ...limits, dailyBudgetUsd: 0 }).onCost(0.5, 1e9),
      undefined,
      '0 = no daily budget',
    );
    assert.equal(new CircuitBreaker(limits).onTime(10_000)?.reason, 'timeout');
    assert.equal(CircuitBreaker.canStart(limits, 5)?.reason, 'dailyBudget');
    assert.equal(CircuitBreaker.canStart(limits, 4.99), undefined);
  });
  it('messages name the limit', () => {
    assert.match(new CircuitBreaker(limits).onCost(1.5, 0)!.message, /\$1\.50 of \$1\.00/);
  });
});

describe('agentEnv', () => {
  it("passes only the documented variables, the CLI's own, passEnv and env; sets FMES_*", () => {
    const env = agentEnv({
      kind: 'claude',
      parent: {
        PATH: '/bin',
        HOME: '/h',
        ANTHROPIC_API_KEY: 'k',
        GITHUB_TOKEN: 'ghp_x',
        AWS_SECRET_ACCESS_KEY: 's',
        OPENAI_API_KEY: 'o',
        EXTRA: 'e',
      },
      passEnv: ['EXTRA'],
      env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:1' },
      fmes: { agent: 'claude', task: 't', runId: 'r', workspace: '/w' },
    });
    assert.equal(env.PATH, '/bin');
    assert.equal(env.ANTHROPIC_API_KEY, 'k');
    assert.equal(env.EXTRA, 'e');
    assert.equal(env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:1');
    assert.equal(env.GITHUB_TOKEN, undefined, "other tools' tokens stay out");
    assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined);
    assert.equal(env.OPENAI_API_KEY, undefined, "another CLI's key stays out");
    assert.equal(env.DISABLE_TELEMETRY, '1');
    assert.deepEqual([env.FMES_AGENT, env.FMES_TASK, env.FMES_RUN_ID, env.FMES_WORKSPACE], ['claude', 't', 'r', '/w']);
  });
});

describe('SessionStore', () => {
  it('keeps one file per task, agent → session; writes atomically', async () => {
    const root = tmp();
    const s = new SessionStore(root);
    assert.equal(s.get('t1', 'claude'), undefined);
    await s.put('t1', 'claude', { cli: 'claude', sessionId: 'a', totalCostUsd: 0.5 });
    await s.put('t1', 'gem', { cli: 'gemini', sessionId: 'b', totalCostUsd: 0 });
    await s.setOutcome('t1', 'claude', 'maxTurns', 'did half');
    assert.equal(s.get('t1', 'claude')?.sessionId, 'a');
    assert.equal(s.get('t1', 'claude')?.lastOutcome, 'maxTurns');
    assert.equal(s.get('t1', 'gem')?.cli, 'gemini');
    assert.deepEqual(
      s.list().map((f) => f.taskId),
      ['t1'],
    );
    assert.deepEqual(fs.readdirSync(path.join(root, '.fmes/sessions')), ['t1.json'], 'no temp files left');
  });
  it('an invalid file is reported with its field, read as empty, and kept aside when written over', async () => {
    const root = tmp();
    const seen: string[] = [];
    const s = new SessionStore(root, (file, issues) =>
      seen.push(`${path.basename(file)}: ${issues.map((i) => `${i.field} ${i.message}`).join()}`),
    );
    fs.mkdirSync(path.join(root, '.fmes/sessions'), { recursive: true });
    const bad = '{"version":1,"taskId":"t2","agents":{"claude":{"cli":"claude","sessionId":"","updatedAt":"x"}}}';
    fs.writeFileSync(s.fileOf('t2'), bad);
    assert.equal(s.get('t2', 'claude'), undefined);
    assert.match(seen[0], /t2\.json: agents\.claude\.sessionId/);
    await s.put('t2', 'claude', { cli: 'claude', sessionId: 'new', totalCostUsd: 0 });
    const names = fs.readdirSync(path.join(root, '.fmes/sessions'));
    const aside = names.find((n) => n.startsWith('t2.json.invalid-'));
    assert.ok(aside, 'the bad file is kept');
    assert.equal(fs.readFileSync(path.join(root, '.fmes/sessions', aside), 'utf8'), bad);
    assert.equal(s.get('t2', 'claude')?.sessionId, 'new');
  });
});

describe('agent settings', () => {
  it('defaults for every CLI; a bad field is named and replaced by its default, the rest kept', () => {
    const { config, issues } = parseConfig({
      agents: { claude: { command: '', model: 'claude-sonnet-5' }, codex: { env: { 'BAD NAME': 'x' } } },
      run: { maxTurns: 0, budgetUsd: 3 },
    });
    assert.equal(config.agents.claude.command, 'claude');
    assert.equal(config.agents.claude.model, 'claude-sonnet-5');
    assert.deepEqual(config.agents.codex.env, {});
    assert.equal(config.run.maxTurns, 30);
    assert.equal(config.run.budgetUsd, 3);
    assert.deepEqual(issues.map((i) => i.field).sort(), [
      'agents.claude.command',
      'agents.codex.env.BAD NAME',
      'run.maxTurns',
    ]);
  });
});

describe('renderRunEvent', () => {
  it('shows tool calls, denials, breaches and the outcome; plain text without colour', () => {
    const lines = [
      ...renderRunEvent(
        { type: 'agent', event: { type: 'toolUse', id: '1', tool: 'Bash', input: { command: 'npm test' } } },
        { color: false },
      ),
      ...renderRunEvent(
        { type: 'agent', event: { type: 'denial', denial: { tool: 'Write', input: { file_path: 'src/a.ts' } } } },
        { color: false },
      ),
      ...renderRunEvent(
        { type: 'breach', breach: { reason: 'budget', message: 'run budget reached: $1.20 of $1.00' } },
        { color: false },
      ),
    ];
    assert.deepEqual(lines, [
      '▶ Bash npm test',
      '⛔ denied: Write src/a.ts',
      '■ circuit breaker: run budget reached: $1.20 of $1.00; stopping the agent',
    ]);
    assert.ok(
      renderRunEvent({ type: 'agent', event: { type: 'text', text: 'hi' } }, { color: true }).every(
        (l) => !l.includes('\x1b[3'),
      ),
      'model text is not coloured',
    );
  });
});
