import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultConfig, parseConfig, type OrchestratorConfig } from '../../../../src/core/config';
import {
  classifyPlan,
  FALLBACK_TASK_TYPE,
  inferComplexity,
  inferTaskType,
} from '../../../../src/core/orchestrator/classify';
import { AGENT_KINDS } from '../../../../src/core/agents/types';
import { planMetaSchema, type Plan, type PlanMetaInput } from '../../../../src/core/schemas/plan';

function plan(meta: Partial<PlanMetaInput> = {}, body = 'Do the thing.'): Plan {
  return {
    meta: planMetaSchema.parse({ id: 't1', title: 'Something', files: ['src/a.ts'], rollback: 'git revert', ...meta }),
    body,
  };
}

function config(orchestrator: unknown = {}): OrchestratorConfig {
  const { config: c, issues } = parseConfig({ orchestrator });
  assert.deepEqual(issues, []);
  return c.orchestrator;
}

const DEFAULTS = defaultConfig.orchestrator;

test('inferTaskType: title first, then body; the first row of the table wins; nothing gives general', () => {
  const cases: Array<[title: string, body: string, type: string]> = [
    ['Fix the login redirect', '', 'bugfix'],
    ['Login redirect loops', 'This is a bug in the guard.', 'bugfix'],
    ['Add tests for the parser', '', 'test'],
    ['Refactor the auth module', '', 'refactor'],
    ['Fix typo in README', '', 'docs'],
    ['Upgrade the Terraform provider', '', 'infra'],
    ['Move the cluster to k8s 1.30', '', 'infra'],
    ['Implement CSV export', '', 'feature'],
    ['인증 모듈 리팩토링', '', 'refactor'],
    ['Rework things', 'Nothing here names a kind.', FALLBACK_TASK_TYPE],
    // "prefix" and "testament" are not the words "fix" and "test".
    ['Prefix testament', '', FALLBACK_TASK_TYPE],
    // The title decides before the body does.
    ['Refactor the store', 'fix the bug in tests', 'refactor'],
  ];
  for (const [title, body, type] of cases) assert.equal(inferTaskType(title, body), type, title);
});

test('inferComplexity: file weight (folders weigh 5) and body length; the larger rank wins', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: Array<[files: string[], body: string, c: string]> = [
    [['a.ts'], 'short', 'trivial'],
    [['a.ts', 'b.ts'], 'short', 'small'],
    [['a.ts'], long(301), 'small'],
    [['src/'], 'short', 'medium'],
    [['a', 'b', 'c', 'd'], 'short', 'medium'],
    [['a.ts'], long(6_001), 'large'],
    [['src/', 'lib/', 'x.ts'], 'short', 'large'],
    [['.'], 'short', 'medium'],
    [['a.ts'], long(300), 'trivial'],
  ];
  for (const [files, body, c] of cases)
    assert.equal(inferComplexity(files, body), c, `${files.join(',')} / ${body.length}`);
});

test('front matter type and complexity win over routes and inference', () => {
  const cfg = config({ routes: [{ when: {}, taskType: 'routed' }] });
  const c = classifyPlan(plan({ type: 'chore', complexity: 'large', title: 'Fix tests' }), cfg);
  assert.equal(c.taskType, 'chore');
  assert.equal(c.complexity, 'large');
  const d = classifyPlan(plan({ title: 'Fix tests' }), cfg);
  assert.equal(d.taskType, 'routed');
  const e = classifyPlan(plan({ title: 'Fix the crash' }), DEFAULTS);
  assert.equal(e.taskType, 'bugfix');
  assert.equal(e.complexity, 'trivial');
});

