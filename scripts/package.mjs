// Packages the extension as fmes.vsix: production bundles, then @vscode/vsce.
//
//   node scripts/package.mjs [--out file.vsix]      prints the .vsix path on stdout
//
// Everything the extension needs is bundled by esbuild, so vsce skips dependency detection
// (--no-dependencies); .vscodeignore picks the files. No repository URL yet: --allow-missing-repository, and
// README's relative links (CHANGELOG.md) stay relative (--no-rewrite-relative-links) instead of failing the build.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './codeServer/paths.mjs';
import { log, run } from './codeServer/proc.mjs';

/**
 * @param {{ out?: string, build?: boolean }} [opts]  build: false reuses the bundles already in dist/
 * @returns {Promise<string>} the absolute path of the .vsix
 */
export async function packageExtension({ out = join(repoRoot, 'fmes.vsix'), build = true } = {}) {
  const started = Date.now();
  if (build) {
    log('building production bundles');
    await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot });
  }
  log(`vsce package → ${out}`);
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
    { cwd: repoRoot, quiet: true },
  );
  if (!existsSync(out)) throw new Error(`vsce reported success but ${out} is missing`);
  log(
    `packaged ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  try {
    process.stdout.write(`${await packageExtension(i > 0 ? { out: resolve(process.argv[i + 1]) } : {})}\n`);
  } catch (err) {
    process.stderr.write(`packaging failed: ${err.message}\n`);
    process.exit(1);
  }
}
