// Installs the Debian packages the harness needs when they are missing (we run as root here, as CI does).
import { spawnSync } from 'node:child_process';
import { log, run } from './proc.mjs';

/** True when dpkg reports the package installed. */
export function hasDebianPackage(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let updated = false;

/** apt-get installs every package of `names` that is not installed yet. Throws with advice when not root. */
export async function ensureDebianPackages(names) {
  const missing = names.filter((n) => !hasDebianPackage(n));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')} (run: sudo apt-get install -y ${missing.join(' ')})`,
    );
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    await run('apt-get', ['update', '-qq'], { env, quiet: true });
    updated = true;
  }
  await run('apt-get', ['install', '-y', '-qq', ...missing], { env, quiet: true });
}
