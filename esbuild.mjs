// Builds every bundle from one script: the extension (node, cjs, vscode external), the `fmes` CLI with its hook
// and MCP server entries.
// Later bundles (MCP server, webview) are added as contexts here.
// Usage: node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

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
  // The PreToolUse hook runs before every tool call of every agent: one self-contained file, no chunks to
  // resolve, and only the zod checks it uses (a chunk shared with the CLI would carry all of them).
  esbuild.context({
    ...node,
    // CommonJS: Node's ESM loader costs a few milliseconds more per start.
    entryPoints: { hook: 'src/hook/bin.ts' },
    outdir: 'dist',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
  }),
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
]);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  chmodSync('dist/cli.mjs', 0o755);
  chmodSync('dist/mcp.mjs', 0o755);
}
