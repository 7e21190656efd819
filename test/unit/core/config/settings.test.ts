// package.json's `contributes.configuration` against core's config schema: the editor's settings must be the
// schema's fields, with its defaults, enums and bounds, and the settings that weaken safety must stay out of
// a workspace's reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AGENT_KINDS } from '../../../../src/core/agents/types';
import { defaultConfig, parseConfig } from '../../../../src/core/config';
import {
  CONFIG_FILE_ONLY,
  SETTINGS,
  settingKeys,
  settingsContribution,
  userOnlySettings,
  valueAt,
} from '../../../../src/core/configSettings';
import { PLAN_RISKS } from '../../../../src/core/orchestrator/orchestratorConfig';

interface Contributed {
  scope?: string;
  type?: string;
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  items?: { enum?: unknown[] };
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, { description?: string }>;
}

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { configuration: { title: string; properties: Record<string, Contributed> } };
};
const contributed = pkg.contributes.configuration.properties;
const key = (k: string) => k.replace(/^fmes\./, '');

test('package.json contributes exactly what the schema generates (else run `npm run settings`)', () => {
  assert.deepEqual(pkg.contributes.configuration, settingsContribution());
});

test('the settings are the schema fields, less the config-file-only ones, and every one is described', () => {
  assert.deepEqual(Object.keys(contributed).map(key).sort(), settingKeys().sort());
  assert.deepEqual(Object.keys(SETTINGS).sort(), settingKeys().sort());
  for (const top of CONFIG_FILE_ONLY)
    assert.ok(!Object.keys(contributed).some((k) => key(k).split('.')[0] === top), `${top} is not an editor setting`);
  assert.ok(
    settingKeys().includes('budget.dailyUsd') &&
      settingKeys().includes('agents.codex') &&
      settingKeys().includes('prices'),
  );
  for (const [k, v] of Object.entries(contributed)) {
    assert.ok(v.description ?? v.markdownDescription, `${k} has a description`);
    for (const [f, p] of Object.entries(v.properties ?? {})) assert.ok(p.description, `${k}.${f} has a description`);
  }
});

test("every default is the schema's default, the agents' new ones included", () => {
  for (const [k, v] of Object.entries(contributed)) assert.deepEqual(v.default, valueAt(defaultConfig, key(k)), k);
  assert.deepEqual((contributed['fmes.agents.codex'].default as { args: string[] }).args, ['-s', 'workspace-write']);
  assert.deepEqual((contributed['fmes.agents.gemini'].default as { allowedTools: string[] }).allowedTools, [
    'run_shell_command',
  ]);
  // Every default parses cleanly: the editor would otherwise warn about its own defaults.
  const raw: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(contributed)) {
    const [group, field] = key(k).split('.') as [string, string | undefined];
    if (field === undefined) Object.assign(raw, { [group]: v.default });
    else (raw[group] ??= {})[field] = v.default;
  }
  assert.deepEqual(parseConfig(raw), { config: defaultConfig, issues: [] });
});

test('the settings that weaken safety keep their machine/application scope; no other setting has one', () => {
  const scoped = Object.fromEntries(
    Object.entries(contributed).flatMap(([k, v]) => (v.scope ? [[key(k), v.scope]] : [])),
  );
  assert.deepEqual(scoped, {
    'agents.claude': 'machine',
    'agents.gemini': 'machine',
    'agents.codex': 'machine',
    'locks.backend': 'machine',
    'locks.namespace': 'machine',
    'orchestrator.approvalRisks': 'application',
    'orchestrator.auto': 'application',
    'sandbox.mode': 'machine',
    'sandbox.allowedDomains': 'machine',
    'sandbox.extraWritable': 'machine',
  });
  assert.deepEqual(
    userOnlySettings().sort(),
    Object.keys(scoped).sort(),
    'host/config.ts reads these from user settings only',
  );
});

test('enums are the schema enums', () => {
  assert.deepEqual(contributed['fmes.orchestrator.chain'].items?.enum, [...AGENT_KINDS]);
  assert.deepEqual(contributed['fmes.orchestrator.approvalRisks'].items?.enum, [...PLAN_RISKS]);
  assert.deepEqual(contributed['fmes.orchestrator.onConflict'].enum, ['wait', 'refuse']);
});

test('numeric bounds accept and refuse what the schema accepts and refuses', () => {
  for (const [k, v] of Object.entries(contributed)) {
    if (v.type !== 'number' && v.type !== 'integer') continue;
    const [group, field] = key(k).split('.') as [string, string | undefined];
    const ok = (n: number) =>
      parseConfig(field === undefined ? { [group]: n } : { [group]: { [field]: n } }).issues.length === 0;
    assert.ok(v.maximum !== undefined, `${k} has a maximum`);
    assert.ok(ok(v.maximum), `${k}: maximum ${v.maximum} is accepted`);
    assert.ok(!ok(v.maximum + 1), `${k}: above the maximum is refused`);
    if (v.minimum !== undefined) {
      assert.ok(ok(v.minimum), `${k}: minimum ${v.minimum} is accepted`);
      assert.ok(!ok(v.minimum - (v.type === 'integer' ? 1 : 0.001)), `${k}: below the minimum is refused`);
    } else {
      assert.equal(v.exclusiveMinimum, 0, `${k} has a lower bound`);
      assert.ok(!ok(0) && ok(0.001), `${k}: 0 is refused, just above is accepted`);
    }
    if (v.type === 'integer') assert.ok(!ok(v.maximum - 0.5), `${k}: a fraction is refused`);
  }
});
