import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anyMatches, globToRegExp } from '../../../../src/core/orchestrator/glob';

test('globToRegExp: the route dialect', () => {
  const cases: Array<[glob: string, path: string, match: boolean]> = [
    ['src/**', 'src/a/b.ts', true],
    ['src/**', 'srcx/a.ts', false],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/a/b/c.ts', true],
    ['src/**/*.ts', 'src/a/b/c.js', false],
    ['**/*.tf', 'main.tf', true],
    ['**/*.tf', 'infra/prod/main.tf', true],
    ['*.tf', 'infra/main.tf', true],
    ['infra/*.tf', 'infra/sub/main.tf', false],
    ['src/?.ts', 'src/a.ts', true],
    ['src/?.ts', 'src/ab.ts', false],
    ['src/{auth,api}/**', 'src/api/x.ts', true],
    ['src/{auth,api}/**', 'src/web/x.ts', false],
    ['docs/', 'docs/guide/intro.md', true],
    ['docs/', 'docsx/a.md', false],
    ['a.b', 'axb', false],
    ['src/(x)+.ts', 'src/(x)+.ts', true],
    ['./src/*.ts', 'src/a.ts', true],
  ];
  for (const [glob, p, match] of cases) assert.equal(globToRegExp(glob).test(p), match, `${glob} ~ ${p}`);
});

test('anyMatches: declared folders are tried with and without their slash', () => {
  assert.equal(anyMatches('src/auth', ['src/auth/']), true);
  assert.equal(anyMatches('src/auth/**', ['src/auth/']), true);
  assert.equal(anyMatches('**/*.md', ['src/a.ts', 'README.md']), true);
  assert.equal(anyMatches('**/*.md', ['src/a.ts']), false);
  assert.equal(anyMatches('src/*.ts', ['src\\a.ts']), true);
});

test('property: a path always matches itself as a literal glob and `**`; compiling never throws', () => {
  const seg = fc.stringMatching(/^[A-Za-z0-9_.()+$^-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
  fc.assert(
    fc.property(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.string(), (segs, junk) => {
      const p = segs.join('/');
      assert.ok(globToRegExp(p).test(p), p);
      assert.ok(globToRegExp('**').test(p));
      globToRegExp(junk);
    }),
    { numRuns: 300 },
  );
});
