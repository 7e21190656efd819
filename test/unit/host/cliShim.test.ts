// The `fmes` shim the extension puts on the terminals' PATH (src/host/cliOnPath.ts; vscode is only a type there),
// run by a real /bin/sh from folders whose names a shell would otherwise split or expand.
// Uses dist/fmes.cjs (`npm run build`).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shimText } from '../../../src/host/cliOnPath';

const ROOT = path.resolve(__dirname, '../../..');
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-shim-'));
after(() => fs.rmSync(d, { recursive: true, force: true }));

describe('fmes shim', { skip: process.platform === 'win32' && 'a POSIX shell runs it' }, () => {
  test('runs the bundled CLI from an extension folder named with quotes, spaces, $ and `', () => {
    const ext = path.join(d, `it's a "dir" $HOME \`id\``);
    fs.mkdirSync(path.join(ext, 'dist'), { recursive: true });
    for (const f of fs.readdirSync(path.join(ROOT, 'dist')))
      fs.cpSync(path.join(ROOT, 'dist', f), path.join(ext, 'dist', f), { recursive: true });
    const shim = shimText({
      node: process.execPath,
      script: path.join(ext, 'dist', 'fmes.cjs'),
      electronAsNode: false,
    });
    assert.equal(shim.name, 'fmes');
    const file = path.join(d, shim.name);
    fs.writeFileSync(file, shim.text, { mode: 0o755 });
    const r = spawnSync(file, ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
    const args = spawnSync(file, ['validate', '--json', '--kind', 'plan', 'a b', '$x'], { encoding: 'utf8', cwd: d });
    const files = (JSON.parse(args.stdout) as { file: string }[]).map((x) => x.file);
    assert.deepEqual(files, ['a b', '$x'], 'arguments pass through unsplit and unexpanded');
  });

  test('Electron is told to run as Node; Windows gets a .cmd', () => {
    assert.match(
      shimText({ node: '/e', script: '/s', electronAsNode: true }).text,
      /^ELECTRON_RUN_AS_NODE=1 exec '\/e' '\/s' "\$@"$/m,
    );
    const win = shimText({ node: 'C:\\e.exe', script: 'C:\\s.cjs', electronAsNode: true }, 'win32');
    assert.equal(win.name, 'fmes.cmd');
    assert.match(win.text, /set ELECTRON_RUN_AS_NODE=1\r\n"C:\\e\.exe" "C:\\s\.cjs" %\*/);
  });
});
