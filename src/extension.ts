import * as os from 'node:os';
import * as vscode from 'vscode';
import { configFor } from './core/configFile';
import { createCore } from './core/createCore';
import { WorkspaceModel } from './core/model/workspaceModel';
import { describeBusEvent } from './core/watch/busEvents';
import type * as ArtifactModule from './core/artifacts/parseArtifact';
import { AgentRuns } from './host/agents/agentRuns';
import type { FmesApi } from './host/api';
import { AgentCommands } from './host/commands/agentCommands';
import { ApprovalCommands } from './host/commands/approvalCommands';
import { PlanCommands } from './host/commands/planCommands';
import { InitCommands } from './host/commands/initCommands';
import { LockCommands } from './host/commands/lockCommands';
import { MissionCommands } from './host/commands/missionCommands';
import { PanelCommands } from './host/commands/panelCommands';
import { ConfigWatcher } from './host/config';
import { setContext } from './host/context';
import { LockDecorations } from './host/decorations';
import { HeldLocks } from './host/heldLocks';
import { watchLockBackend } from './host/lockBackendStatus';
import { putCliOnPath } from './host/cliOnPath';
import { checkWorkspaceSetup } from './host/hookPaths';
import { LockContext } from './host/lockContext';
import { LockGuard } from './host/lockGuard';
import { channelSink } from './host/log';
import { McpRegistration } from './host/mcpRegistration';
import { CostMeter } from './host/statusBar';
import { MissionTreeProvider } from './host/views/missionTree';
import { DashboardPanel } from './host/webview/dashboardPanel';
import { McpProviders, Views } from './shared/ids';