test('routes: every condition must hold; the first match wins', () => {
  const cfg = config({
    routes: [
      { when: { type: 'infra', risk: 'high' }, agent: 'claude', chain: ['codex'], maxTurns: 5 },
      { when: { files: '**/*.tf' }, agent: 'codex', taskType: 'terraform' },
      { when: { text: 'graph\\s?ql' }, chain: ['gemini', 'codex'] },
      { when: { complexity: 'large' }, agent: 'claude', budgetUsd: 9 },
      { when: { files: 'docs/' }, agent: 'gemini' },
    ],
  });
  const cases: Array<[meta: Partial<PlanMetaInput>, body: string, chain: string[], extra?: Record<string, unknown>]> = [
    [{ title: 'Terraform upgrade', risk: 'high' }, '', ['claude', 'codex'], { maxTurns: 5 }],
    [
      { title: 'Terraform upgrade', risk: 'medium', files: ['infra/main.tf'] },
      '',
      ['codex', 'claude', 'gemini'],
      { taskType: 'terraform' },
    ],
    [
      { title: 'Terraform upgrade', risk: 'medium', type: 'infra', files: ['infra/main.tf'] },
      '',
      ['codex', 'claude', 'gemini'],
      { taskType: 'infra' },
    ],
    [{ title: 'Tweak', files: ['infra/main.tf'] }, '', ['codex', 'claude', 'gemini'], { taskType: 'terraform' }],
    [{ title: 'Tweak the GraphQL schema' }, '', ['gemini', 'codex']],
    [{ title: 'Tweak', complexity: 'large' }, '', ['claude', 'gemini', 'codex'], { budgetUsd: 9 }],
    [{ title: 'Tweak', files: ['docs/guide.md'] }, '', ['gemini', 'claude', 'codex']],
    [{ title: 'Tweak', files: ['docs/'] }, '', ['gemini', 'claude', 'codex']],
    [{ title: 'Tweak' }, '', ['claude', 'gemini', 'codex']],
  ];
  for (const [meta, body, chain, extra] of cases) {
    const c = classifyPlan(plan(meta, body || 'Do it.'), cfg);
    assert.deepEqual(c.chain, chain, JSON.stringify(meta));
    if (extra?.maxTurns !== undefined) assert.equal(c.limits.maxTurns, extra.maxTurns);
    if (extra?.budgetUsd !== undefined) assert.equal(c.limits.budgetUsd, extra.budgetUsd);
    if (extra?.taskType !== undefined) assert.equal(c.taskType, extra.taskType);
  }
});

test("chain: the plan's agent first, then the route's agent and chain (or the config's), without duplicates", () => {
  const cfg = config({
    chain: ['gemini', 'codex'],
    routes: [{ when: { type: 'docs' }, agent: 'codex', chain: ['codex', 'claude'] }],
  });
  assert.deepEqual(classifyPlan(plan({ agent: 'claude' }), cfg).chain, ['claude', 'gemini', 'codex']);
  assert.deepEqual(classifyPlan(plan({ agent: 'auto' }), cfg).chain, ['gemini', 'codex']);
  assert.deepEqual(classifyPlan(plan({ agent: 'gemini', type: 'docs' }), cfg).chain, ['gemini', 'codex', 'claude']);
  // An agent id that is no CLI (a planner) leaves the chain alone.
  assert.deepEqual(classifyPlan(plan({ agent: 'antigravity' }), cfg).chain, ['gemini', 'codex']);
});

test('limits: front matter beats the route; nothing given stays undefined', () => {
  const cfg = config({ routes: [{ when: {}, maxTurns: 7, budgetUsd: 1.5, timeoutSec: 60 }] });
  assert.deepEqual(classifyPlan(plan({ maxTurns: 3 }), cfg).limits, { maxTurns: 3, budgetUsd: 1.5, timeoutSec: 60 });
  assert.deepEqual(classifyPlan(plan({ maxTurns: 3, budgetUsd: 4, timeoutSec: 9 }), cfg).limits, {
    maxTurns: 3,
    budgetUsd: 4,
    timeoutSec: 9,
  });
  assert.deepEqual(classifyPlan(plan(), DEFAULTS).limits, {});
});

