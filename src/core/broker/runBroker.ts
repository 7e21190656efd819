import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BROKER_ENV, TOKEN_ENV } from '../../hot/broker/protocol';
import type { LockBackend } from '../../hot/locks/lockBackend';
import type { LockConfig } from '../../hot/locks/lockOptions';
import { openLockBackend, type LockBackendSettings } from '../../hot/locks/openBackend';
import { WorkspacePaths } from '../../hot/paths/workspacePath';
import type { Redactor } from '../../hot/safety/redact';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import { BrokerOps, type RunIdentity } from './brokerOps';
import { BrokerServer, type BrokerLimits } from './brokerServer';

export interface RunBrokerOptions {
  root: string;
  run: RunIdentity;
  log: Logger;
  lockConfig?: Partial<LockConfig>;
  /**
   * `locks.backend`, `locks.namespace` and `locks.leaseSec` of the workspace (as the run's config has them):
   * the run's locks go to the same backend as everyone else's. FMES_LOCKS_BACKEND of `env` overrides them.
   */
  lockBackend?: Partial<LockBackendSettings>;
  /** Environment for the backend choice and its password (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The run's redactor (its environment's secrets), read when an audit record or request is written. */
  redactor: () => Redactor;
  /** Where the per-run folder goes (default: $XDG_RUNTIME_DIR/fmes, else <tmpdir>/fmes-<uid>). */
  baseDir?: string;
  limits?: Partial<BrokerLimits>;
}

/**
 * The broker of one agent run: a folder of its own (0700) outside the workspace, a unix socket in it (0600),
 * and a fresh token of 256 bits that identifies the run. Listening when `open` returns, so the socket exists
 * before the agent starts; `close` when the run ends releases every lock bound to one of its connections.
 */
export class RunBroker {
  /** FMES_BROKER and FMES_RUN_TOKEN, for the run's environment. */
  readonly env: Readonly<Record<string, string>>;
  private closed: Promise<void> | undefined;

  private constructor(
    readonly socketPath: string,
    private readonly dir: string,
    token: string,
    lockEnv: Readonly<Record<string, string>>,
    private readonly server: BrokerServer,
    private readonly ops: BrokerOps,
    private readonly locks: () => LockBackend | undefined,
  ) {
    this.env = { ...lockEnv, [BROKER_ENV]: socketPath, [TOKEN_ENV]: token };
  }

  static open(o: RunBrokerOptions): RunBroker {
    const dir = fs.mkdtempSync(path.join(privateBase(o.baseDir), 'run-'));
    fs.chmodSync(dir, 0o700);
    const socketPath = path.join(dir, 'broker.sock');
    const token = randomBytes(32).toString('base64url');
    const paths = new WorkspacePaths(o.root);
    let backend: LockBackend | undefined;
    let redactor: Redactor | undefined;
    const ops = new BrokerOps({
      root: o.root,
      run: o.run,
      paths,
      // Opened on the first lock request (most runs take none through the broker); a backend that cannot be
      // opened is retried on the next request, and each fails with its reason meanwhile.
      locks: () =>
        (backend ??= openLockBackend({
          paths,
          log: o.log.child('locks'),
          settings: o.lockBackend,
          config: o.lockConfig,
          env: o.env,
          longLived: true,
        })),
      log: o.log,
      get redactor() {
        return (redactor ??= o.redactor());
      },
    });
    const server = new BrokerServer({ socketPath, token, ops, log: o.log, limits: o.limits });
    const broker = new RunBroker(socketPath, dir, token, backendEnv(o), server, ops, () => backend);
    broker.listening = server.listen().then(
      () => true,
      (e: unknown) => {
        o.log.error(`the broker of run ${o.run.runId} could not listen on ${socketPath}: ${errorMessage(e)}`);
        return false;
      },
    );
    return broker;
  }

  /**
   * Whether the socket accepts connections; settled soon after `open` (the bind itself is synchronous for a unix
   * socket, so it exists before the agent is spawned). A broker that could not listen leaves the run's calls to
   * fail closed: its clients find no socket.
   */
  listening: Promise<boolean> = Promise.resolve(true);

  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.server.close().catch(() => undefined);
      await this.ops.dispose();
      this.locks()?.dispose();
      fs.rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.closed;
  }
}

/**
 * FMES_LOCKS_BACKEND and FMES_LOCKS_NAMESPACE for the run: the backend this broker uses, so the run's hook reads
 * the holders where the broker takes the locks, whatever `.fmes/config.json` or the agent's configured variables
 * say (`file` for the file backend). The URL goes as given: a password in it reaches the run's hook.
 */
function backendEnv(o: RunBrokerOptions): Record<string, string> {
  const env = o.env ?? process.env;
  const backend = (env.FMES_LOCKS_BACKEND ?? o.lockBackend?.backend ?? '').trim() || 'file';
  const namespace = env.FMES_LOCKS_NAMESPACE || o.lockBackend?.namespace || '';
  return {
    FMES_LOCKS_BACKEND: backend,
    ...(namespace && backend !== 'file' ? { FMES_LOCKS_NAMESPACE: namespace } : {}),
  };
}

/**
 * A folder only this user can enter: $XDG_RUNTIME_DIR/fmes, else <tmpdir>/fmes-<uid>. One that exists with
 * another owner, wider permissions or as a symlink is not used (another user could watch or swap the socket).
 */
function privateBase(given: string | undefined): string {
  const uid = process.getuid?.() ?? 0;
  const runtime = process.env.XDG_RUNTIME_DIR;
  const candidates = given
    ? [given]
    : [
        ...(runtime && path.isAbsolute(runtime) ? [path.join(runtime, 'fmes')] : []),
        path.join(os.tmpdir(), `fmes-${uid}`),
      ];
  let why = '';
  for (const base of candidates) {
    try {
      fs.mkdirSync(base, { recursive: true, mode: 0o700 });
      const st = fs.lstatSync(base);
      if (st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0) return base;
      why = `${base} is not a private folder of this user (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)})`;
    } catch (e) {
      why = `${base}: ${errorMessage(e)}`;
    }
  }
  throw new Error(why);
}

/** The broker for a run, or undefined (logged) where none can be opened: Windows, or no private folder. */
export function openRunBroker(o: RunBrokerOptions): RunBroker | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    return RunBroker.open(o);
  } catch (e) {
    o.log.error(`run ${o.run.runId} gets no broker: ${errorMessage(e)}`);
    return undefined;
  }
}
