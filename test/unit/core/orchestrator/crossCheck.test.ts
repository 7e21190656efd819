import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crossCheck } from '../../../../src/core/orchestrator/crossCheck';
import { crossCheckSchema } from '../../../../src/core/schemas/mission';
import { reportSchema, type Report } from '../../../../src/core/schemas/report';

function report(changedFiles: string[], tests?: { run: number; passed: number; failed: number }): Report {
  return reportSchema.parse({
    agent: 'claude',
    taskId: 't1',
    status: 'success',
    summary: 'done',
    changedFiles,
    tests,
    startedAt: '2025-01-01T00:00:00Z',
    finishedAt: '2025-01-01T00:01:00Z',
  });
}

test('table', () => {
  const cases: Array<
    [name: string, declared: string[], changed: string[], rep: Report | undefined, expected: Record<string, unknown>]
  > = [
    [
      'all declared',
      ['src/a.ts', 'src/b.ts'],
      ['src/a.ts'],
      undefined,
      { changed: ['src/a.ts'], undeclared: [], reportMismatch: [], ok: true },
    ],
    ['folder covers', ['src/auth/'], ['src/auth/x.ts', 'src/auth/deep/y.ts'], undefined, { undeclared: [], ok: true }],
    ['folder without slash covers', ['src/auth'], ['src/auth/x.ts'], undefined, { undeclared: [], ok: true }],
    [
      'undeclared holds',
      ['src/auth/'],
      ['src/auth/x.ts', 'src/authz.ts', 'package.json'],
      undefined,
      { undeclared: ['src/authz.ts', 'package.json'], ok: false },
    ],
    ['root covers all', ['./'], ['a', 'b/c'], undefined, { undeclared: [], ok: true }],
    [
      './ and duplicates normalised',
      ['src/a.ts'],
      ['./src/a.ts', 'src/a.ts'],
      undefined,
      { changed: ['src/a.ts'], undeclared: [], ok: true },
    ],
    [
      'mismatch is a warning only',
      ['src/'],
      ['src/a.ts', 'src/b.ts'],
      report(['src/a.ts', 'src/gone.ts']),
      { reportMismatch: ['src/gone.ts', 'src/b.ts'], ok: true },
    ],
    [
      'report folder accounts for its files',
      ['src/'],
      ['src/x/a.ts', 'src/x/b.ts'],
      report(['src/x/']),
      { reportMismatch: [], ok: true },
    ],
    [
      'failed tests hold',
      ['src/'],
      ['src/a.ts'],
      report(['src/a.ts'], { run: 5, passed: 3, failed: 2 }),
      { failedTests: 2, ok: false },
    ],
    [
      'passing tests recorded',
      ['src/'],
      ['src/a.ts'],
      report(['src/a.ts'], { run: 5, passed: 5, failed: 0 }),
      { failedTests: 0, ok: true },
    ],
    ['nothing changed', ['src/'], [], report([]), { changed: [], undeclared: [], reportMismatch: [], ok: true }],
  ];
  for (const [name, declared, changed, rep, expected] of cases) {
    const c = crossCheck(declared, changed, rep);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(c[k as keyof typeof c], v, `${name}: ${k}`);
    if (!rep) assert.equal(c.failedTests, undefined, name);
    assert.equal(crossCheckSchema.safeParse(c).success, true, name);
  }
});

test('property: undeclared ⊆ changed; everything changed is declared or undeclared; declaring what changed makes it ok', () => {
  const seg = fc.constantFrom('src', 'lib', 'a.ts', 'b', 'x');
  const pathArb = fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
  const declArb = fc.tuple(pathArb, fc.boolean()).map(([p, dir]) => p + (dir ? '/' : ''));
  fc.assert(
    fc.property(fc.array(declArb, { maxLength: 4 }), fc.array(pathArb, { maxLength: 6 }), (declared, changed) => {
      const c = crossCheck(declared, changed);
      assert.ok(c.undeclared.every((u) => c.changed.includes(u)));
      assert.equal(c.ok, c.undeclared.length === 0);
      assert.equal(crossCheck([...declared, ...changed], changed).ok, true);
      assert.deepEqual(crossCheck(declared, changed, report(changed)).reportMismatch, []);
    }),
    { numRuns: 300 },
  );
});
