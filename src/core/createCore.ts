import type { AgentRunner } from './agents/agentRunner';
import type { MissionService } from './orchestrator/missionService';
import type { MissionDeps } from './orchestrator/missionTypes';
import { systemClock, type Clock } from './clock';
import { defaultConfig, lockBackendSettingsOf, lockConfigOf, type FmesConfig } from './config';
import { DisposableStore, type Disposable } from './disposable';
import { createLogger, nullSink, type LogSink, type Logger } from './log';
import type { LockBackend } from '../hot/locks/lockBackend';
import { LockManager } from '../hot/locks/lockManager';
import { openLockBackend } from '../hot/locks/openBackend';
import { WorkspacePaths } from '../hot/paths/workspacePath';
import { BusWatcher, type BusWatcherOptions } from './watch/busWatcher';

export interface CoreOptions {
  /** The workspace root (the main checkout, not a shadow worktree). */
  workspaceRoot: string;
  logSink?: LogSink;
  config?: FmesConfig;
  clock?: Clock;
  /** Environment for the lock backend choice (FMES_LOCKS_BACKEND, FMES_REDIS_PASSWORD); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The lock backend's client lives on (editor, MCP server): it reconnects after a drop. */
  longLivedLocks?: boolean;
}

/** Everything F-MES does, independent of the editor: the extension, the CLI and the MCP server all build it here. */
export interface Core extends Disposable {
  readonly root: string;
  readonly paths: WorkspacePaths;
  readonly log: Logger;
  readonly config: FmesConfig;
  /** The file backend's manager (`.locks/`), whatever backend is configured: markers and local views use it. */
  readonly locks: LockManager;
  /**
   * The configured lock backend (`locks.backend`): the file backend over `locks`, or Redis. Opened on first
   * use; throws LockBackendError when the setting cannot be used.
   */
  readonly lockBackend: LockBackend;
  /** A watcher over the bus folders; started by the caller, disposed with the core. */
  createWatcher(options?: Omit<BusWatcherOptions, 'root' | 'log'>): BusWatcher;
  /**
   * The agent runner (loaded on first use: lock commands never pay for it). `config` is read at each run's
   * start, so the editor's setting changes apply to the next run.
   */
  createRunner(options?: RunnerOptions): Promise<AgentRunner>;
  /**
   * The mission lifecycle (loaded on first use): runs, actions, the loop and approval continuation over one
   * mission store and one state table. The agent runner is created on the first mission that runs an agent.
   */
  createMissions(options?: MissionOptions): Promise<MissionService>;
}

export interface RunnerOptions {
  config?: () => FmesConfig;
  parentEnv?: Readonly<Record<string, string | undefined>>;
  hook?: { script: string; node: string; electronAsNode?: boolean };
}

export interface MissionOptions extends RunnerOptions {
  /** The id F-MES acts under (TODO.md lock, handoffs, plan approvals); default `fmes`. */
  me?: string;
  /** Variables for every agent run (tests point the CLIs at a fake model API). */
  runEnv?: Readonly<Record<string, string>>;
  /** An agent runner to share (the editor's, so the meter and the panel see mission runs). */
  agentRunner?: () => Promise<AgentRunner>;
  /** Starts each mission run where people can watch it (the editor: an integrated terminal). */
  startRun?: MissionDeps['startRun'];
}

export function createCore(options: CoreOptions): Core {
  const sink = options.logSink ?? nullSink;
  const log = createLogger(sink, 'core');
  const config = options.config ?? defaultConfig;
  const paths = new WorkspacePaths(options.workspaceRoot);
  const store = new DisposableStore();
  const locks = store.add(
    new LockManager(paths, log.child('locks'), { clock: options.clock, config: lockConfigOf(config) }),
  );
  let backend: LockBackend | undefined;
  const lockBackend = (): LockBackend =>
    (backend ??= store.add(
      openLockBackend({
        paths,
        log: log.child('locks'),
        settings: lockBackendSettingsOf(config),
        config: lockConfigOf(config),
        clock: options.clock,
        env: options.env,
        manager: locks,
        longLived: options.longLivedLocks,
      }),
    ));
  const createRunner = async (o: RunnerOptions = {}): Promise<AgentRunner> => {
    const { AgentRunner } = await import('./agents/agentRunner');
    return store.add(
      new AgentRunner({
        root: paths.root,
        config: o.config ?? (() => config),
        log: log.child('runner'),
        clock: options.clock ?? systemClock,
        parentEnv: o.parentEnv,
        hook: o.hook,
        remoteLocks: async () => {
          const b = lockBackend();
          if (b.kind === 'file') return []; // the sandbox reads .locks/ itself
          return (await b.status()).flatMap((s) =>
            s.holder.path === undefined
              ? []
              : [{ path: s.holder.path, agent: s.holder.kind === 'lock' ? s.holder.record.agent : undefined }],
          );
        },
      }),
    );
  };
  return {
    root: paths.root,
    paths,
    log,
    config,
    locks,
    get lockBackend() {
      return lockBackend();
    },
    createWatcher: (o) => store.add(new BusWatcher({ root: paths.root, log: log.child('watch'), ...o })),
    createRunner,
    createMissions: async (o = {}) => {
      const [{ MissionService }, { MissionStore }] = await Promise.all([
        import('./orchestrator/missionService'),
        import('./orchestrator/missionStore'),
      ]);
      let agents: Promise<AgentRunner> | undefined;
      return store.add(
        new MissionService({
          root: paths.root,
          config: o.config ?? (() => config),
          log: log.child('missions'),
          clock: options.clock ?? systemClock,
          locks,
          lockBackend,
          store: new MissionStore(paths.root),
          runner: () => (agents ??= o.agentRunner ? o.agentRunner() : createRunner(o)),
          me: o.me ?? 'fmes',
          runEnv: o.runEnv,
          startRun: o.startRun,
        }),
      );
    },
    dispose: () => store.dispose(),
  };
}
