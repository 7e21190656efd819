// `npm start`'s system check (scripts/requirements.mjs): what it finds missing, the one command it prints, and
// that without a terminal it installs nothing and says so.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { installCommand, missingRequirements, REQUIREMENTS, type Requirement } from '../../../scripts/requirements.mjs';

const ROOT = path.resolve(__dirname, '../../..');
const req = (what: string, present: boolean, o: Partial<Requirement> = {}): Requirement => ({
  what,
  why: `${what} is needed`,
  check: () => present,
  when: () => true,
  ...o,
});

describe('npm start requirements', () => {
  test('only what this run needs and lacks is missing', () => {
    const list = [
      req('git', true, { apt: 'git' }),
      req('rg', false, { apt: 'ripgrep', when: ({ codeServerInstalled }) => !codeServerInstalled }),
      req('chromium', false, { apt: 'chromium', when: ({ smoke }) => smoke }),
    ];
    assert.deepEqual(
      missingRequirements({ list, installed: false }).map((r) => r.what),
      ['rg'],
    );
    assert.deepEqual(
      missingRequirements({ list, installed: true, smoke: true }).map((r) => r.what),
      ['chromium'],
    );
  });

  test('one command: apt (sudo unless root) on Linux, brew on macOS, none elsewhere', () => {
    const missing = REQUIREMENTS.filter((r) => ['git', 'Chromium'].includes(r.what) || r.what.startsWith('python3'));
    assert.equal(
      installCommand(missing, { platform: 'linux', root: false, hasApt: true }),
      'sudo apt-get install -y git python3 make g++ chromium',
    );
    assert.equal(
      installCommand(missing, { platform: 'linux', root: true, hasApt: true }),
      'apt-get install -y git python3 make g++ chromium',
    );
    assert.equal(
      installCommand(missing, { platform: 'darwin', hasBrew: true }),
      'brew install git python && brew install --cask chromium',
    );
    assert.equal(installCommand(missing, { platform: 'linux', hasApt: false }), undefined);
  });

  test('every requirement names its apt and brew package and why it is needed', () => {
    for (const r of REQUIREMENTS) {
      assert.ok(r.apt && r.brew, r.what);
      assert.ok(r.why.length > 10, r.what);
    }
  });

  test('npm start without a terminal and without git: prints the command, installs nothing, exits 1', () => {
    // A PATH with node only: git, rg and the build tools are "missing"; no terminal, so nothing is asked or run.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
      encoding: 'utf8',
      env: { PATH: path.join(ROOT, 'no-such-dir'), HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /npm start needs:\n {2}- git: /);
    assert.match(r.stderr, /Install them with:\n {2}(sudo )?apt-get install -y .*\bgit\b/);
    assert.doesNotMatch(r.stdout + r.stderr, /packaging F-MES|Run this command now/);
  });
});
