import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FmesError } from '../errors';
import { nodeCrypto } from '../ids';

/**
 * Which lock backend a workspace uses, and the typed error of a backend that cannot be used. Zod-free: the hook
 * and `fmes lock run` read it on their hot paths.
 *
 *   ''                          the file backend (`.locks/`), the default
 *   redis://[:pw@]host:port/db  one Redis server for every clone (rediss:// for TLS)
 *
 * The value comes from FMES_LOCKS_BACKEND when set (CI, or what the editor hands its agents), else from
 * `locks.backend` in `.fmes/config.json`.
 */
/** `locks.backend`, `locks.namespace` and `locks.leaseSec` of `.fmes/config.json` (src/core/config.ts). */
export interface LockBackendSettings {
  backend: string;
  namespace: string;
  leaseMs: number;
}

export const DEFAULT_BACKEND_SETTINGS: LockBackendSettings = { backend: '', namespace: '', leaseMs: 10_000 };

export type LockBackendErrorReason = 'unreachable' | 'refused' | 'config' | 'invalid' | 'lost' | 'unconfirmed';

/**
 * What `locks.backend` holds, in memory only, while a repository's own `.fmes/config.json` names a lock server (or
 * namespace) that no person on this machine has confirmed (src/core/safety/repoConfirmation.ts): the field and
 * the value as shown, without a password. The backend is refused, never replaced by the file backend: agents on
 * this clone taking `.locks/` while the team's are on Redis would overlap unseen.
 */
export const UNCONFIRMED_BACKEND = 'unconfirmed:';

export function unconfirmedBackend(field: string, shown: string): string {
  return `${UNCONFIRMED_BACKEND}${field}=${shown}`;
}

/**
 * What `locks.backend` holds, in memory only, while the editor's `fmes.locks.*` and the repository's
 * `.fmes/config.json` name two different lock servers (src/core/locks/backendChoice.ts): the message. Refused,
 * like an unconfirmed one: the editor's agents and a person's `fmes` on the same clone would lock apart.
 */
export const CONFLICTING_BACKEND = 'conflict:';

