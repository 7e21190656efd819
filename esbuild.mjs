// Builds every bundle from one script: the extension (node, cjs, vscode external), the `fmes` CLI with its hook
// and MCP server entries, and the dashboard webview (browser).
// Usage: node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { execFileSync } from 'node:child_process';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the format of VS Code's esbuild problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

/**
 * zod re-exports all of its ~60 locales from its core, so every bundle that uses zod would carry them (and
 * code splitting puts them in the chunk every `fmes` call loads). F-MES only speaks English: resolve the
 * locale index to English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The hot bundles (dist/hook.cjs, run before every tool call of every agent; later dist/lock.cjs) hold src/hot/
 * only. Lint forbids src/hot/ to import anything else at run time (eslint.config.mjs); this refuses it in the
 * build too, whatever the import's form, so a stray require() cannot pull zod or core into a hot bundle. The one
 * door to the rest, src/hot/cold.ts, requires FMES_COLD_CHUNK, which is external: dist/chunks/cold.cjs, built
 * from src/core/coldParts.ts and loaded only when a rare path needs it.
 */
const COLD_CHUNK = './chunks/cold.cjs';
/** The hot `fmes lock run` (src/hot/lock/lockRun.ts), which dist/cli.mjs requires for a `lock run`. */
const LOCK_RUN = './lock.cjs';
/** The full CLI, which dist/fmes.cjs (the `fmes` bin) imports for everything but a plain `lock run`. */
const FULL_CLI = './cli.mjs';
/** The hook's body, which dist/hook.cjs (the entry hook settings name) loads through the code cache. */
const HOOK_MAIN = './hookMain.cjs';
/** The hook's shell half (src/hot/safety/shellHalf.ts), which hookMain.cjs loads through the code cache when needed. */
const HOOK_SHELL = './hookShell.cjs';
/** The hook's body with its shell half inside, which dist/hook.cjs loads for a shell command (src/hot/hook/bin.ts). */
const HOOK_FULL = './hookFull.cjs';
/** Node's `Module.wrap` prefix, which src/hot/codeCache.ts (MODULE_WRAPPER) recognises: the hook's bodies start with it. */
const MODULE_WRAPPER = '(function (exports, require, module, __filename, __dirname) { ';
/** The Redis lock backend with its client (src/core/locks/redis/), loaded only when a workspace names one. */
const REDIS_CHUNK = './chunks/redis.cjs';
const HOT_DIR = resolve('src/hot') + sep;
const hotOnly = {
  name: 'hot-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.path === COLD_CHUNK || args.path === LOCK_RUN || args.path === FULL_CLI || args.path === REDIS_CHUNK)
        return { path: args.path, external: true };
      if (args.importer.includes(`${sep}node_modules${sep}`) || !args.importer.startsWith(HOT_DIR)) return undefined;
      const target = resolve(args.resolveDir, args.path);
      if (!target.startsWith(HOT_DIR))
        return {
          errors: [{ text: `${args.importer}: '${args.path}' is outside src/hot/; reach it through src/hot/cold.ts` }],
        };
      return undefined;
    });
    build.onResolve({ filter: /^[^.]/ }, (args) =>
      args.importer.startsWith(HOT_DIR) && !args.path.startsWith('node:')
        ? { errors: [{ text: `${args.importer}: the hot paths import no package ('${args.path}')` }] }
        : undefined,
    );
  },
};
const hot = {
  define: {
    FMES_COLD_CHUNK: JSON.stringify(COLD_CHUNK),
    FMES_LOCK_RUN: JSON.stringify(LOCK_RUN),
    FMES_FULL_CLI: JSON.stringify(FULL_CLI),
    FMES_HOOK_MAIN: JSON.stringify(HOOK_MAIN),
    FMES_HOOK_SHELL: JSON.stringify(HOOK_SHELL),
    FMES_HOOK_FULL: JSON.stringify(HOOK_FULL),
  },
};

