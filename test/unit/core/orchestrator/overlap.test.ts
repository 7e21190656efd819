import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkOverlap, comparablePath, pathsOverlap } from '../../../../src/core/orchestrator/overlap';

test('comparablePath', () => {
  const cases: Array<[string, string]> = [
    ['src/', 'src'],
    ['./src/a.ts', 'src/a.ts'],
    ['src\\auth\\', 'src/auth'],
    ['./', '.'],
    ['.', '.'],
  ];
  for (const [input, out] of cases) assert.equal(comparablePath(input), out, input);
});

test('folder coverage works both ways; siblings and prefixes of names do not overlap', () => {
  const cases: Array<[plan: string, held: string, overlap: boolean]> = [
    ['src/a.ts', 'src/', true],
    ['src/a.ts', 'src', true],
    ['src/', 'src/a.ts', true],
    ['src/auth/', 'src/auth/deep/x.ts', true],
    ['src/a.ts', 'src/a.ts', true],
    ['src/a.ts', 'src/b.ts', false],
    ['src/auth/', 'src/authz/x.ts', false],
    ['src/a.ts', 'src/a.tsx', false],
    ['.', 'anything/at/all', true],
    ['x.ts', '.', true],
  ];
  for (const [plan, held, overlap] of cases) {
    assert.equal(pathsOverlap(plan, held), overlap, `${plan} / ${held}`);
    const v = checkOverlap([plan], { locks: [{ path: held, agent: 'gemini' }], running: [], me: 'fmes' });
    assert.deepEqual(
      v,
      overlap ? { ok: false, blockers: [{ path: plan, by: 'gemini', kind: 'lock', heldPath: held }] } : { ok: true },
      `${plan} / ${held}`,
    );
  }
});

test('locks held by me do not block; running missions do, named by task; unknown holders are named so', () => {
  const v = checkOverlap(['src/', 'docs/a.md', 'lib/x.ts'], {
    locks: [
      { path: 'src/a.ts', agent: 'fmes' },
      { path: 'docs', agent: undefined },
      { path: 'whatever', agent: 'codex' },
      { path: undefined, agent: 'codex' },
    ],
    running: [
      { taskId: 'other-task', files: ['src/b/', 'lib/y.ts'] },
      { taskId: 'third', files: ['README.md'] },
    ],
    me: 'fmes',
  });
  assert.deepEqual(v, {
    ok: false,
    blockers: [
      { path: 'src/', by: 'other-task', kind: 'mission', heldPath: 'src/b/' },
      { path: 'docs/a.md', by: 'unknown', kind: 'lock', heldPath: 'docs' },
    ],
  });
});

test('a plan blocked by several holders on one path lists each once', () => {
  const v = checkOverlap(['src/'], {
    locks: [
      { path: 'src/a.ts', agent: 'a' },
      { path: 'src/a.ts', agent: 'a' },
      { path: 'src/b.ts', agent: 'b' },
    ],
    running: [],
    me: 'me',
  });
  assert.equal(v.ok, false);
  assert.deepEqual(!v.ok && v.blockers.map((b) => `${b.by}:${b.heldPath}`), ['a:src/a.ts', 'b:src/b.ts']);
});

test('property: the verdict is symmetric in who holds what, and blockers are exactly the overlapping pairs', () => {
  const seg = fc.constantFrom('src', 'lib', 'a', 'b.ts', 'auth');
  const pathArb = fc
    .tuple(fc.array(seg, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([s, dir]) => s.join('/') + (dir ? '/' : ''));
  fc.assert(
    fc.property(
      fc.array(pathArb, { minLength: 1, maxLength: 4 }),
      fc.array(pathArb, { maxLength: 4 }),
      (mine, theirs) => {
        const a = checkOverlap(mine, { locks: theirs.map((p) => ({ path: p, agent: 'x' })), running: [], me: 'me' });
        const b = checkOverlap(theirs, { locks: mine.map((p) => ({ path: p, agent: 'y' })), running: [], me: 'me' });
        // Either both sides see a conflict or neither does.
        assert.equal(a.ok, b.ok);
        const expected = mine.flatMap((m) => theirs.filter((t) => pathsOverlap(m, t)).map((t) => `${m}|${t}`));
        assert.deepEqual(a.ok ? [] : a.blockers.map((x) => `${x.path}|${x.heldPath}`), [...new Set(expected)]);
      },
    ),
    { numRuns: 300 },
  );
});
