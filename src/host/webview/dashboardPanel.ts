import * as vscode from 'vscode';
import { DASHBOARD_GLOBS } from '../../core/dashboard/dashboardFiles';
import { ArtifactError, errorMessage, TrustError } from '../../core/errors';
import type { WorkspaceModel } from '../../core/model/workspaceModel';
import { WorkspacePaths } from '../../hot/paths/workspacePath';
import { ApprovalStore } from '../../core/safety/approvals';
import { Commands, type CommandId, WebviewPanels } from '../../shared/ids';
import { type DashboardState, type HostMessage, parseWebviewMessage, type WebviewMessage } from '../../shared/protocol';
import { registerCommand, showErrorWithLog } from '../commands/registerCommand';
import { dashboardHtml, webviewRoot } from './dashboardHtml';
import { openMissionDiff, RevisionContent, withDiffs } from './missionDiffEditor';

export interface DashboardDeps {
  root: string;
  state: WorkspaceModel;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
  /** The id approvals are decided under. */
  me: () => string;
  extensionUri: vscode.Uri;
}

/** Files change in bursts (an agent writes a report and a mission record together): one rebuild per burst. */
const REFRESH_DELAY_MS = 100;

/**
 * The dashboard: one webview panel over the workspace's TODO.md, reports, missions, handoffs, approvals,
 * agents and cost. It rebuilds the state when WorkspaceModel or a watched file changes, but only while the
 * panel is open and its page has said `ready`. Buttons run the F-MES commands by id; approvals are decided
 * here through the ApprovalStore, as Review Approvals… does.
 */
export class DashboardPanel implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private panel: vscode.WebviewPanel | undefined;
  /** Disposed with the panel: its watcher and listeners. */
  private panelSubs: vscode.Disposable[] = [];
  private ready = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly d: DashboardDeps) {
    this.subs.push(
      registerCommand(Commands.showDashboard, d.log, () => this.show()),
      vscode.window.registerWebviewPanelSerializer(WebviewPanels.dashboard, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
      d.state.onDidChange(() => this.schedule()),
      new RevisionContent(d.root),
    );
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      WebviewPanels.dashboard,
      'F-MES Dashboard',
      vscode.ViewColumn.Active,
      { enableScripts: true, retainContextWhenHidden: false },
    );
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    // Set again on a restored panel: its options are not kept across reloads.
    panel.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [webviewRoot(this.d.extensionUri)],
    };
    panel.iconPath = vscode.Uri.joinPath(this.d.extensionUri, 'media', 'fmes.svg');
    panel.webview.html = dashboardHtml(panel.webview, this.d.extensionUri);
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(this.d.root, `{${DASHBOARD_GLOBS.join(',')}}`),
    );
    this.panelSubs = [
      watcher,
      watcher.onDidCreate(() => this.schedule()),
      watcher.onDidChange(() => this.schedule()),
      watcher.onDidDelete(() => this.schedule()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      // Without retained context the page is torn down while hidden and says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.detach()),
    ];
  }

  private detach(): void {
    for (const s of this.panelSubs) s.dispose();
    this.panelSubs = [];
    this.panel = undefined;
    this.ready = false;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (!this.panel || !this.ready) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.push(), REFRESH_DELAY_MS);
  }

  private async push(): Promise<void> {
    if (!this.panel || !this.ready) return;
    try {
      await this.post({ type: 'state/changed', state: await this.buildState() });
    } catch (e) {
      this.d.log.error(`dashboard: could not build the state: ${errorMessage(e)}`);
    }
  }

  /** The model is loaded on first use: it brings the markdown renderer and the artifact parsers. */
  async buildState(): Promise<DashboardState> {
    const { buildDashboardState } = await import('../../core/dashboard/dashboardModel');
    const s = buildDashboardState({ root: this.d.root, live: this.d.state, trusted: this.d.trusted() });
    await withDiffs(this.d.root, s, this.d.log);
    return { ...s, locale: vscode.env.language };
  }

  private post(m: HostMessage): Thenable<boolean> {
    return this.panel?.webview.postMessage(m) ?? Promise.resolve(false);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.d.log.warn(`dashboard: ignored a message that is not in the protocol: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.value);
    } catch (e) {
      this.d.log.error(
        `dashboard: ${parsed.value.type} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      void showErrorWithLog(`F-MES: ${errorMessage(e)}`, this.d.log);
    }
  }

  private async handle(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        return this.push();
      case 'state/get': {
        try {
          await this.post({
            type: 'reply',
            requestId: m.requestId,
            request: m.type,
            ok: true,
            result: await this.buildState(),
          });
        } catch (e) {
          await this.post({
            type: 'reply',
            requestId: m.requestId,
            request: m.type,
            ok: false,
            error: errorMessage(e),
          });
        }
        return;
      }
      case 'mission/merge':
        return this.run(Commands.mergeMission, m.taskId);
      case 'mission/openMergeEditor':
        return this.run(Commands.openMergeEditor, m.taskId);
      case 'mission/discard':
        return this.run(Commands.discardMission, m.taskId);
      case 'mission/rollback':
        return this.run(Commands.rollBackMission, m.taskId);
      case 'mission/start':
        return this.start(m.planFile);
      case 'handoff/generate':
        return this.run(Commands.generateHandoff, m.taskId);
      case 'approval/decide':
        return this.decide(m.id, m.decision);
      case 'mission/openDiff':
        return openMissionDiff(this.d.root, m.taskId, m.file);
      case 'artifact/open':
        return this.open(m.file);
      default: {
        const unexpected: never = m;
        this.d.log.warn(`dashboard: unhandled message ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private async run(id: CommandId, taskId: string): Promise<void> {
    this.d.log.info(`dashboard: ${id} ${taskId}`);
    await vscode.commands.executeCommand(id, taskId);
  }

  /**
   * A mission runs for minutes: the message is handled once it is started, and its end shows in the state
   * (and in the command's own notifications). The command reports its own failures; this catches the rest.
   */
  private start(planFile: string): void {
    if (!this.d.trusted()) throw new TrustError('Starting a mission');
    const paths = new WorkspacePaths(this.d.root);
    const { path: p, kind } = paths.resolve(planFile);
    if (kind !== 'file')
      throw new ArtifactError('unreadable', planFile, [{ field: '', message: 'no such plan in the workspace' }]);
    this.d.log.info(`dashboard: ${Commands.startMission} ${p}`);
    void Promise.resolve(
      vscode.commands.executeCommand(Commands.startMission, vscode.Uri.file(paths.absolute(p))),
    ).catch((e: unknown) => this.d.log.error(`dashboard: ${Commands.startMission} ${p} failed: ${errorMessage(e)}`));
  }

  /** The button is the decision: the row shows the tool, the call and the reason the modal would. */
  private async decide(id: string, decision: 'approved' | 'rejected'): Promise<void> {
    if (!this.d.trusted()) throw new TrustError('Approving an agent request');
    const decided = new ApprovalStore(this.d.root).decide(id, decision, this.d.me());
    this.d.log.info(`approval ${decided.id} ${decided.status} by ${decided.decidedBy} (dashboard)`);
    this.schedule();
  }

  private async open(file: string): Promise<void> {
    const paths = new WorkspacePaths(this.d.root);
    const { path: p, kind } = paths.resolve(file);
    if (kind !== 'file')
      throw new ArtifactError('unreadable', file, [{ field: '', message: 'no such file in the workspace' }]);
    await vscode.commands.executeCommand(Commands.openArtifact, paths.absolute(p));
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
    for (const s of this.subs.reverse()) s.dispose();
  }
}
