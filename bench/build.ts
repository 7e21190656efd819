import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** Where the bundles go (bench/.gitignore keeps them out of git). */
export const BUILD_DIR = path.join(__dirname, '.build');

/**
 * Bundles the child entry points with esbuild, as the extension and CLI are shipped, so that the measured loops
 * run as plain CommonJS: tsx's loader in the loop would distort a microsecond-scale cycle.
 */
export async function buildBundles(): Promise<{ uncontended: string; lockWorker: string }> {
  await esbuild.build({
    absWorkingDir: path.join(__dirname, '..'),
    entryPoints: { uncontended: 'bench/uncontended.ts', lockWorker: 'bench/lockWorker.ts' },
    outdir: BUILD_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    logLevel: 'warning',
  });
  return { uncontended: path.join(BUILD_DIR, 'uncontended.js'), lockWorker: path.join(BUILD_DIR, 'lockWorker.js') };
}
