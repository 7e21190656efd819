// Packages the extension as fmes.vsix: production bundles, then @vscode/vsce.
//
//   node scripts/package.mjs [--out file.vsix] [--strict-links]      prints the .vsix path on stdout
//
// Everything the extension needs is bundled by esbuild, so vsce skips dependency detection
// (--no-dependencies: the one native dependency is for the CLI, which npm installs); .vscodeignore picks the
// files. vsce checks the manifest (repository, icon, categories) and points README's relative links at the
// repository; every such link must name a file the package holds too (warned here, refused with --strict-links).
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './codeServer/paths.mjs';
import { log, run } from './codeServer/proc.mjs';
import { deadReadmeLinks, walkthroughImages } from './packageLinks.mjs';

/**
 * @param {{ out?: string, build?: boolean, strictLinks?: boolean }} [opts]  build: false reuses the bundles
 *   already in dist/; strictLinks: fail when README links to a file the package leaves out
 * @returns {Promise<string>} the absolute path of the .vsix
 */
export async function packageExtension({ out = join(repoRoot, 'fmes.vsix'), build = true, strictLinks = false } = {}) {
  const started = Date.now();
  if (build) {
    log('building production bundles');
    await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot });
  }
  log(`vsce package → ${out}`);
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: repoRoot, quiet: true });
  if (!existsSync(out)) throw new Error(`vsce reported success but ${out} is missing`);
  // The whole listing (run() keeps only a tail, and the .vsix holds thousands of files of dist/node_modules).
  const inside = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter((l) => l.startsWith('extension/'))
    .map((l) => l.slice('extension/'.length));
  // The manifest's %key% strings resolve from package.nls.json: a .vsix without it shows the keys themselves.
  for (const nls of ['package.nls.json', 'l10n/bundle.l10n.json'])
    if (!inside.includes(nls)) throw new Error(`${out} lacks ${nls}: add it to package.json "files"`);
  // The walkthrough's images in every display language (package.nls*.json pick them): a missing one is a blank step.
  const images = walkthroughImages(repoRoot).filter((f) => !inside.includes(f));
  if (images.length > 0) throw new Error(`${out} lacks walkthrough images: ${images.join(', ')}`);
  const dead = deadReadmeLinks(join(repoRoot, 'README.md'), inside);
  if (dead.length > 0) {
    const text = `README links to files the .vsix leaves out: ${dead.join(', ')}`;
    if (strictLinks) throw new Error(text);
    log(`warning: ${text}`);
  }
  log(
    `packaged ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  try {
    const strictLinks = process.argv.includes('--strict-links');
    process.stdout.write(
      `${await packageExtension({ strictLinks, ...(i > 0 ? { out: resolve(process.argv[i + 1]) } : {}) })}\n`,
    );
  } catch (err) {
    process.stderr.write(`packaging failed: ${err.message}\n`);
    process.exit(1);
  }
}
