import { nodeCrypto } from '../ids';
import type { WorkspacePath } from '../paths/workspacePath';

/**
 * Lock file names. A lock on workspace path P lives in `.locks/<encode(P)>.lock`, flat in one folder so a
 * single directory read (or watch) sees every lock. The encoding percent-escapes `%`, `/` and the characters
 * Windows forbids in names, so it is reversible and readable: `src/auth/x.ts` → `src%2Fauth%2Fx.ts.lock`.
 * The root `.` encodes as `%2E`. Names that would exceed a safe length keep a readable head and end in a
 * hash of the full path (`~<16 hex>`); those cannot be decoded and are identified by the path inside.
 */

export const LOCK_SUFFIX = '.lock';
/** Keep well inside the common 255-byte name limit, leaving room for marker suffixes. */
const MAX_NAME_BYTES = 180;
const HEAD_BYTES = 100;

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const MUST_ESCAPE = /[%/\\:*?"<>|\u0000-\u001f\u007f]/g;

export function encodeLockPath(p: WorkspacePath | string): string {
  if (p === '.') return '%2E';
  return p.replace(MUST_ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** The lock file name (without folder) for a workspace path. */
export function lockFileName(p: WorkspacePath | string): string {
  const enc = encodeLockPath(p);
  if (Buffer.byteLength(enc) + LOCK_SUFFIX.length <= MAX_NAME_BYTES) return enc + LOCK_SUFFIX;
  // node:crypto loads here, on first need: most names are short, and the hook starts for every tool call.
  const hash = nodeCrypto().createHash('sha256').update(p).digest('hex').slice(0, 16);
  // Keep whole code points within the byte budget, and do not cut an escape in half.
  let head = '';
  let bytes = 0;
  for (const ch of enc) {
    bytes += Buffer.byteLength(ch);
    if (bytes > HEAD_BYTES) break;
    head += ch;
  }
  const pct = head.lastIndexOf('%');
  if (pct >= 0 && pct > head.length - 3) head = head.slice(0, pct);
  return `${head}~${hash}${LOCK_SUFFIX}`;
}

/** True for names that are hashed and so need the lock's content to know its path. */
export function isHashedLockName(name: string): boolean {
  return /~[0-9a-f]{16}\.lock$/.test(name);
}

/** Decodes a lock file name back into its path; undefined for hashed or foreign names. */
export function decodeLockFileName(name: string): string | undefined {
  if (!name.endsWith(LOCK_SUFFIX) || isHashedLockName(name)) return undefined;
  const enc = name.slice(0, -LOCK_SUFFIX.length);
  if (enc === '%2E') return '.';
  if (enc === '' || /%(?![0-9A-F]{2})/.test(enc)) return undefined;
  try {
    return decodeURIComponent(enc);
  } catch {
    return undefined;
  }
}
