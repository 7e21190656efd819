import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseArtifact } from '../../../src/core/artifacts/parseArtifact';
import { inboxNoteSchema } from '../../../src/core/schemas/inbox';
import { git, harness } from './missionHarness';

test('a merge writes .antigravity/inbox/<task>.json: who merged, which files, the report', async () => {
  const h = await harness({ 'src/a.ts': 'export const a = 1;\n' }, () => ({
    files: { 'src/a.ts': 'export const a = 2;\n', 'src/b.ts': 'export const b = 1;\n' },
  }));
  try {
    const out = await h.missions.start(h.plan('cart'));
    assert.equal(out.state, 'readyToMerge', out.record.reason);
    assert.equal(fs.existsSync(path.join(h.root, '.antigravity/inbox/cart.json')), false, 'nothing before the merge');
    const m = await h.missions.merge('cart');
    assert.ok(m.merged);
    const file = path.join(h.root, '.antigravity/inbox/cart.json');
    const text = fs.readFileSync(file, 'utf8');
    const parsed = parseArtifact('.antigravity/inbox/cart.json', text);
    assert.ok(parsed.ok && parsed.kind === 'inbox', 'the note is an artifact F-MES validates');
    const note = inboxNoteSchema.parse(JSON.parse(text));
    assert.equal(note.event, 'merged');
    assert.equal(note.commit, git(h.root, 'rev-parse', 'HEAD').trim());
    assert.equal(note.mergedBy, 'Pat Merger <pat@example.com>');
    assert.equal(note.via, 'fmes');
    assert.equal(note.approved, false);
    assert.deepEqual(note.files, ['src/a.ts', 'src/b.ts']);
    assert.equal(note.branch, 'fmes/cart');
    assert.equal(note.planFile, '.antigravity/plans/cart.md');
    assert.ok(note.reportFile?.startsWith('.claude/outbox/'));
    assert.equal(note.report?.taskId, 'cart');
    assert.equal(note.report?.status, 'success');
    const leftovers = fs.readdirSync(path.dirname(file)).filter((f) => f !== 'cart.json');
    assert.deepEqual(leftovers, [], 'no temp file is left beside it');
  } finally {
    h.dispose();
  }
});

test('an approved merge of a mission in review says so, with the reasons it was held', async () => {
  const h = await harness({ 'src/a.ts': 'x\n' }, () => ({ files: { 'src/a.ts': 'y\n', 'other/z.ts': 'z\n' } }));
  try {
    const out = await h.missions.start(h.plan('held', '', ['src/a.ts']));
    assert.equal(out.state, 'review');
    await h.missions.merge('held', { approved: true });
    const note = inboxNoteSchema.parse(
      JSON.parse(fs.readFileSync(path.join(h.root, '.antigravity/inbox/held.json'), 'utf8')),
    );
    assert.equal(note.approved, true);
    assert.match(note.notes ?? '', /undeclared changes: other\/z\.ts/);
    assert.deepEqual(note.files, ['other/z.ts', 'src/a.ts']);
  } finally {
    h.dispose();
  }
});

test('a malformed inbox note is refused naming the file and the field', () => {
  const r = parseArtifact('.antigravity/inbox/t.json', JSON.stringify({ event: 'merged', taskId: 't', commit: 'abc' }));
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.match(r.error.message, /^\.antigravity\/inbox\/t\.json: commit: must be a full commit id/m);
  assert.match(r.error.message, /mergedBy: /);
});
