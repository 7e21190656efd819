import type { AgentRunner } from './agents/agentRunner';
import { systemClock, type Clock } from './clock';
import { defaultConfig, lockConfigOf, type FmesConfig } from './config';
import { DisposableStore, type Disposable } from './disposable';
import { createLogger, nullSink, type LogSink, type Logger } from './log';
import { LockManager } from './locks/lockManager';
import { WorkspacePaths } from './paths/workspacePath';
import { BusWatcher, type BusWatcherOptions } from './watch/busWatcher';

export interface CoreOptions {
  /** The workspace root (the main checkout, not a shadow worktree). */
  workspaceRoot: string;
  logSink?: LogSink;
  config?: FmesConfig;
  clock?: Clock;
}

/** Everything F-MES does, independent of the editor: the extension, the CLI and the MCP server all build it here. */
export interface Core extends Disposable {
  readonly root: string;
  readonly paths: WorkspacePaths;
  readonly log: Logger;
  readonly config: FmesConfig;
  readonly locks: LockManager;
  /** A watcher over the bus folders; started by the caller, disposed with the core. */
  createWatcher(options?: Omit<BusWatcherOptions, 'root' | 'log'>): BusWatcher;
  /**
   * The agent runner (loaded on first use: lock commands never pay for it). `config` is read at each run's
   * start, so the editor's setting changes apply to the next run.
   */
  createRunner(options?: { config?: () => FmesConfig; parentEnv?: Readonly<Record<string, string | undefined>>; hook?: { script: string; node: string; electronAsNode?: boolean } }): Promise<AgentRunner>;
}

export function createCore(options: CoreOptions): Core {
  const sink = options.logSink ?? nullSink;
  const log = createLogger(sink, 'core');
  const config = options.config ?? defaultConfig;
  const paths = new WorkspacePaths(options.workspaceRoot);
  const store = new DisposableStore();
  const locks = new LockManager(paths, log.child('locks'), { clock: options.clock, config: lockConfigOf(config) });
  return {
    root: paths.root,
    paths,
    log,
    config,
    locks,
    createWatcher: (o) => store.add(new BusWatcher({ root: paths.root, log: log.child('watch'), ...o })),
    createRunner: async (o = {}) => {
      const { AgentRunner } = await import('./agents/agentRunner');
      return store.add(new AgentRunner({ root: paths.root, config: o.config ?? (() => config), log: log.child('runner'), clock: options.clock ?? systemClock, parentEnv: o.parentEnv, hook: o.hook }));
    },
    dispose: () => store.dispose(),
  };
}
