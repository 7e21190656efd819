import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { markdownMarkers, readBlock, upsertBlock } from '../../src/core/init/managedBlock';
import { api, root, waitFor } from './helpers';

const FILES = ['CLAUDE.md', '.cursorrules', '.claude/settings.json', '.mcp.json', '.gitignore'];

suite('init', () => {
  const saved = new Map<string, string | undefined>();
  for (const f of FILES) {
    const p = path.join(root(), f);
    saved.set(f, fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined);
  }
  suiteTeardown(() => {
    // The fixture is shared by the other suites: put every file back as it was.
    for (const [f, text] of saved) {
      const p = path.join(root(), f);
      if (text === undefined) fs.rmSync(p, { force: true });
      else fs.writeFileSync(p, text);
    }
  });

  test('Initialize Workspace writes the files, and a second run finds nothing to do', async () => {
    await api();
    const written = await vscode.commands.executeCommand<string[]>('fmes.initWorkspace', { apply: true });
    assert.ok(written.includes('CLAUDE.md') && written.includes('.cursorrules') && written.includes('.mcp.json'), `wrote ${written.join(', ')}`);
    const settings = JSON.parse(fs.readFileSync(path.join(root(), '.claude/settings.json'), 'utf8')) as { hooks: { PreToolUse: unknown[] } };
    assert.equal(settings.hooks.PreToolUse.length, 1);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('fmes.initWorkspace', { apply: true }), []);
  });

  test('editing CLAUDE.md\'s shared block updates .cursorrules', async () => {
    const file = path.join(root(), 'CLAUDE.md');
    const m = markdownMarkers('shared');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, upsertBlock(text, m, `${readBlock(text, m)!}\n- A rule added in the editor test.`));
    await waitFor('.cursorrules to follow CLAUDE.md', () => fs.readFileSync(path.join(root(), '.cursorrules'), 'utf8').includes('A rule added in the editor test.'), 10_000);
  });
});
