import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether this machine can sandbox an agent, and with what. */
export type SandboxSupport = { ok: true; backend: 'bwrap'; bwrap: string; socat: string } | { ok: false; why: string };

/** The first executable named `name` on `pathVar`. */
export function which(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const f = path.join(dir, name);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      if (fs.statSync(f).isFile()) return f;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

let cached: { key: string; support: SandboxSupport } | undefined;

/**
 * Linux with bubblewrap ≥ 0.8 (for `--disable-userns`), socat, and user namespaces the kernel lets this user
 * create: probed once per process by starting `true` in the same namespaces an agent gets. macOS
 * (sandbox-exec) is a backend still to write: the seam is this function and the launcher's `wrap`.
 */
export function sandboxSupport(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
): SandboxSupport {
  if (platform === 'darwin') return { ok: false, why: 'the macOS sandbox (sandbox-exec) is not supported yet' };
  if (platform !== 'linux') return { ok: false, why: `no sandbox on ${platform}` };
  const pathVar = `${env.PATH ?? ''}${path.delimiter}/usr/bin${path.delimiter}/bin`;
  const key = pathVar;
  if (cached?.key === key) return cached.support;
  const support = probe(pathVar);
  cached = { key, support };
  return support;
}

function probe(pathVar: string): SandboxSupport {
  const bwrap = which('bwrap', pathVar);
  if (!bwrap) return { ok: false, why: 'bubblewrap (bwrap) is not installed (apt-get install bubblewrap)' };
  const socat = which('socat', pathVar);
  if (!socat) return { ok: false, why: 'socat is not installed (apt-get install socat)' };
  const r = spawnSync(
    bwrap,
    [
      '--unshare-user',
      '--unshare-pid',
      '--unshare-net',
      '--disable-userns',
      '--die-with-parent',
      '--ro-bind',
      '/',
      '/',
      '--proc',
      '/proc',
      '--',
      '/bin/true',
    ],
    { encoding: 'utf8', timeout: 10_000, env: {} },
  );
  if (r.status !== 0) {
    const msg = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
    return {
      ok: false,
      why: /disable-userns|Unknown option/.test(msg)
        ? `bubblewrap is too old (0.8 or later needed): ${msg}`
        : `bubblewrap cannot create its namespaces here (user namespaces refused?): ${msg}`,
    };
  }
  return { ok: true, backend: 'bwrap', bwrap, socat };
}
