import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentRun } from '../../core/agents/agentRun';
import type { AgentRunner } from '../../core/agents/agentRunner';
import type { RunOutcome, RunRequest, RunSnapshot } from '../../core/agents/runTypes';
import type { FmesConfig } from '../../core/config';
import type { Core } from '../../core/createCore';
import type { WorkspaceModel } from '../../core/model/workspaceModel';
import { setContext } from '../context';
import { AgentTerminal } from './agentTerminal';

export interface AgentRunsDeps {
  core: Core;
  state: WorkspaceModel;
  config: () => FmesConfig;
  log: vscode.LogOutputChannel;
  /** The extension's folder: dist/hook.cjs is in it. */
  extensionPath: string;
}

/** The meter and the panel follow runs at most this often: cost events arrive with every model reply. */
const SYNC_EVERY_MS = 250;

/**
 * The editor's side of the agent runner: creates the runner on first use (activation and lock commands never
 * load it), starts each run in its own terminal, and mirrors live runs and their not-yet-logged cost into
 * WorkspaceModel, throttled, for the panel and the cost meter.
 */
export class AgentRuns implements vscode.Disposable {
  private runnerPromise: Promise<AgentRunner> | undefined;
  private created: AgentRunner | undefined;
  private readonly terminals = new Map<string, vscode.Terminal>();
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastSync = 0;
  private disposed = false;
  private get hookScript(): string {
    return path.join(this.d.extensionPath, 'dist', 'hook.cjs');
  }

  constructor(private readonly d: AgentRunsDeps) {
    this.subs.push(
      vscode.window.onDidCloseTerminal((t) => {
        for (const [id, term] of this.terminals) if (term === t) this.terminals.delete(id);
      }),
    );
  }

  /** The runner (created, and wired to the mission state, on the first call). */
  runner(): Promise<AgentRunner> {
    return (this.runnerPromise ??= this.d.core
      .createRunner({
        config: this.d.config,
        // The extension host's binary is Electron in VS Code (plain Node in code-server); as Node it runs the hook.
        hook: fs.existsSync(this.hookScript)
          ? { script: this.hookScript, node: process.execPath, electronAsNode: !!process.versions.electron }
          : undefined,
      })
      .then((r) => {
        this.created = r;
        const sub = r.onDidChange(() => this.syncSoon());
        this.subs.push({ dispose: () => sub.dispose() });
        return r;
      }));
  }

  /** Live runs; empty before the first run. */
  get snapshots(): RunSnapshot[] {
    return this.created?.snapshots ?? [];
  }

  find(runId: string): AgentRun | undefined {
    return this.created?.find(runId);
  }

  /** Starts a run in a new integrated terminal named `F-MES · <agent> · <task>`; resolves once it has started. */
  async startRun(request: RunRequest, options: { show?: boolean } = {}): Promise<AgentRun> {
    const runner = await this.runner();
    const pty = new AgentTerminal(() => runner.start(request));
    const terminal = vscode.window.createTerminal({
      name: `F-MES · ${request.agentId ?? request.cli} · ${request.taskId}`,
      pty,
      iconPath: new vscode.ThemeIcon('hubot'),
      color: new vscode.ThemeColor('terminal.ansiCyan'),
    });
    if (options.show !== false) terminal.show(true);
    const run = await pty.started;
    this.terminals.set(run.id, terminal);
    this.d.log.info(`started ${run.agentId} on ${request.taskId} (run ${run.id}${request.resume ? ', resuming' : ''})`);
    void run.done.then((o) => this.d.log.info(`${o.agentId} on ${o.taskId} ended: ${o.reason} — ${o.message}`));
    return run;
  }

  /** Stops a live run (its whole process tree); undefined when no such run is live. */
  async stopRun(runId: string, why = 'stopped from the editor'): Promise<RunOutcome | undefined> {
    const run = this.find(runId);
    if (!run) return undefined;
    this.d.log.info(`stopping ${run.agentId} on ${run.request.taskId} (run ${runId}): ${why}`);
    return run.stop(why);
  }

  terminalOf(runId: string): vscode.Terminal | undefined {
    return this.terminals.get(runId);
  }

  /** Stops every live run and waits for their process trees to be gone (deactivation awaits this). */
  async stopAll(why: string): Promise<void> {
    await this.created?.stopAll(why);
  }

  /** At most one sync per SYNC_EVERY_MS, and always one after the last change. */
  private syncSoon(): void {
    if (this.timer || this.disposed) return;
    const wait = Math.max(0, this.lastSync + SYNC_EVERY_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastSync = Date.now();
      this.sync();
    }, wait);
  }

  private sync(): void {
    const r = this.created;
    if (!r || this.disposed) return;
    const runs = r.snapshots;
    this.d.state.setRuns(runs);
    this.d.state.setLiveCosts(r.liveCostRecords());
    void setContext('fmes:agentRunning', runs.length > 0);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    for (const t of this.terminals.values()) t.dispose();
    this.terminals.clear();
  }
}
