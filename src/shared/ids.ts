/**
 * Every command, view, MCP provider and context key id, in one typed map that matches package.json (a unit test checks
 * that they agree). No Node and no vscode here: the webview imports this file too.
 */
export const Commands = {
  acquireLock: 'fmes.acquireLock',
  releaseLock: 'fmes.releaseLock',
  forceUnlock: 'fmes.forceUnlock',
  lockForMe: 'fmes.lockForMe',
  showLock: 'fmes.showLock',
  notifyWhenFree: 'fmes.notifyWhenFree',
  showMissionPanel: 'fmes.showMissionPanel',
  showLog: 'fmes.showLog',
  validateArtifacts: 'fmes.validateArtifacts',
  refresh: 'fmes.refresh',
  openArtifact: 'fmes.openArtifact',
  runClaudeOnPlan: 'fmes.runClaudeOnPlan',
  runAgent: 'fmes.runAgent',
  stopAgent: 'fmes.stopAgent',
  resumeSession: 'fmes.resumeSession',
  showAgentTerminal: 'fmes.showAgentTerminal',
  reviewApprovals: 'fmes.reviewApprovals',
  initWorkspace: 'fmes.initWorkspace',
  newPlan: 'fmes.newPlan',
  showDashboard: 'fmes.showDashboard',
  startMission: 'fmes.startMission',
  mergeMission: 'fmes.mergeMission',
  openMergeEditor: 'fmes.openMergeEditor',
  discardMission: 'fmes.discardMission',
  rollBackMission: 'fmes.rollBackMission',
  generateHandoff: 'fmes.generateHandoff',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'fmes',
  missions: 'fmes.missions',
} as const;

/** Webview panel types (`onWebviewPanel:<id>` activation, the panel serializer). */
export const WebviewPanels = {
  dashboard: 'fmes.dashboard',
} as const;

/** MCP server definition providers (`contributes.mcpServerDefinitionProviders`). */
export const McpProviders = {
  fmes: 'fmes.mcp',
} as const;

/** Context keys (`fmes:<key>`) and their value types. */
export interface ContextKeys {
  'fmes:active': boolean;
  'fmes:trusted': boolean;
  /** The active editor's file is locked by someone else. */
  'fmes:activeFileLocked': boolean;
  /** At least one agent run started from this window is live (gates Stop Agent in the palette). */
  'fmes:agentRunning': boolean;
  /** Absolute paths of the locks others hold (Explorer: Force Unlock, Show Lock where they apply). */
  'fmes:lockedPaths': string[];
  /** Absolute paths of the locks this person holds (Explorer: Release Lock where it applies). */
  'fmes:myLockedPaths': string[];
}
