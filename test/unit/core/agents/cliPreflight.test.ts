// Finding an agent CLI as its process would: bare names on PATH, paths relative to the workspace, the agent's own
// PATH; a file that is not executable, or a folder of that name, is not a CLI.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCommand, missingCliMessage, missingClis } from '../../../../src/core/agents/cliPreflight';

const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-preflight-')));
after(() => fs.rmSync(d, { recursive: true, force: true }));
const bin = path.join(d, 'bin');
const other = path.join(d, 'other');
fs.mkdirSync(bin);
fs.mkdirSync(other);
fs.mkdirSync(path.join(other, 'gemini')); // a folder named like the CLI
fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\n', { mode: 0o755 });
fs.writeFileSync(path.join(bin, 'codex'), '#!/bin/sh\n', { mode: 0o644 }); // not executable
fs.mkdirSync(path.join(d, 'tools'));
fs.writeFileSync(path.join(d, 'tools', 'my-codex'), '#!/bin/sh\n', { mode: 0o755 });

describe('agent CLI preflight', () => {
  test('bare names are looked up on PATH in order; paths are taken as they are', () => {
    assert.equal(findCommand('claude', `${other}${path.delimiter}${bin}`, d), path.join(bin, 'claude'));
    assert.equal(findCommand('gemini', `${other}${path.delimiter}${bin}`, d), undefined, 'a folder is no CLI');
    assert.equal(findCommand('codex', bin, d), undefined, 'a file without x bit is no CLI');
    assert.equal(findCommand('./tools/my-codex', '', d), path.join(d, 'tools', 'my-codex'));
    assert.equal(findCommand(path.join(d, 'tools', 'nope'), bin, d), undefined);
    assert.equal(findCommand('claude', undefined, d), undefined, 'no PATH finds nothing');
    assert.equal(findCommand('claude', '', bin), undefined, 'an empty PATH entry is not the current folder');
  });

  test("an agent's own env.PATH wins over ours", () => {
    const agents = {
      claude: { command: 'claude' },
      gemini: { command: 'gemini' },
      codex: { command: 'claude', env: { PATH: other } },
    };
    assert.deepEqual(
      missingClis(['claude', 'gemini', 'codex'], agents, { pathVar: bin, cwd: d }).map((m) => m.cli),
      ['gemini', 'codex'],
    );
  });

  test('the message names each CLI, how to install it and how to configure it', () => {
    const text = missingCliMessage([
      { cli: 'claude', command: 'claude' },
      { cli: 'codex', command: '/opt/codex' },
    ]);
    assert.match(text, /Claude Code \(`claude`\) is not installed .*`npm install -g @anthropic-ai\/claude-code`/);
    assert.match(text, /agents\.claude\.command in \.fmes\/config\.json \(then `fmes config confirm`\)/);
    assert.match(text, /Codex CLI \(`\/opt\/codex`\).*`npm install -g @openai\/codex`/);
    assert.match(
      missingCliMessage([{ cli: 'gemini', command: 'gemini' }], { editor: true }),
      /fmes\.agents\.gemini\.command/,
    );
  });
});
