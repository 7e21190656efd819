import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { listBusArtifacts } from '../../../src/core/artifacts/discover';
import { artifactKindOf, validateFile } from '../../../src/core/artifacts/parseArtifact';
import type { BusEvent } from '../../../src/core/watch/busEvents';
import { makeWorkspace, testCore, writeIn } from '../../fixtures/workspace';

// The planner's inbox and the rules file are artifacts like the others: `fmes validate --all` finds them, the
// bus watcher (`fmes watch`) reports inbox notes, and a rules file is checked down to its patterns.

const NOTE = {
  event: 'merged',
  taskId: 'cart',
  title: 'Cart',
  planFile: '.antigravity/plans/cart.md',
  branch: 'fmes/cart',
  commit: 'a'.repeat(40),
  mergedAt: '2026-12-05T10:00:00.000Z',
  mergedBy: 'Pat <pat@example.com>',
  via: 'fmes',
  approved: false,
  files: ['src/cart.ts'],
  costUsd: 0.02,
};
const RULES =
  'rules:\n  - id: no-eval\n    message: Never eval.\n    pattern: eval($X)\n' +
  '  - id: py-print\n    message: No print.\n    language: python\n    pattern: print($$$A)\n';

test('kinds by path: the inbox note and .fmes/rules.yaml (nowhere else)', () => {
  assert.equal(artifactKindOf('/w/.antigravity/inbox/cart.json'), 'inbox');
  assert.equal(artifactKindOf('C:\\w\\.fmes\\rules.yaml'), 'rules');
  assert.equal(artifactKindOf('/w/rules.yaml'), undefined);
  assert.equal(artifactKindOf('/w/.fmes/missions/rules.yaml'), undefined);
});

test('validate --all discovery lists inbox notes and the rules file; temp files are not', () => {
  const ws = makeWorkspace({
    '.antigravity/inbox/cart.json': JSON.stringify(NOTE),
    '.antigravity/inbox/.tmp-x.json': '{',
    '.fmes/rules.yaml': RULES,
  });
  try {
    const found = listBusArtifacts(ws.root).map((f) => path.relative(ws.root, f));
    assert.deepEqual(found, ['.antigravity/inbox/cart.json', '.fmes/rules.yaml']);
  } finally {
    ws.cleanup();
  }
});

test('a rules file: valid with Python patterns; a pattern that does not parse names its field', async () => {
  const ws = makeWorkspace({ '.fmes/rules.yaml': RULES });
  try {
    const file = path.join(ws.root, '.fmes/rules.yaml');
    const ok = await validateFile(file);
    assert.ok(ok.ok && ok.kind === 'rules', JSON.stringify(ok));
    assert.equal(ok.value.rules.length, 2);
    writeIn(
      ws.root,
      '.fmes/rules.yaml',
      `${RULES}  - id: go-bad\n    message: m\n    language: go\n    pattern: "func ($X"\n  - id: nameless\n    pattern: x\n`,
    );
    const bad = await validateFile(file);
    assert.ok(!bad.ok);
    // The schema speaks first (a rule without a message); fix it and the pattern check names rules.2.pattern.
    assert.match(bad.error.message, /rules\.3\.message/);
    writeIn(
      ws.root,
      '.fmes/rules.yaml',
      `${RULES}  - id: go-bad\n    message: m\n    language: go\n    pattern: "func ($X"\n`,
    );
    const pat = await validateFile(file);
    assert.ok(!pat.ok);
    assert.match(pat.error.message, /rules\.yaml: rules\.2\.pattern: pattern does not parse as go/);
  } finally {
    ws.cleanup();
  }
});

test('fmes validate --all (the bundled CLI) fails naming the inbox note and its field', () => {
  const ws = makeWorkspace({
    '.antigravity/inbox/cart.json': JSON.stringify(NOTE),
    '.antigravity/inbox/bad.json': JSON.stringify({ ...NOTE, commit: 'abc' }),
    '.fmes/rules.yaml': RULES,
  });
  try {
    const cli = path.resolve(__dirname, '../../../dist/fmes.cjs');
    const r = spawnSync(process.execPath, [cli, 'validate', '--all', '--json'], { cwd: ws.root, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; kind: string; ok: boolean; issues?: { field: string }[] }[];
    const by = (f: string) => out.find((o) => o.file.endsWith(f));
    assert.equal(by('inbox/cart.json')?.ok, true);
    assert.equal(by('rules.yaml')?.kind, 'rules');
    assert.equal(by('rules.yaml')?.ok, true, 'the bundle finds the Python grammar');
    // …in dist/node_modules (what the .vsix carries), not in the repository's node_modules.
    const dist = path.dirname(cli);
    for (const pkg of ['@ast-grep/lang-python', '@ast-grep/lang-go', '@ast-grep/setup-lang'])
      assert.ok(require.resolve(pkg, { paths: [dist] }).startsWith(path.join(dist, 'node_modules')), pkg);
    assert.deepEqual(
      by('inbox/bad.json')?.issues?.map((i) => i.field),
      ['commit'],
    );
  } finally {
    ws.cleanup();
  }
});

test('the bus watcher reports inbox notes as they arrive, and invalid ones once settled', async () => {
  const ws = makeWorkspace({ 'README.md': 'x\n' });
  const core = testCore(ws.root);
  const w = core.createWatcher({ settleMs: 50 });
  const events: BusEvent[] = [];
  w.onEvent((e) => events.push(e));
  const seen = async (type: BusEvent['type']) => {
    for (let i = 0; i < 200 && !events.some((e) => e.type === type); i++) await new Promise((r) => setTimeout(r, 25));
    return events.find((e) => e.type === type);
  };
  try {
    await w.start();
    writeIn(ws.root, '.antigravity/inbox/cart.json', JSON.stringify(NOTE));
    const arrived = await seen('inbox.arrived');
    assert.ok(arrived?.type === 'inbox.arrived', events.map((e) => e.type).join(', '));
    assert.equal(arrived.note.mergedBy, 'Pat <pat@example.com>');
    writeIn(ws.root, '.antigravity/inbox/bad.json', '{"event": "merged"');
    const invalid = await seen('inbox.invalid');
    assert.ok(invalid?.type === 'inbox.invalid', events.map((e) => e.type).join(', '));
    assert.match(invalid.error.message, /bad\.json/);
  } finally {
    w.dispose();
    core.dispose();
    ws.cleanup();
  }
});
