import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { DraftStore } from '../../../../src/core/drafts/draftStore';

let root: string;
let outside: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-drafts-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-outside-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

test('a draft is named after the file, read back, replaced and removed', () => {
  const s = new DraftStore(root);
  const file = s.write('src/auth/login.ts', 'typed while locked\n');
  assert.equal(file, path.join(root, '.fmes', 'drafts', 'src', 'auth', 'login.ts'));
  assert.equal(s.read('src/auth/login.ts'), 'typed while locked\n');
  s.write('src/auth/login.ts', 'more');
  assert.equal(s.read('src/auth/login.ts'), 'more');
  assert.ok(s.has('src/auth/login.ts'));
  s.remove('src/auth/login.ts');
  assert.equal(s.read('src/auth/login.ts'), undefined);
});

test('paths that leave the workspace, or name .fmes itself, are refused', () => {
  const s = new DraftStore(root);
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', '', 'a//b', 'a\0b', '.fmes/drafts/x', 'a\\..\\..\\x'])
    assert.equal(s.write(bad, 'x'), undefined, bad);
  assert.deepEqual(fs.readdirSync(outside), []);
});

test('a drafts folder or subfolder that is a symlink out of the workspace is not followed', () => {
  const s = new DraftStore(root);
  fs.mkdirSync(path.join(root, '.fmes', 'drafts'), { recursive: true });
  fs.symlinkSync(outside, path.join(root, '.fmes', 'drafts', 'src'));
  assert.equal(s.write('src/a.ts', 'x'), undefined);
  assert.equal(s.write('src/deeper/a.ts', 'x'), undefined);
  assert.equal(s.read('src/a.ts'), undefined);
  assert.deepEqual(fs.readdirSync(outside), []);
  fs.rmSync(path.join(root, '.fmes'), { recursive: true });
  fs.mkdirSync(path.join(root, '.fmes'));
  fs.symlinkSync(outside, path.join(root, '.fmes', 'drafts'));
  assert.equal(s.write('b.ts', 'x'), undefined);
  assert.deepEqual(fs.readdirSync(outside), []);
});

test('a draft that is a symlink is not read through', () => {
  const s = new DraftStore(root);
  fs.writeFileSync(path.join(outside, 'secret'), 'secret');
  fs.mkdirSync(path.join(root, '.fmes', 'drafts'), { recursive: true });
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, '.fmes', 'drafts', 'a.ts'));
  assert.equal(s.read('a.ts'), undefined);
  // Writing replaces the link (rename over it), never the target.
  s.write('a.ts', 'mine');
  assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'secret');
  assert.equal(s.read('a.ts'), 'mine');
});
