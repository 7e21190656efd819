import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, parseConfig } from '../../../../src/core/config';

test('defaults', () => {
  assert.equal(defaultConfig.budget.dailyUsd, 10);
  assert.equal(defaultConfig.readOnlyLockedFiles, true);
  assert.equal(defaultConfig.locks.detachedTtlSec, 1800);
});

test('a bad field is reported by name and replaced by its default; the rest is kept', () => {
  const { config, issues } = parseConfig({
    agentId: 'has space',
    budget: { dailyUsd: -3, warnShare: 0.5 },
    locks: { processTtlSec: 60 },
  });
  assert.deepEqual(
    issues.map((i) => i.field),
    ['agentId', 'budget.dailyUsd'],
  );
  assert.equal(config.agentId, '');
  assert.equal(config.budget.dailyUsd, 10);
  assert.equal(config.budget.warnShare, 0.5);
  assert.equal(config.locks.processTtlSec, 60);
});

test('a wrong type is an issue, not a crash', () => {
  const { config, issues } = parseConfig({ readOnlyLockedFiles: 'yes', budget: 'lots' });
  assert.ok(issues.some((i) => i.field === 'readOnlyLockedFiles'));
  assert.ok(issues.some((i) => i.field === 'budget'));
  assert.equal(config.readOnlyLockedFiles, true);
});

test('bad array elements are removed, not left as holes that would reset every setting', () => {
  const { config, issues } = parseConfig({
    budget: { dailyUsd: 7 },
    agents: { claude: { args: ['--a', 3, '--b', false] } },
    safety: { rules: [{ id: 'x', tier: 'nonsense' }] },
  });
  assert.deepEqual(
    issues.map((i) => i.field).sort(),
    ['agents.claude.args.1', 'agents.claude.args.3', 'safety.rules.0.tier'].sort(),
  );
  assert.equal(config.budget.dailyUsd, 7, 'the other settings survive');
  assert.deepEqual(config.agents.claude.args, ['--a', '--b'], 'only the bad elements are dropped, in order');
});
