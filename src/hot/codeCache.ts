import type * as FsModule from 'node:fs';
import type NodeModule from 'node:module';
import type * as PathModule from 'node:path';
import type * as VmModule from 'node:vm';

// Plain require()s: an `import * as` of a built-in becomes, in a CommonJS bundle, a copy of all its exports
// (esbuild’s __toESM / the builtin-namespace-once shim), which this loader would pay on every call for three
// modules before the bundle it loads pays it again for its own.
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs') as typeof FsModule;
const path = require('node:path') as typeof PathModule;
const vm = require('node:vm') as typeof VmModule;
// The loader's class as this module's constructor: require('node:module') would load Node's ESM loader and its
// source maps with the public module (0.2 ms of every hook call). An ES module (dist/cli.mjs, which bundles the
// hook's code for `fmes hook`) has no `module`; it never loads through here, but its import must not throw.
const Module = (typeof module === 'object' ? module.constructor : require('node:module')) as typeof NodeModule;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Loads a CommonJS bundle through V8's code cache: what `module.enableCompileCache()` does from Node 22 on,
 * for the Node 20 we support. The hot entries (dist/fmes.cjs for `lock run`, dist/hook.cjs) start a new Node for
 * every call; compiling their bundle, and each function on its first call, is a measurable part of that start
 * (bench/lockRun.mjs, bench/hook.mjs). With the cache, V8 takes the bytecode of every function the previous
 * call compiled instead.
 *
 * Where: `.cache/` beside the bundle, never a user cache folder. Cached bytecode is code: whoever can write the
 * cache can run code in the next call, so it lives where only those who could rewrite the bundle itself can
 * write (a shared ~/.cache would let a sandboxed agent plant code that a person's `fmes` then runs). Where that
 * folder is read-only, nothing is cached and nothing breaks.
 *
 * Which: one file per bundle, Node version, V8 version, architecture and V8 flags (`process.execArgv`,
 * NODE_OPTIONS), so two runtimes (Node and the editor's Electron as Node) do not evict each other's. V8 rejects
 * data from another V8 or other flags by itself, but checks the source only by its length: so the cache also
 * records the bundle's size, mtime and inode, and a bundle rewritten in place is compiled afresh. A build
 * removes dist/ and with it every cache.
 */
export type CacheStatus = 'hit' | 'miss' | 'rejected' | 'off';

export interface CachedLoad {
  exports: unknown;
  status: CacheStatus;
  /** Writes the cache (temp + rename) unless it was a hit; call it late, so that it holds what the call compiled. */
  save: () => void;
}

/**
 * What `Module.wrap` puts before a module's text. A bundle that starts with it (the hook's bodies, see esbuild.mjs)
 * is compiled as it is; a test holds this equal to Node's.
 */
export const MODULE_WRAPPER = '(function (exports, require, module, __filename, __dirname) { ';

/**
 * The bundle's size, mtimeMs and inode before V8's data, as ASCII text padded to a fixed length: compared as a
 * string, it spares a hook call the first use of Buffer.alloc, writeDouble and equals (each compiles a part of
 * Node's buffer module, bench/hook.mjs).
 */
const HEADER_BYTES = 64;

export function loadCached(given: string, parent: NodeJS.Module | undefined = undefined): CachedLoad {
  const file = path.resolve(given);
  const fd = fs.openSync(file, 'r');
  let source: string;
  let st: FsModule.Stats;
  try {
    st = fs.fstatSync(fd);
    // From the descriptor, so the text is the file that fstat described. As UTF-8: Node reads it into a string
    // itself (readFileUtf8), with no Buffer between, a quarter to two thirds of the time of a read and a decode.
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  const header = `${st.size} ${st.mtimeMs} ${st.ino}`.padEnd(HEADER_BYTES);
  const cacheFile = cacheFileOf(file);
  const cached = readCache(cacheFile, header);
  // The wrapper of Node's loader (a bundle built inside it is taken as it is: wrapping copies the whole text); a `#!`
  // line is kept as a comment of the same length (positions stay right).
  const wrapped = source.startsWith(MODULE_WRAPPER)
    ? source
    : Module.wrap(source.startsWith('#!') ? `//${source.slice(2)}` : source);
  const script = new vm.Script(wrapped, {
    filename: file,
    cachedData: cached,
  });
  const status: CacheStatus = cached === undefined ? 'miss' : script.cachedDataRejected === true ? 'rejected' : 'hit';
  const m = new Module(file, parent);
  m.filename = file;
  m.paths = [];
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  // The module's own require, as a plain function: Module.createRequire builds a second module and its
  // node_modules search path, which the hot bundles (built-ins and files beside them only) never use.
  const req = (id: string): unknown => m.require(id);
  run.call(m.exports, m.exports, req, m, file, path.dirname(file));
  m.loaded = true;
  return {
    exports: m.exports,
    status,
    save: () => (status === 'hit' ? undefined : writeCache(cacheFile, header, script)),
  };
}

/** The cache file of `file` for this runtime (see above). */
export function cacheFileOf(file: string): string {
  const flags = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
  const tag = `${process.versions.node}-${process.versions.v8}-${process.arch}-${fnv1a(flags)}`;
  // Joined by hand: path.join's first call compiles code of Node's that nothing else on a hook call needs.
  return `${path.dirname(file)}${path.sep}.cache${path.sep}${path.basename(file)}.${tag}.v8`;
}

function readCache(cacheFile: string, header: string): Uint8Array | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  // The header's bytes as text by V8's String.fromCharCode: Buffer's toString is JavaScript of Node's that a hook
  // call otherwise never compiles.
  if (data.length <= HEADER_BYTES || String.fromCharCode(...data.subarray(0, HEADER_BYTES)) !== header)
    return undefined;
  return new Uint8Array(data.buffer, data.byteOffset + HEADER_BYTES, data.length - HEADER_BYTES);
}

function writeCache(cacheFile: string, header: string, script: VmModule.Script): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openExclusive(tmp);
  } catch {
    return; // a read-only folder (a sandbox, a system install): no cache, and no serialising for nothing
  }
  try {
    fs.writeSync(fd, header, null, 'latin1');
    fs.writeSync(fd, script.createCachedData());
    fs.closeSync(fd);
    fs.renameSync(tmp, cacheFile);
  } catch {
    try {
      fs.closeSync(fd);
    } catch {
      /* closed already */
    }
    fs.rmSync(tmp, { force: true });
  }
}

function openExclusive(tmp: string): number {
  try {
    return fs.openSync(tmp, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(tmp), { recursive: true });
    return fs.openSync(tmp, 'wx', 0o644);
  }
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