/** Every bundle reaches the Redis backend through src/hot/locks/remoteDoor.ts: the chunk stays one file. */
const redisChunkExternal = {
  name: 'redis-chunk-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/chunks\/redis\.cjs$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * `import * as fs from 'node:fs'` turns, in a CommonJS bundle, into a copy of every export of fs for each module
 * that writes it (esbuild's __toESM), a measurable part of the hook's start. Through one shared module per
 * built-in, it is made once; and not as `export *` (a getter defined per export: 0.3 ms for fs's 104), but as
 * plain constants read from the built-in: its data properties, named here from the Node that builds. Accessor
 * properties (fs.promises, which loads fs/promises when read) are left out, and so are the callback twins of
 * synchronous calls (fs.stat beside fs.statSync: the hot paths decide synchronously): hot code that used one
 * would fail to build (esbuild: no such export), never load or pay for it by surprise.
 */
const dataNames = new Map();
/**
 * The data properties of a built-in as a fresh Node has them, less the callback twins of synchronous calls. Asked
 * of a new process: in this one, a lazy accessor that something already read (fs.opendir, fs.Dir) has become a
 * plain value, and reading it at the hook's start would load internal/fs/dir.
 */
function builtinDataNames(id) {
  if (!dataNames.has(id)) {
    const script = `const m = require(${JSON.stringify(id)}); console.log(JSON.stringify(Object.getOwnPropertyNames(m).filter((k) => k !== 'default' && /^[A-Za-z_$][\\w$]*$/.test(k) && 'value' in Object.getOwnPropertyDescriptor(m, k) && typeof m[k + 'Sync'] !== 'function')))`;
    dataNames.set(id, JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
  }
  return dataNames.get(id);
}

const builtinNamespaceOnce = {
  name: 'builtin-namespace-once',
  setup(build) {
    // A plain require() (the code cache's loader, src/hot/codeCache.ts) gets the built-in itself, uncopied.
    build.onResolve({ filter: /^node:(fs|path|os)$/ }, (args) =>
      args.kind === 'require-call'
        ? { path: args.path, external: true }
        : args.namespace === 'builtin-once'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'builtin-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-once' }, (args) => {
      const names = builtinDataNames(args.path);
      const from = `require(${JSON.stringify(args.path)})`;
      return { contents: `export const { ${names.join(', ')} } = ${from};`, loader: 'js' };
    });
  },
};

/**
 * Packages that stay out of the bundles and load from dist/node_modules at run time (the .vsix ships them):
 * @ast-grep/napi (rule checks) is native and picks its platform's binary itself; playwright-core (visual
 * proof) reads its own files at run time and cannot be bundled. The Python and Go grammars of ast-grep are
 * tree-sitter parsers (one prebuilt parser.so per platform) that napi loads by path, with setup-lang, which
 * picks the platform's file.
 */
const NATIVE = [
  '@ast-grep/napi',
  '@ast-grep/lang-python',
  '@ast-grep/lang-go',
  '@ast-grep/setup-lang',
  'playwright-core',
];

const node = {
  define: { FMES_VERSION: JSON.stringify(version), FMES_REDIS_CHUNK: JSON.stringify(REDIS_CHUNK) },
  external: NATIVE,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher, zodEnglishOnly, redisChunkExternal],
};

rmSync('dist', { recursive: true, force: true });
// The native modules beside the bundles, in dist/node_modules: Node resolves them there from dist/*.js whether the
// bundles run from the repository or from the installed .vsix (which carries dist/ only, see package.json `files`).
// Only this machine's platform binary is there, so a .vsix built here is for this platform.
for (const name of NATIVE) {
  const scope = dirname(join('node_modules', name));
  const base = name.split('/').pop();
  for (const dir of readdirSync(scope).filter((d) => d === base || d.startsWith(`${base}-`)))
    if (existsSync(join(scope, dir, 'package.json')))
      cpSync(join(scope, dir), join('dist', scope, dir), {
        recursive: true,
        dereference: true,
        // A grammar's tree-sitter sources (MBs) only build a parser where no prebuilt one fits; none is built here.
        // Type declarations and source maps are not run either. (package.json `files` cannot exclude them: vsce
        // reads an exclusion there as a pattern that matches nothing and then packages the whole repository.)
        filter: (src) =>
          !/^@ast-grep[\\/]lang-[^\\/]+[\\/]src$/.test(relative(join('node_modules'), src)) &&
          !/\.(d\.[cm]?ts|[cm]?ts|map)$/.test(src),
      });
}
const contexts = await Promise.all([
  // The banner stamps when the bundle starts loading, so activation time can include its own load.
  esbuild.context({
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode', ...NATIVE],
    banner: { js: 'globalThis.__fmesLoadStart = performance.now();' },
  }),
  // The CLI is ESM with code splitting: a command loads only its own chunks (`fmes lock run` never parses
  // chokidar or YAML, nor the MCP SDK), which keeps the process start short for agents that call it in loops.
  // dist/mcp.mjs is `fmes mcp` under a name MCP configs can point node at.
  // The PreToolUse hook runs before every tool call of every agent: one file holding what a common call runs
  // (no zod, no chunks to resolve), plus its cold half for settings files, approvals and invalid lock files.
  esbuild.context({
    ...node,
    // CommonJS: Node's ESM loader costs a few milliseconds more per start.
    define: { ...node.define, ...hot.define },
    // hook.cjs and fmes.cjs are small loaders: they load the hook's bodies (below) and lock.cjs through V8's code
    // cache (src/hot/codeCache.ts), kept in dist/.cache/.
    entryPoints: {
      hook: 'src/hot/hook/bin.ts',
      lock: 'src/hot/lock/lockRun.ts',
      fmes: 'src/hot/lock/bin.ts',
    },
    banner: { js: '#!/usr/bin/env node' },
    outdir: 'dist',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    plugins: [problemMatcher, hotOnly, builtinNamespaceOnce],
  }),
  // The hook's bodies, which only dist/hook.cjs loads: hookMain.cjs and its shell half, and hookFull.cjs (for a
  // shell command: main.ts with the shell half bundled in, no FMES_HOOK_SHELL). Each is written already inside
  // Node's module wrapper, so that the loader compiles the file's text as it is read: wrapping it there copied
  // the whole source once more on every call (about 1 ms of a Bash call, bench/hook.mjs).
  ...[
    { hookMain: 'src/hot/hook/main.ts', hookShell: 'src/hot/safety/decideShell.ts' },
    { hookFull: 'src/hot/hook/main.ts' },
  ].map((entryPoints) =>
    esbuild.context({
      ...node,
      define: { ...node.define, ...hot.define, ...(entryPoints.hookFull ? { FMES_HOOK_SHELL: 'undefined' } : {}) },
      entryPoints,
      banner: { js: MODULE_WRAPPER },
      footer: { js: '\n});' },
      outdir: 'dist',
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      plugins: [problemMatcher, hotOnly, builtinNamespaceOnce],
    }),
  ),
  esbuild.context({ ...node, entryPoints: ['src/core/coldParts.ts'], outfile: `dist/${COLD_CHUNK.slice(2)}` }),
  esbuild.context({
    ...node,
    define: { FMES_VERSION: node.define.FMES_VERSION },
    entryPoints: ['src/core/locks/redis/redisParts.ts'],
    outfile: `dist/${REDIS_CHUNK.slice(2)}`,
  }),
  esbuild.context({
    ...node,
    // The Redis backend is bundled here rather than required from dist/chunks/redis.cjs: a split chunk's
    // require() resolves against its own folder, not the entry's.
    define: { FMES_VERSION: node.define.FMES_VERSION, FMES_LOCK_RUN: JSON.stringify(LOCK_RUN) },
    entryPoints: { cli: 'src/cli/bin.ts', mcp: 'src/mcp/bin.ts' },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __fmesCreateRequire } from 'node:module'; const require = __fmesCreateRequire(import.meta.url);",
    },
  }),
  // The dashboard page: one script and one stylesheet under stable names (the host's HTML names them), in the
  // only folder the webview may load from (localResourceRoots).
  esbuild.context({
    entryPoints: { dashboard: 'webview-ui/src/main.ts' },
    outdir: 'dist/webview',
    entryNames: 'assets/[name]',
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [problemMatcher, zodEnglishOnly],
  }),
]);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  chmodSync('dist/cli.mjs', 0o755);
  chmodSync('dist/fmes.cjs', 0o755);
  chmodSync('dist/mcp.mjs', 0o755);
}