/** Composition root: builds the adapters and the core, registers every disposable in one list. */
export function activate(context: vscode.ExtensionContext): FmesApi | undefined {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('F-MES', { log: true });
  const subs = context.subscriptions;
  subs.push(log);
  // `fmes` in every integrated terminal, with or without a workspace (agents started there call it too).
  const cliShim = putCliOnPath(context).then(
    (shim) => {
      log.info(`fmes on the terminals' PATH: ${shim}`);
      return shim;
    },
    (e: unknown) => {
      log.warn(`could not put fmes on the terminals' PATH: ${String(e)}`);
      return undefined;
    },
  );
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  if (!folder) {
    log.info('no local workspace folder: F-MES is idle');
    return undefined;
  }
  // Where locks live comes from the repository's .fmes/config.json and the settings together, as for the CLI.
  const config = new ConfigWatcher(log, (settings) => configFor(folder.uri.fsPath, settings).config);
  const core = createCore({ workspaceRoot: folder.uri.fsPath, logSink: channelSink(log), config: config.value });
  const me = () => config.value.agentId || `human:${safeUser()}`;
  const trusted = () => vscode.workspace.isTrusted;
  // Lazily loaded parsers keep activation light; the cost parser is small and needed at once.
  const parsers = {
    parseCostLog: (...a: Parameters<typeof ArtifactModule.parseCostLog>) => parse().parseCostLog(...a),
  };
  const state = new WorkspaceModel(core.root, core.locks, parsers);
  // Lazily: opening the configured backend (a Redis client) waits for the first lock this window takes.
  const held = new HeldLocks({ acquire: (input, o) => core.lockBackend.acquire(input, o) }, log);
  const tree = new MissionTreeProvider(state, core.root, me);
  const decorations = new LockDecorations(state, core.root, me);
  const meter = new CostMeter(state, () => config.value);
  const lockCommands = new LockCommands({ core, state, held, log, me, trusted });
  const lockContext = new LockContext(state, core.root, me);
  const guard = new LockGuard(
    state,
    core.root,
    me,
    () => config.value,
    {
      showLock: (l) => vscode.commands.executeCommand('fmes.showLock', l),
      notifyWhenFree: (p) => lockCommands.notifyWhenFree(p),
      forceUnlock: (l) => lockCommands.forceUnlock(l),
    },
    log,
  );
  const watcher = core.createWatcher();
  const markers = vscode.workspace.createFileSystemWatcher('**/.agent_lock');
  const reload = async () => state.load(await findMarkerDirs());
  const panelCommands = new PanelCommands({ root: core.root, state, log, reload });
  const agents = new AgentRuns({ core, state, config: () => config.value, log, extensionPath: context.extensionPath });
  const agentCommands = new AgentCommands({ root: core.root, state, agents, log, trusted });
  const approvalCommands = new ApprovalCommands({ root: core.root, log, trusted, me: () => me() });
  const initCommands = new InitCommands({ root: core.root, extensionPath: context.extensionPath, log, trusted });
  const planCommands = new PlanCommands({ root: core.root, log, trusted });
  const missionCommands = new MissionCommands({
    core,
    state,
    agents,
    config: () => config.value,
    log,
    trusted,
    me,
    storageDir: (context.storageUri ?? context.globalStorageUri).fsPath,
  });
  const dashboard = new DashboardPanel({
    root: core.root,
    state,
    log,
    trusted,
    me,
    extensionUri: context.extensionUri,
  });
  stopAgents = () => agents.stopAll('F-MES is shutting down');
  const mcp = new McpRegistration({
    providerId: McpProviders.fmes,
    extensionPath: context.extensionPath,
    root: core.root,
    agent: me,
    trusted,
    changes: [config.onDidChange, vscode.workspace.onDidGrantWorkspaceTrust],
    log,
  });
  subs.push(
    config,
    core,
    state,
    held,
    tree,
    decorations,
    meter,
    lockCommands,
    lockContext,
    guard,
    panelCommands,
    agents,
    agentCommands,
    approvalCommands,
    initCommands,
    planCommands,
    missionCommands,
    dashboard,
    watcher,
    markers,
    mcp,
    vscode.window.registerTreeDataProvider(Views.missions, tree),
    vscode.window.registerFileDecorationProvider(decorations),
    watcher.onEvent((e) => {
      log.debug(describeBusEvent(e));
      state.apply(e);
      missionCommands.handleBusEvent(e);
    }),
    markers.onDidCreate(() => void reload()),
    markers.onDidDelete(() => void reload()),
    config.onDidChange(() => meter.update()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void setContext('fmes:trusted', true)),
    vscode.workspace.onDidGrantWorkspaceTrust(
      () => void checkWorkspaceSetup({ root: core.root, extensionPath: context.extensionPath, log, trusted }),
    ),
  );
  void setContext('fmes:active', true);
  void setContext('fmes:trusted', trusted());
  // Everything that touches the disk happens after activation returns.
  const ready = (async () => {
    await reload();
    subs.push(watchLockBackend(core, state, log));
    await watcher.start();
    await checkWorkspaceSetup({ root: core.root, extensionPath: context.extensionPath, log, trusted });
    log.info(`watching ${core.root} as ${me()}${trusted() ? '' : ' (untrusted: read-only mode)'}`);
  })();
  ready.catch((e: unknown) => log.error(`could not start watching: ${String(e)}`));
  const loadStart = (globalThis as { __fmesLoadStart?: number }).__fmesLoadStart ?? started;
  const timings = { activateMs: performance.now() - started, loadAndActivateMs: performance.now() - loadStart };
  log.info(
    `activated in ${timings.activateMs.toFixed(1)} ms (${timings.loadAndActivateMs.toFixed(1)} ms with loading the bundle)`,
  );
  return {
    core,
    state,
    tree,
    decorations,
    guard,
    meter,
    lockCommands,
    panelCommands,
    agents,
    agentCommands,
    missionCommands,
    mcp,
    config: () => config.value,
    ready,
    cliShim,
    me,
    timings,
  };
}

/** Set by activate: stops every agent run. */
let stopAgents: (() => Promise<void>) | undefined;

/** VS Code awaits this before disposing the subscriptions: no agent process tree outlives the window. */
export function deactivate(): Promise<void> | undefined {
  return stopAgents?.();
}

let parserModule: typeof ArtifactModule | undefined;
function parse(): typeof ArtifactModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load inside the CommonJS bundle
  return (parserModule ??= require('./core/artifacts/parseArtifact') as typeof ArtifactModule);
}

async function findMarkerDirs(): Promise<string[]> {
  const found = await vscode.workspace.findFiles('**/.agent_lock', '{**/node_modules/**,**/.git/**,.trees/**}', 500);
  return found.map((u) => vscode.Uri.joinPath(u, '..').fsPath);
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'me';
  }
}