test('approval: risk, deny-list commands in the body, and destructive terraform plan output', () => {
  const tfSummary = [
    '```',
    'Terraform will perform the following actions:',
    '',
    '  # aws_s3_bucket.logs will be destroyed',
    '  - resource "aws_s3_bucket" "logs" {',
    '    }',
    '',
    'Note: You didn\'t use the -out option, so run "terraform apply" now.',
    'Plan: 1 to add, 0 to change, 2 to destroy.',
    '```',
  ].join('\n');
  const cases: Array<[name: string, meta: Partial<PlanMetaInput>, body: string, reasons: string[]]> = [
    ['nothing', { risk: 'medium' }, 'Rename the function and run `npm test`.', []],
    ['risk', { risk: 'high' }, 'Rename.', ['risk: high']],
    ['inline span', {}, 'Then `git push --force origin main`.', ['deny list (deny): git push --force origin main']],
    ['prompt line', {}, 'Run:\n\n$ git reset --hard HEAD~1\n', ['deny list (ask): git reset --hard HEAD~1']],
    [
      'fenced bash, each command named',
      {},
      '```bash\nnpm ci\nkubectl delete deployment web\ngit clean -fdx\n```',
      ['deny list (ask): kubectl delete deployment web', 'deny list (ask): git clean -fdx'],
    ],
    [
      'console block: only prompts',
      {},
      '```console\n$ terraform destroy\nrm -rf / (output, not a command)\n```',
      ['deny list (ask): terraform destroy'],
    ],
    ['other languages are not commands', {}, '```ts\nexec("rm -rf /");\n```\n```hcl\nresource "x" "y" {}\n```', []],
    [
      'continuation lines join',
      {},
      '```sh\nterraform apply \\\n  -auto-approve\n```',
      ['deny list (ask): terraform apply -auto-approve'],
    ],
    ['heredoc sql', {}, "```sh\npsql <<'SQL'\nDROP TABLE users;\nSQL\n```", ["deny list (deny): psql <<'SQL'"]],
    [
      'terraform summary and addresses',
      {},
      tfSummary,
      ['terraform plan destroys 2 resources', 'terraform plan destroys aws_s3_bucket.logs'],
    ],
    [
      'terraform replace',
      {},
      '  # aws_instance.web must be replaced\n-/+ resource "aws_instance" "web" {',
      ['terraform plan replaces aws_instance.web'],
    ],
    ['nothing destroyed', {}, 'Plan: 3 to add, 1 to change, 0 to destroy.', []],
    [
      'with imports',
      {},
      'Plan: 1 to import, 0 to add, 0 to change, 1 to destroy.',
      ['terraform plan destroys 1 resource'],
    ],
    [
      'colour codes',
      {},
      '\x1b[1mPlan:\x1b[0m 0 to add, 0 to change, 4 to destroy.',
      ['terraform plan destroys 4 resources'],
    ],
    [
      'unbalanced quote in a shell block asks',
      {},
      "```bash\necho 'unterminated; terraform destroy\n```",
      ["deny list (ask): echo 'unterminated; terraform destroy"],
    ],
    ['unbalanced quote in prose code does not', {}, "`can't terraform`", []],
  ];
  for (const [name, meta, body, reasons] of cases) {
    const c = classifyPlan(plan(meta, body), DEFAULTS);
    assert.deepEqual(c.approval.reasons, reasons, name);
    assert.equal(c.approval.required, reasons.length > 0, name);
  }
});

test('approvalRisks comes from the config', () => {
  const cfg = config({ approvalRisks: ['medium', 'high'] });
  assert.deepEqual(classifyPlan(plan({ risk: 'medium' }), cfg).approval, { required: true, reasons: ['risk: medium'] });
  assert.deepEqual(classifyPlan(plan({ risk: 'high' }), config({ approvalRisks: [] })).approval, {
    required: false,
    reasons: [],
  });
});

test('settings rules: a disabled deny-list rule no longer asks', async () => {
  const { mergeRules, DEFAULT_RULES } = await import('../../../../src/hot/safety/denyList');
  const { rules } = mergeRules(DEFAULT_RULES, [{ id: 'git-reset-hard', disabled: true }]);
  const p = plan({}, '$ git reset --hard');
  assert.equal(classifyPlan(p, DEFAULTS).approval.required, true);
  assert.equal(classifyPlan(p, DEFAULTS, { rules }).approval.required, false);
});

test('property: classification never throws, the chain is non-empty, unique CLIs, and approval matches its reasons', () => {
  const kind = fc.constantFrom(...AGENT_KINDS);
  const cfgArb = fc.record({
    chain: fc.uniqueArray(kind, { minLength: 1, maxLength: 3 }),
    routes: fc.array(
      fc.record({
        when: fc.record({ type: fc.constantFrom('docs', 'test', 'infra') }, { requiredKeys: [] }),
        agent: fc.option(kind, { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
  });
  const bodyArb = fc
    .array(
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          '```bash',
          '```',
          '$ rm -rf /',
          '`git push -f`',
          'Plan: 0 to add, 0 to change, 1 to destroy.',
          '# x will be destroyed',
        ),
      ),
      { maxLength: 12 },
    )
    .map((ls) => ls.join('\n'));
  fc.assert(
    fc.property(
      cfgArb,
      fc.constantFrom('auto', 'claude', 'codex', 'someone'),
      fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
      bodyArb,
      (raw, agent, title, body) => {
        const cfg = config(raw);
        const c = classifyPlan(plan({ agent, title: title.slice(0, 200) }, body), cfg);
        assert.ok(c.chain.length > 0);
        assert.equal(new Set(c.chain).size, c.chain.length);
        assert.ok(c.chain.every((k) => (AGENT_KINDS as readonly string[]).includes(k)));
        if (agent !== 'auto' && agent !== 'someone') assert.equal(c.chain[0], agent);
        assert.equal(c.approval.required, c.approval.reasons.length > 0);
      },
    ),
    { numRuns: 200 },
  );
});