/** A backend URL as people may see it: the password replaced by `***`. */
export function shownBackend(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** The machine parts of a LockBackendError, for adapters that word it in another language. */
export interface LockBackendErrorDetails {
  /** The server as people may see it (no password). */
  where?: string;
  /** What the client library or the system said (`connect ECONNREFUSED …`): not ours to translate. */
  said?: string;
  /** The setting concerned (`locks.backend`, `locks.namespace`) and its value as shown. */
  field?: string;
  value?: string;
}

export class LockBackendError extends FmesError<LockBackendErrorReason> {
  readonly kind = 'lockBackend';
  readonly details: LockBackendErrorDetails;
  constructor(
    reason: LockBackendErrorReason,
    message: string,
    options?: { cause?: unknown; details?: LockBackendErrorDetails },
  ) {
    super(reason, message, options);
    this.details = options?.details ?? {};
  }
  static is(e: unknown, reason?: LockBackendErrorReason): e is LockBackendError {
    return e instanceof LockBackendError && (reason === undefined || e.reason === reason);
  }
}

export interface RedisSpec {
  kind: 'redis';
  /** The URL as given (with its password, if any): what the client connects to. */
  url: string;
  /** The URL without its password: what messages show. */
  where: string;
  tls: boolean;
  host: string;
  port: number;
  db: number;
  password: string | undefined;
  username: string | undefined;
}

export type BackendSpec = { kind: 'file' } | RedisSpec;

/** The backend named by `value` (a setting), or by FMES_LOCKS_BACKEND when that is set. */
export function backendSpecOf(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): BackendSpec {
  const v = (env.FMES_LOCKS_BACKEND ?? value ?? '').trim();
  if (v === '' || v === 'file') return { kind: 'file' };
  if (v.startsWith(UNCONFIRMED_BACKEND)) {
    const [field, shown] = splitOnce(v.slice(UNCONFIRMED_BACKEND.length), '=');
    throw new LockBackendError(
      'unconfirmed',
      `${field} ${shown} in this repository's .fmes/config.json is not confirmed on this machine: a repository's own settings may not send its locks (paths, agent names, a password) to a lock server until a person runs \`fmes config confirm\` in it (or sets FMES_LOCKS_BACKEND). Until then F-MES takes no locks here and its hook denies writes. Nothing was locked.`,
      { details: { field, value: shown } },
    );
  }
  if (v.startsWith(CONFLICTING_BACKEND))
    throw new LockBackendError('config', `${v.slice(CONFLICTING_BACKEND.length)} Nothing was locked.`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new LockBackendError('config', `locks.backend ${JSON.stringify(v)} is not a URL: use redis://host:port/db`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new LockBackendError('config', `locks.backend: ${u.protocol}// is not supported: use redis:// or rediss://`);
  const dbText = u.pathname.replace(/^\//, '') || '0';
  const db = Number(dbText);
  if (!/^\d{1,2}$/.test(dbText) || db > 15)
    throw new LockBackendError('config', `locks.backend: the database ${JSON.stringify(dbText)} is not a number 0–15`);
  if (u.hostname === '') throw new LockBackendError('config', 'locks.backend: the URL names no host');
  const tls = u.protocol === 'rediss:';
  const port = u.port === '' ? 6379 : Number(u.port);
  const password = u.password !== '' ? decodeURIComponent(u.password) : env.FMES_REDIS_PASSWORD || undefined;
  const username = u.username !== '' ? decodeURIComponent(u.username) : undefined;
  return {
    kind: 'redis',
    url: v,
    where: `${u.protocol}//${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${port}/${db}`,
    tls,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    password,
    username,
  };
}

/**
 * The lock namespace of a repository: `locks.namespace` when set, else a hash of its root commit(s), which
 * every clone shares with no setting. A shallow clone does not know its root commit (its oldest commit is the
 * shallow boundary, which differs between clones), so it must set `locks.namespace`.
 */
export function lockNamespace(root: string, configured: string | undefined): string {
  if (configured) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(configured))
      throw new LockBackendError(
        'config',
        `locks.namespace ${JSON.stringify(configured)}: use 1–64 of A-Z a-z 0-9 . _ -`,
      );
    return configured;
  }
  let out: string;
  // Loaded here only: the hook's common call never names a namespace, and must not load child_process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { execFileSync } = require('node:child_process') as typeof ChildProcess;
  try {
    if (execFileSync('git', ['rev-parse', '--is-shallow-repository'], gitOptions(root)).trim() === 'true')
      throw new LockBackendError(
        'config',
        `${root} is a shallow clone, whose root commit differs from other clones': set locks.namespace in .fmes/config.json`,
      );
    out = execFileSync('git', ['rev-list', '--max-parents=0', 'HEAD'], gitOptions(root));
  } catch (e) {
    if (LockBackendError.is(e)) throw e;
    throw new LockBackendError(
      'config',
      `the Redis lock backend names its namespace after the repository's root commit, and git could not tell it in ${root} (no commit yet?): commit once, or set locks.namespace in .fmes/config.json`,
    );
  }
  const roots = out.split('\n').filter(Boolean).sort();
  return nodeCrypto().createHash('sha256').update(roots.join('\n')).digest('hex').slice(0, 16);
}

function gitOptions(root: string) {
  return {
    cwd: root,
    encoding: 'utf8' as const,
    stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'],
    timeout: 5_000,
    // git's own variables (an agent's environment may carry them) must not point it at another repository.
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))),
  };
}

/** True when `.fmes/config.json` may name a backend (cheap: one stat), so a hot path with no file reads none. */
export function hasConfigFile(root: string): boolean {
  return fs.statSync(path.join(root, '.fmes', 'config.json'), { throwIfNoEntry: false }) !== undefined;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}
