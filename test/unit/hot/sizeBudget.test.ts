// The hot bundles (src/hot/cold.ts says what they are): their size, and that they hold src/hot/ only. Reads the
// bundles `npm run build` wrote (`npm test` builds first); run `npm run build` before this file alone. Sizes are
// those of the development build (not minified, no source text inlined), which is what the test run builds;
// the budgets leave room for a little growth and fail on a new dependency (zod alone is ~170 KB, commander 60).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ExitCode } from '../../../src/cli/exitCodes';
import { EXIT } from '../../../src/hot/lock/holding';

const DIST = path.resolve(__dirname, '../../../dist');

/** Bytes each hot bundle may have (development build). */
const BUDGET: Record<string, number> = {
  // The PreToolUse hook without its shell half: locks, paths, the audit, the broker client and the doors to the
  // shell half and the Redis chunk (111 KB on 2026-12-05). Every tool call reads and deserialises it.
  'hookMain.cjs': 120_000,
  // The hook's shell half (src/hot/safety/shellHalf.ts): the shell parser, the writer tables and the deny list
  // (139 KB on 2026-12-05; 151 KB that night, with redirections resolved where they land, after `cd`s and through
  // assigned variables), loaded by hookMain.cjs when a call it did not expect needs it.
  'hookShell.cjs': 160_000,
  // The hook's body for a shell command: hookMain.cjs with the shell half inside (245 KB on 2026-12-05, 260 KB that
  // night).
  'hookFull.cjs': 270_000,
  // The hook's entry: reads the call and loads hookFull.cjs or hookMain.cjs through the code cache.
  'hook.cjs': 8_000,
  // `fmes lock run`: the lock protocol, paths, run identity, the broker client and the door to the Redis chunk;
  // no deny list (about 94 KB on 2026-12-05, 98 KB with its Korean texts, 104 KB with the Redis turn's deferred
  // releases, 107 KB with the file backend's kept releases).
  'lock.cjs': 115_000,
  // The `fmes` bin: a dispatcher, and the code cache's loader for lock.cjs.
  'fmes.cjs': 8_000,
};

/** What a hot bundle may require at run time: Node's built-ins and the files beside it that esbuild.mjs names. */
const ALLOWED_REQUIRES = /^(node:[a-z_/]+|\.\/chunks\/(cold|redis)\.cjs|\.\/lock\.cjs|\.\/cli\.mjs)$/;

function bundle(name: string): string {
  const file = path.join(DIST, name);
  assert.ok(fs.existsSync(file), `${file} is missing: run npm run build`);
  return fs.readFileSync(file, 'utf8');
}

describe('hot bundles', () => {
  for (const [name, budget] of Object.entries(BUDGET)) {
    it(`dist/${name} stays within ${budget / 1000} KB and loads only built-ins and its named neighbours`, () => {
      const text = bundle(name);
      const bytes = Buffer.byteLength(text);
      assert.ok(
        bytes <= budget,
        `dist/${name} is ${bytes} bytes, over its budget of ${budget}: what new import pulled code into the hot paths?`,
      );
      // esbuild's development build names each bundled file in a comment: none may come from a package.
      const packages = [...text.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)/gm)].map((m) => m[1]);
      assert.deepEqual([...new Set(packages)], [], `dist/${name} bundles packages`);
      const sources = [...text.matchAll(/^\/\/ (src\/[^\s]+)/gm)]
        .map((m) => m[1])
        .filter((s) => !s.startsWith('src/hot/'));
      assert.deepEqual(sources, [], `dist/${name} bundles files outside src/hot/`);
      const requires = [...text.matchAll(/\brequire\("([^"]+)"\)|\bimport\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2]);
      assert.deepEqual(
        requires.filter((r) => !ALLOWED_REQUIRES.test(r ?? '')),
        [],
        `dist/${name} requires something outside the hot paths`,
      );
    });
  }

  it('the hot exit codes are the CLI’s', () => {
    assert.equal(EXIT.usage, ExitCode.usage);
    assert.equal(EXIT.held, ExitCode.held);
    assert.equal(EXIT.notFound, ExitCode.notFound);
  });
});
