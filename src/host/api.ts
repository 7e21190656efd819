import type { FmesConfig } from '../core/config';
import type { Core } from '../core/createCore';
import type { WorkspaceModel } from '../core/model/workspaceModel';
import type { CostMeter } from './statusBar';
import type { LockDecorations } from './decorations';
import type { LockGuard } from './lockGuard';
import type { MissionTreeProvider } from './views/missionTree';
import type { LockCommands } from './commands/lockCommands';
import type { PanelCommands } from './commands/panelCommands';
import type { AgentCommands } from './commands/agentCommands';
import type { MissionCommands } from './commands/missionCommands';
import type { AgentRuns } from './agents/agentRuns';
import type { McpRegistration } from './mcpRegistration';

/**
 * What `activate` returns (`extension.exports`): read access to the mission state for other extensions and
 * for the integration tests, which check what the panel, the decorations and the meter show.
 */
export interface FmesApi {
  readonly core: Core;
  readonly state: WorkspaceModel;
  readonly tree: MissionTreeProvider;
  readonly decorations: LockDecorations;
  readonly guard: LockGuard;
  readonly meter: CostMeter;
  readonly lockCommands: LockCommands;
  readonly panelCommands: PanelCommands;
  /**
   * Agent runs started from this window: `runner()` (created on first use), `snapshots` of live runs,
   * `startRun(request)` (in a new terminal; resolves with the started run, whose `done` gives the outcome),
   * `stopRun(runId)` and `terminalOf(runId)`.
   */
  readonly agents: AgentRuns;
  readonly agentCommands: AgentCommands;
  /** The orchestrator in this window: `get()` gives its mission runner and actions; the commands are public methods. */
  readonly missionCommands: MissionCommands;
  /** The MCP server offered to the editor's agents: `state` (registered, or why not) and `launch()` (what the editor starts). */
  readonly mcp: McpRegistration;
  /** The settings in effect (as parsed; bad values replaced by their defaults). */
  config(): FmesConfig;
  /** Resolves once the watcher has reported the initial state. */
  readonly ready: Promise<void>;
  /** The `fmes` shim on the integrated terminals' PATH, once written (undefined when it could not be). */
  readonly cliShim: Promise<string | undefined>;
  /** The identity of this person's locks. */
  me(): string;
  /** How long activation took: activate() alone, and from the bundle starting to load. */
  readonly timings: { activateMs: number; loadAndActivateMs: number };
}
