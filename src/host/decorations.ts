import * as vscode from 'vscode';
import type { WorkspaceModel } from '../core/model/workspaceModel';
import { covers } from '../hot/paths/workspacePath';
import { workspacePathOf } from './workspacePaths';

/**
 * Lock badges in the explorer and on tabs: 🔒 on every locked file and folder (and on what a folder lock
 * covers), orange for someone else's lock, green for your own, with holder, intent and age in the tooltip.
 */
export class LockDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly state: WorkspaceModel,
    private readonly root: string,
    private readonly me: () => string,
  ) {
    this.sub = state.onDidChange(() => this.emitter.fire(undefined));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const p = workspacePathOf(this.root, uri);
    if (p === undefined) return undefined;
    const covering = this.state.lockViews.filter((l) => covers(l.path, p));
    if (covering.length === 0) return undefined;
    const others = covering.filter((l) => l.agent !== this.me());
    const shown = others[0] ?? covering[0];
    const mine = others.length === 0;
    const stale = shown.staleness.stale || shown.kind === 'invalid';
    const holder = shown.agent ?? 'unknown';
    const tooltip =
      (mine ? vscode.l10n.t('Locked by you') : vscode.l10n.t('Locked by {0}', holder)) +
      (shown.intent ? `: ${shown.intent}` : '') +
      (shown.path !== p ? ' ' + vscode.l10n.t('(folder {0})', shown.path) : '') +
      (stale ? ' ' + vscode.l10n.t('[stale]') : '');
    return {
      badge: '🔒',
      tooltip,
      color: new vscode.ThemeColor(stale ? 'list.warningForeground' : mine ? 'charts.green' : 'charts.orange'),
      propagate: false,
    };
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
