import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, fmes } from '../../fixtures/cli';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-hookcli-')));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('fmes hook and dist/hook.cjs', () => {
  it('the CLI subcommand and the small entry decide alike', () => {
    assert.equal(fmes(['--workspace', root, 'lock', 'acquire', 'src', '--agent', 'gemini']).status, 0);
    const input = JSON.stringify({
      tool_name: 'Write',
      tool_input: { file_path: path.join(root, 'src/x.ts'), content: '' },
      cwd: root,
    });
    const viaCli = fmes(['--workspace', root, 'hook', 'pre-tool-use', '--agent', 'claude'], { input });
    assert.equal(viaCli.status, 2);
    assert.match(viaCli.stderr, /locked by gemini/);
    const hook = path.join(path.dirname(CLI), 'hook.cjs');
    const r = spawnSync(process.execPath, [hook, 'pre-tool-use', '--agent', 'claude', '--workspace', root], {
      input,
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, viaCli.stderr);
  });
});
