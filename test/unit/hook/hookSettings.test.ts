import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CONFIG_FILE } from '../../../src/core/configFile';
import { DEFAULT_RULES } from '../../../src/hot/safety/denyList';
import { confirmRepoConfig } from '../../../src/core/configFile';
import { DEFAULT_HOOK_SETTINGS, HOOK_CONFIG_FILE, readHookSettings } from '../../../src/hot/hook/hookSettings';

const made: string[] = [];
function workspace(config?: unknown): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-hooksettings-'));
  made.push(d);
  if (config !== undefined) {
    fs.mkdirSync(path.join(d, '.fmes'));
    fs.writeFileSync(path.join(d, CONFIG_FILE), typeof config === 'string' ? config : JSON.stringify(config));
  }
  return d;
}
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

describe('readHookSettings', () => {
  it('without a config file: the built-in defaults, which are what the config schema gives for {}', () => {
    assert.equal(HOOK_CONFIG_FILE, CONFIG_FILE);
    assert.equal(readHookSettings(workspace()), DEFAULT_HOOK_SETTINGS);
    assert.deepEqual(readHookSettings(workspace({})), DEFAULT_HOOK_SETTINGS);
    assert.deepEqual(
      readHookSettings(workspace('not json')),
      DEFAULT_HOOK_SETTINGS,
      'an unreadable file is the defaults, as for the CLI',
    );
  });

  it('with one: its ownership, webhook, grace and rule changes (a bad field falls back alone), once a person confirmed what weakens safety', () => {
    const root = workspace({
      locks: { invalidGraceSec: 9 },
      safety: {
        ownership: { 'infra/': ['sre-*'] },
        auditWebhook: 'http://127.0.0.1:9/x',
        rules: [
          { id: 'npm-publish', disabled: true },
          { id: 'no-prod-ssh', tier: 'deny', description: 'ssh to prod', program: 'ssh', argPattern: '^prod' },
        ],
      },
      budget: { dailyUsd: -1 },
    });
    const unconfirmed = readHookSettings(root);
    assert.equal(unconfirmed.auditWebhook, '', 'unconfirmed: the webhook is ignored');
    assert.ok(
      (unconfirmed.rules ?? DEFAULT_RULES).some((r) => r.id === 'npm-publish'),
      'unconfirmed: the default rule stays',
    );
    confirmRepoConfig(root);
    const s = readHookSettings(root);
    assert.equal(s.invalidGraceMs, 9_000);
    assert.deepEqual(s.ownership, { 'infra/': ['sre-*'] });
    assert.equal(s.auditWebhook, 'http://127.0.0.1:9/x');
    assert.ok(!(s.rules ?? DEFAULT_RULES).some((r) => r.id === 'npm-publish'));
    assert.equal(s.rules?.at(-1)?.id, 'no-prod-ssh');
    assert.equal(s.rules?.length, DEFAULT_RULES.length);
  });
});
