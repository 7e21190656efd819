import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { updateFileGuarded } from '../../../../src/core/orchestrator/guardedUpdate';
import { makeWorkspace } from '../../../fixtures/workspace';

// The change function runs between the read and the check, so a write from inside it is exactly a person
// saving the file in the middle of an update.

test('a write between read and rename makes it start over on the new content; nothing is lost', async (t) => {
  const ws = makeWorkspace({ 'f.md': 'one\n' });
  t.after(ws.cleanup);
  const file = path.join(ws.root, 'f.md');
  let interruptions = 0;
  const r = await updateFileGuarded(file, (text) => {
    if (interruptions < 3) fs.appendFileSync(file, `human ${++interruptions}\n`);
    return `${text ?? ''}ours\n`;
  });
  assert.deepEqual(r, { outcome: 'written', attempts: 4 });
  assert.equal(fs.readFileSync(file, 'utf8'), 'one\nhuman 1\nhuman 2\nhuman 3\nours\n');
  assert.deepEqual(fs.readdirSync(ws.root), ['f.md']);
});

test('a file that changes under every attempt is reported busy and left as the writer left it', async (t) => {
  const ws = makeWorkspace({ 'f.md': '' });
  t.after(ws.cleanup);
  const file = path.join(ws.root, 'f.md');
  let n = 0;
  const r = await updateFileGuarded(file, (text) => {
    fs.appendFileSync(file, `human ${++n}\n`);
    return `${text ?? ''}ours\n`;
  }, { attempts: 3 });
  assert.deepEqual(r, { outcome: 'busy', attempts: 3 });
  assert.equal(fs.readFileSync(file, 'utf8'), 'human 1\nhuman 2\nhuman 3\n');
});

test('a file created meanwhile is not overwritten; unchanged content is not rewritten', async (t) => {
  const ws = makeWorkspace({});
  t.after(ws.cleanup);
  const file = path.join(ws.root, 'new.md');
  let first = true;
  const r = await updateFileGuarded(file, (text) => {
    if (first) fs.writeFileSync(file, 'theirs\n');
    first = false;
    return `${text ?? ''}ours\n`;
  });
  assert.deepEqual(r, { outcome: 'written', attempts: 2 });
  assert.equal(fs.readFileSync(file, 'utf8'), 'theirs\nours\n');
  const ino = fs.statSync(file).ino;
  assert.deepEqual(await updateFileGuarded(file, (text) => text ?? ''), { outcome: 'unchanged', attempts: 1 });
  assert.equal(fs.statSync(file).ino, ino);
});
