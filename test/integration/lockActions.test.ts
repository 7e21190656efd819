import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { api, closeAllEditors, root } from './helpers';

// Acquire Lock on what cannot be locked: an unsaved buffer, a file outside the workspace, the workspace itself,
// another spelling of an outside path. Each is refused with a message and no lock file is written.
suite('lock actions refuse what is not a workspace path', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-outside-'));
  suiteTeardown(async () => {
    fs.rmSync(outside, { recursive: true, force: true });
    await closeAllEditors();
  });
  const lockFiles = () => {
    try {
      return fs.readdirSync(path.join(root(), '.locks')).filter((f) => f.endsWith('.lock'));
    } catch {
      return [];
    }
  };

  test('an untitled buffer: Acquire Lock (active editor) does nothing', async () => {
    const a = await api();
    const before = lockFiles();
    const doc = await vscode.workspace.openTextDocument({ content: 'scratch' });
    await vscode.window.showTextDocument(doc);
    assert.equal(await a.lockCommands.acquire(undefined, true), undefined);
    assert.deepEqual(lockFiles(), before);
  });

  test('a file outside the workspace, the workspace root and a ../ spelling are refused', async () => {
    const a = await api();
    const before = lockFiles();
    fs.writeFileSync(path.join(outside, 'x.ts'), 'x');
    for (const target of [
      vscode.Uri.file(path.join(outside, 'x.ts')),
      vscode.Uri.file(root()),
      vscode.Uri.file(path.join(root(), '..', path.basename(outside), 'x.ts')),
    ])
      assert.equal(await a.lockCommands.acquire(target, true), undefined, target.fsPath);
    assert.deepEqual(lockFiles(), before);
  });

  test('a file inside is still locked, then released', async () => {
    const a = await api();
    const p = await a.lockCommands.acquire(vscode.Uri.file(path.join(root(), 'src', 'a.ts')), true);
    assert.equal(p, 'src/a.ts');
    await vscode.commands.executeCommand('fmes.releaseLock', vscode.Uri.file(path.join(root(), 'src', 'a.ts')));
  });
});
