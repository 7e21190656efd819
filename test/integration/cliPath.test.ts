import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import { api, extensionId, waitFor } from './helpers';

// The extension puts its bundled CLI on the PATH of the integrated terminals: a terminal opened in the editor
// runs `fmes` without npm link or a global install, and it is this extension's version.
suite('fmes on the terminals’ PATH', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-path-'));
  suiteTeardown(() => fs.rmSync(out, { recursive: true, force: true }));

  test('a new integrated terminal finds fmes, the shim of this extension, and it prints the version', async () => {
    const a = await api();
    const shim = await a.cliShim;
    assert.ok(shim, 'the shim was written');
    const extensionPath = vscode.extensions.getExtension(extensionId)!.extensionPath;
    assert.ok(fs.readFileSync(shim, 'utf8').includes(path.join(extensionPath, 'dist', 'fmes.cjs')));
    const file = path.join(out, 'which.txt');
    const term = vscode.window.createTerminal({
      name: 'F-MES PATH test',
      shellPath: '/bin/sh',
      shellArgs: [
        '-c',
        `{ command -v fmes; fmes --version; echo "$PATH"; } > '${file}.tmp' 2>&1; mv '${file}.tmp' '${file}'`,
      ],
    });
    try {
      await waitFor('the terminal to run fmes', () => fs.existsSync(file), 30_000, 200);
      const [which, version, pathVar] = fs.readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(which, shim, `fmes resolves to the shim (PATH=${pathVar})`);
      assert.equal(version, pkg.version);
      assert.equal(pathVar?.split(path.delimiter)[0], path.dirname(shim), 'prepended: ours wins over another fmes');
    } finally {
      term.dispose();
    }
  });
});
