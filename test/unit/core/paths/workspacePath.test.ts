import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { PathError } from '../../../../src/core/errors';
import { ancestorsOf, covers, WorkspacePaths, type WorkspacePath } from '../../../../src/hot/paths/workspacePath';
import { makeWorkspace } from '../../../fixtures/workspace';

describe('WorkspacePaths.normalize', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let paths: WorkspacePaths;
  let outside: string;
  before(() => {
    ws = makeWorkspace();
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-outside-'));
    fs.symlinkSync(outside, path.join(ws.root, 'escape'));
    fs.symlinkSync(path.join(ws.root, 'src'), path.join(ws.root, 'srclink'));
    fs.symlinkSync(path.join(ws.root, 'nowhere'), path.join(ws.root, 'dangling'));
    paths = new WorkspacePaths(ws.root);
  });
  after(() => {
    ws.cleanup();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('relative and absolute inputs agree', () => {
    assert.equal(paths.normalize('src/a.ts'), 'src/a.ts');
    assert.equal(paths.normalize('./src//a.ts'), 'src/a.ts');
    assert.equal(paths.normalize('src/auth/'), 'src/auth');
    assert.equal(paths.normalize(path.join(ws.root, 'src', 'a.ts')), 'src/a.ts');
    assert.equal(paths.normalize('src/../README.md'), 'README.md');
  });

  test('the root is "."', () => {
    assert.equal(paths.normalize('.'), '.');
    assert.equal(paths.normalize('./'), '.');
    assert.equal(paths.normalize(ws.root), '.');
  });

  test('paths that do not exist yet are accepted', () => {
    assert.equal(paths.normalize('new/dir/file.ts'), 'new/dir/file.ts');
  });

  test('refuses escapes with a typed reason', () => {
    assert.throws(
      () => paths.normalize('../x'),
      (e) => PathError.is(e, 'outsideWorkspace'),
    );
    assert.throws(
      () => paths.normalize('src/../../x'),
      (e) => PathError.is(e, 'outsideWorkspace'),
    );
    assert.throws(
      () => paths.normalize('/etc/passwd'),
      (e) => PathError.is(e, 'outsideWorkspace'),
    );
    assert.throws(
      () => paths.normalize('escape/file'),
      (e) => PathError.is(e, 'symlinkEscape'),
    );
    assert.throws(
      () => paths.normalize('escape'),
      (e) => PathError.is(e, 'symlinkEscape'),
    );
    assert.throws(
      () => paths.normalize('dangling/x'),
      (e) => PathError.is(e, 'symlinkEscape'),
    );
    assert.throws(
      () => paths.normalize(''),
      (e) => PathError.is(e, 'empty'),
    );
    assert.throws(
      () => paths.normalize('a\0b'),
      (e) => PathError.is(e, 'invalidCharacter'),
    );
    assert.throws(
      () => paths.normalize('.locks/x.lock'),
      (e) => PathError.is(e, 'reserved'),
    );
    assert.throws(
      () => paths.normalize('.git/config'),
      (e) => PathError.is(e, 'reserved'),
    );
  });

  test('error messages name the input', () => {
    assert.throws(() => paths.normalize('../secret'), /"\.\.\/secret" is outside the workspace/);
  });

  test('a link inside the workspace maps to the real path, so both names share one lock', () => {
    assert.equal(paths.normalize('srclink/a.ts'), 'src/a.ts');
    assert.equal(paths.normalize('srclink'), 'src');
  });

  test('resolve reports what is at the path', () => {
    assert.equal(paths.resolve('src').kind, 'dir');
    assert.equal(paths.resolve('src/a.ts').kind, 'file');
    assert.equal(paths.resolve('src/none.ts').kind, 'missing');
    assert.equal(paths.resolve('.').kind, 'dir');
    assert.equal(paths.resolve('src/a.ts/below-a-file').kind, 'missing', 'no ENOTDIR escapes');
  });

  test('a path of blanks is refused however it is spelled, so every normalised path normalises to itself', () => {
    for (const input of [' ', './ ', ' /', '././  ', 'src/../ '])
      assert.throws(
        () => paths.normalize(input),
        (e: unknown) => e instanceof PathError && e.reason === 'empty',
        JSON.stringify(input),
      );
    assert.equal(paths.normalize('src/ /a.ts'), 'src/ /a.ts');
  });

  test('property: normalising is idempotent and never yields an escaping path', () => {
    const segment = fc.oneof(
      fc.constantFrom('.', '..', '', 'src', 'a.ts', 'x y', '%2F', 'ü'),
      fc
        .string({ minLength: 1, maxLength: 6 })
        .filter((s) => !s.includes('/') && !s.includes('\0') && !s.includes('\\')),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segs) => {
        const input = segs.join('/');
        let p: WorkspacePath;
        try {
          p = paths.normalize(input);
        } catch (e) {
          assert.ok(e instanceof PathError, `unexpected ${String(e)}`);
          return;
        }
        assert.equal(paths.normalize(p), p);
        assert.ok(p === '.' || (!p.startsWith('/') && !p.endsWith('/')));
        assert.ok((!p.split('/').includes('..') && !p.split('/').includes('.')) || p === '.');
        const abs = paths.absolute(p);
        assert.ok(abs === ws.root || abs.startsWith(ws.root + path.sep));
      }),
      { numRuns: 500, examples: [[['.', ' ']], [[' ', '.']], [['src', '..', ' ']]] },
    );
  });
});

describe('ancestorsOf / covers', () => {
  test('ancestors nearest first, ending at the root', () => {
    assert.deepEqual(ancestorsOf('src/auth/x.ts' as WorkspacePath), ['src/auth', 'src', '.']);
    assert.deepEqual(ancestorsOf('a' as WorkspacePath), ['.']);
    assert.deepEqual(ancestorsOf('.' as WorkspacePath), []);
  });
  test('covers is prefix-by-segment, not by characters', () => {
    assert.ok(covers('src', 'src/a.ts'));
    assert.ok(covers('src', 'src'));
    assert.ok(covers('.', 'anything'));
    assert.ok(!covers('src', 'srcx/a.ts'));
    assert.ok(!covers('src/a.ts', 'src'));
  });
});
