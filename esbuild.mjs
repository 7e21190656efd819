// Builds every bundle from one script: the extension (node, cjs, vscode external), the `fmes` CLI with its hook
// and MCP server entries, and the dashboard webview (browser).
// Usage: node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

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
      args.importer.includes(`${sep}zod${sep}`) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The hook's cold half. dist/hook.cjs is parsed on every tool call of every agent, so what only some calls need
 * (zod and the schemas, the settings reader, approvals; see src/hook/cold.ts) is a second file, loaded by the
 * synchronous `require()` those modules are reached through. Here every such `require()` of a module that
 * cold.ts re-exports becomes `require('./chunks/hook-cold.cjs')`; any other `require()` of our own code fails
 * the build rather than quietly loading a second copy.
 */
const HOOK_COLD = 'chunks/hook-cold.cjs';
const hookColdSplit = {
  name: 'hook-cold-split',
  setup(build) {
    const cold = new Set(
      [...readFileSync('src/hook/cold.ts', 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => resolve(realpathSync('src/hook'), m[1])),
    );
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'require-call' || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
      const target = resolve(args.resolveDir, args.path).replace(/\.ts$/, '');
      if (!cold.has(target)) return { errors: [{ text: `require('${args.path}') in the hook: re-export what it needs from src/hook/cold.ts` }] };
      return { path: `./${HOOK_COLD}`, external: true };
    });
  },
};

/**
 * `import * as fs from 'node:fs'` turns, in a CommonJS bundle, into a copy of every export of fs for each module
 * that writes it (esbuild's __toESM), a measurable part of the hook's start. Through one shared module that
 * re-exports the built-in, the copy is made once.
 */
const builtinNamespaceOnce = {
  name: 'builtin-namespace-once',
  setup(build) {
    build.onResolve({ filter: /^node:(fs|path|os)$/ }, (args) =>
      args.namespace === 'builtin-once' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-once' }, (args) => ({ contents: `export * from ${JSON.stringify(args.path)};` }));
  },
};

const node = {
  define: { FMES_VERSION: JSON.stringify(version) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher, zodEnglishOnly],
};

rmSync('dist', { recursive: true, force: true });
const contexts = await Promise.all([
  // The banner stamps when the bundle starts loading, so activation time can include its own load.
  esbuild.context({ ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], banner: { js: 'globalThis.__fmesLoadStart = performance.now();' } }),
  // The CLI is ESM with code splitting: a command loads only its own chunks (`fmes lock run` never parses
  // chokidar or YAML, nor the MCP SDK), which keeps the process start short for agents that call it in loops.
  // dist/mcp.mjs is `fmes mcp` under a name MCP configs can point node at.
  // The PreToolUse hook runs before every tool call of every agent: one file holding what a common call runs
  // (no zod, no chunks to resolve), plus its cold half for settings files, approvals and invalid lock files.
  esbuild.context({
    ...node,
    // CommonJS: Node's ESM loader costs a few milliseconds more per start.
    entryPoints: { hook: 'src/hook/bin.ts' },
    outdir: 'dist',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    plugins: [...node.plugins, hookColdSplit, builtinNamespaceOnce],
  }),
  esbuild.context({ ...node, entryPoints: ['src/hook/cold.ts'], outfile: `dist/${HOOK_COLD}` }),
  esbuild.context({
    ...node,
    entryPoints: { cli: 'src/cli/bin.ts', mcp: 'src/mcp/bin.ts' },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __fmesCreateRequire } from 'node:module'; const require = __fmesCreateRequire(import.meta.url);" },
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
  chmodSync('dist/mcp.mjs', 0o755);
}
