import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import pkg from '../../package.json';

const extensionId = `${pkg.publisher}.${pkg.name}`;

suite('activation', () => {
  test(`${extensionId} is installed and activates`, async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} not found; loaded: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('the fixture workspace is open', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder');
    assert.equal(folder.uri.scheme, 'file');
  });
});
