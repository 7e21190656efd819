import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { verifyView } from '../../../src/core/dashboard/verifyView';
import { missionRecordSchema } from '../../../src/core/schemas/mission';
import { verifyViewSchema } from '../../../src/shared/verifyView';

const png = () => PNG.sync.write(new PNG({ width: 2, height: 2 }));

function record(proof: Record<string, unknown>) {
  return missionRecordSchema.parse({
    taskId: 'cart',
    title: 't',
    planFile: '.antigravity/plans/cart.md',
    state: 'review',
    chain: ['claude'],
    files: ['src/'],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    rules: { violations: [{ rule: 'no-console', message: 'Use the Logger.', file: 'src/a.ts', line: 3 }] },
    review: { agent: 'gemini@cart-review', verdict: 'request_changes', summary: 's', comments: [] },
    proof,
  });
}

test('the dashboard gets the proof pictures inline, valid under the webview protocol', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-dash-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-dash-out-'));
  try {
    fs.mkdirSync(path.join(root, '.claude/outbox'), { recursive: true });
    fs.writeFileSync(path.join(root, '.claude/outbox/cart-proof.png'), png());
    fs.writeFileSync(path.join(root, '.claude/outbox/cart-proof-base.png'), '<svg onload=alert(1)>');
    fs.writeFileSync(path.join(outside, 'secret.png'), png());
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, '.claude/outbox/cart-proof-diff.png'));
    const rec = record({
      url: 'http://127.0.0.1:5173/cart',
      image: '.claude/outbox/cart-proof.png',
      baseImage: '.claude/outbox/cart-proof-base.png',
      diffImage: '.claude/outbox/cart-proof-diff.png',
      changedShare: 0.2,
      changed: true,
    });
    const v = verifyViewSchema.parse(verifyView(root, rec, true));
    assert.match(v.proof?.image ?? '', /^data:image\/png;base64,iVBORw0KGgo/);
    assert.equal(v.proof?.baseImage, undefined, 'a file that is not a PNG is not inlined');
    assert.equal(v.proof?.diffImage, undefined, 'a symlink is not followed');
    assert.equal(v.rules?.violations[0]?.line, 3);
    assert.equal(v.review?.verdict, 'request_changes');
    assert.equal(verifyView(root, rec, false)?.proof?.image, undefined, 'no pictures once the merge is decided');
    assert.throws(() =>
      verifyViewSchema.parse({ proof: { url: 'u', image: 'javascript:1', changed: false, consoleErrors: [] } }),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
