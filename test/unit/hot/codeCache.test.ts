// The code cache of the hot entries (src/hot/codeCache.ts), on real files: what it loads is the bundle as it is
// now, never a cache of another version of it, and a folder it cannot write costs nothing but the cache.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSync } from 'esbuild';

const SRC = path.resolve(__dirname, '../../../src/hot/codeCache.ts');

describe('codeCache', () => {
  let dir: string;
  let loader: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-codecache-'));
    // A loader as the hot entries use it: load, print the status and the module's value, save at exit.
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(
      entry,
      `import { loadCached } from ${JSON.stringify(SRC)};\n` +
        `const l = loadCached(process.argv[2]!, module);\n` +
        `process.once('exit', l.save);\n` +
        `process.stdout.write(JSON.stringify({ status: l.status, value: (l.exports as { value: unknown }).value }));\n`,
    );
    loader = path.join(dir, 'loader.cjs');
    buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: loader,
      logLevel: 'error',
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const load = (file: string) => {
    const r = spawnSync(process.execPath, [loader, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { status: string; value: unknown };
  };
  const bundle = (name: string, body: string) => {
    const d = fs.mkdtempSync(path.join(dir, `${name}-`));
    const file = path.join(d, `${name}.cjs`);
    fs.writeFileSync(file, `#!/usr/bin/env node\n${body}`);
    return file;
  };

  it('loads a CommonJS bundle (shebang, require beside it, module.exports), then from the cache', () => {
    const file = bundle(
      'a',
      `const b = require('./b.cjs'); function f(n) { return n * 2; } module.exports = { value: f(b) };`,
    );
    fs.writeFileSync(path.join(path.dirname(file), 'b.cjs'), 'module.exports = 21;');
    assert.deepEqual(load(file), { status: 'miss', value: 42 });
    const caches = fs.readdirSync(path.join(path.dirname(file), '.cache'));
    assert.equal(caches.length, 1, caches.join());
    assert.match(caches[0] ?? '', new RegExp(`^a\\.cjs\\.${process.versions.node}-.*\\.v8$`));
    assert.deepEqual(load(file), { status: 'hit', value: 42 });
  });

  it('a bundle built inside the module wrapper (the hook bodies) loads alike; the wrapper is Node’s own', async () => {
    const { MODULE_WRAPPER } = await import('../../../src/hot/codeCache');
    const Module = (await import('node:module')).default;
    assert.ok(Module.wrap('X').startsWith(MODULE_WRAPPER));
    const dirOf = bundle('w0', '');
    const file = path.join(path.dirname(dirOf), 'w.cjs');
    fs.writeFileSync(
      file,
      `${MODULE_WRAPPER}"use strict";\nconst b = require('./b.cjs');\n` +
        `module.exports = { value: [b, path(__filename), path(__dirname), this === exports] };\n` +
        `function path(p) { return require('node:path').basename(p); }\n});`,
    );
    fs.writeFileSync(path.join(path.dirname(file), 'b.cjs'), 'module.exports = 21;');
    const want = [21, 'w.cjs', path.basename(path.dirname(file)), true];
    assert.deepEqual(load(file), { status: 'miss', value: want });
    assert.deepEqual(load(file), { status: 'hit', value: want });
    // The built hook bodies are such bundles.
    for (const body of ['hookMain.cjs', 'hookShell.cjs', 'hookFull.cjs'])
      assert.ok(
        fs.readFileSync(path.resolve(__dirname, '../../../dist', body), 'utf8').startsWith(MODULE_WRAPPER),
        `dist/${body} does not start with the module wrapper: run npm run build`,
      );
  });

  it('a bundle rewritten in place with the same length is compiled afresh, not taken from the old cache', () => {
    const file = bundle('same', 'module.exports = { value: "one" };');
    assert.equal(load(file).status, 'miss');
    assert.equal(load(file).status, 'hit');
    const st = fs.statSync(file);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('one', 'two'));
    assert.equal(fs.statSync(file).size, st.size);
    assert.deepEqual(load(file), { status: 'miss', value: 'two' });
    // Another size with the old mtime put back (as `touch -r` or an unpacker that keeps mtimes would leave it).
    fs.writeFileSync(file, '#!/usr/bin/env node\nmodule.exports = { value: "three!" };');
    fs.utimesSync(file, st.atime, st.mtime);
    assert.deepEqual(load(file), { status: 'miss', value: 'three!' });
  });

  it('a damaged or foreign cache file is ignored and replaced', () => {
    const file = bundle('bad', 'module.exports = { value: [1, 2] };');
    assert.equal(load(file).status, 'miss');
    const cacheDir = path.join(path.dirname(file), '.cache');
    const [name = ''] = fs.readdirSync(cacheDir);
    const data = fs.readFileSync(path.join(cacheDir, name));
    // Right header (64 bytes of text: the bundle’s size, mtime and inode), garbage after it: V8 rejects it.
    fs.writeFileSync(path.join(cacheDir, name), Buffer.concat([data.subarray(0, 64), Buffer.alloc(4000, 7)]));
    assert.deepEqual(load(file), { status: 'rejected', value: [1, 2] });
    assert.equal(load(file).status, 'hit');
    // Too short to hold a header.
    fs.writeFileSync(path.join(cacheDir, name), 'x');
    assert.equal(load(file).status, 'miss');
  });

  it(
    'a folder it cannot write: loads, caches nothing, leaves nothing behind',
    { skip: process.getuid?.() === 0 && 'root writes anywhere' },
    () => {
      const file = bundle('ro', 'module.exports = { value: true };');
      fs.chmodSync(path.dirname(file), 0o555);
      try {
        assert.deepEqual(load(file), { status: 'miss', value: true });
        assert.deepEqual(load(file), { status: 'miss', value: true });
        assert.deepEqual(fs.readdirSync(path.dirname(file)), ['ro.cjs']);
      } finally {
        fs.chmodSync(path.dirname(file), 0o755);
      }
    },
  );

  it('a cache folder that is a file (or unwritable for any reason) is no error', () => {
    const file = bundle('blocked', 'module.exports = { value: 1 };');
    fs.writeFileSync(path.join(path.dirname(file), '.cache'), 'not a folder');
    assert.deepEqual(load(file), { status: 'miss', value: 1 });
    assert.deepEqual(load(file), { status: 'miss', value: 1 });
  });
});
