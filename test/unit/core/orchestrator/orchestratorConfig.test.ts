import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, parseConfig } from '../../../../src/core/config';
import { PLAN_COMPLEXITIES, PLAN_RISKS } from '../../../../src/core/orchestrator/orchestratorConfig';
import { planComplexitySchema, planRiskSchema } from '../../../../src/core/schemas/plan';

test('defaults', () => {
  assert.deepEqual(defaultConfig.orchestrator, {
    chain: ['claude', 'gemini', 'codex'],
    retries: 1,
    routes: [],
    onConflict: 'wait',
    waitTimeoutSec: 600,
    approvalRisks: ['high'],
    linkDirs: ['node_modules'],
    worktrees: true,
    auto: false,
    parallel: 2,
    audit: '',
    review: { agent: '', when: ['low', 'medium', 'high'], rounds: 0 },
    planner: 'gemini',
    replans: 1,
    proofThreshold: 0.01,
  });
});

test("the mirrored enums equal the plan schema's", () => {
  assert.deepEqual([...PLAN_COMPLEXITIES], planComplexitySchema.options);
  assert.deepEqual([...PLAN_RISKS], planRiskSchema.options);
});

test('a bad field is reported by name and replaced by its default', () => {
  const { config, issues } = parseConfig({
    orchestrator: { chain: ['claude', 'claude'], retries: 2, onConflict: 'panic', linkDirs: ['../x'] },
  });
  assert.deepEqual(issues.map((i) => i.field).sort(), [
    'orchestrator.chain',
    'orchestrator.linkDirs.0',
    'orchestrator.onConflict',
  ]);
  assert.deepEqual(config.orchestrator.chain, ['claude', 'gemini', 'codex']);
  assert.equal(config.orchestrator.retries, 2);
  assert.equal(config.orchestrator.onConflict, 'wait');
});

test('a route with any bad part is dropped whole (a dropped condition would widen it); the others stay', () => {
  const good = { when: { type: 'docs' }, agent: 'gemini' };
  const cases: Array<[route: unknown, message: RegExp]> = [
    [{ when: { typ: 'docs' }, agent: 'gemini' }, /when: .*typ/],
    [{ when: { text: '(' }, agent: 'gemini' }, /when\.text: must be a valid regular expression/],
    [{ when: { complexity: 'huge' } }, /when\.complexity/],
    [{ when: {}, agent: 'copilot' }, /agent/],
    [{ agent: 'gemini' }, /when/],
    [{ when: {}, maxTurns: 1.5 }, /maxTurns/],
  ];
  for (const [route, message] of cases) {
    const { config, issues } = parseConfig({ orchestrator: { routes: [route, good], retries: 3 } });
    assert.equal(issues.length > 0, true, JSON.stringify(route));
    assert.ok(
      issues.every((i) => i.field === 'orchestrator.routes.0'),
      JSON.stringify(issues),
    );
    assert.ok(
      issues.some((i) => message.test(i.message)),
      `${JSON.stringify(route)}: ${JSON.stringify(issues)}`,
    );
    assert.deepEqual(config.orchestrator.routes, [good], JSON.stringify(route));
    assert.equal(config.orchestrator.retries, 3);
  }
});

test('valid routes parse as written', () => {
  const routes = [
    {
      when: { type: 'infra', complexity: 'large', risk: 'high', files: '**/*.tf', text: 'terraform' },
      agent: 'claude',
      chain: ['codex'],
      taskType: 'infra',
      maxTurns: 10,
      budgetUsd: 3,
      timeoutSec: 600,
    },
    { when: {}, chain: ['gemini'] },
  ];
  const { config, issues } = parseConfig({ orchestrator: { routes } });
  assert.deepEqual(issues, []);
  assert.deepEqual(config.orchestrator.routes, routes);
});
