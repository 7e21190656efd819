import * as vscode from 'vscode';
import { budgetLevel } from '../core/cost/costLedger';
import type { WorkspaceModel } from '../core/model/workspaceModel';
import type { FmesConfig } from '../core/config';
import { Commands } from '../shared/ids';
import { costMeterText } from './costMeterText';

/**
 * The cost meter: today's spend across every agent session, per-session figures in the tooltip, warning
 * colour from a share of the daily budget and error colour past it. Click opens the mission panel.
 */
export class CostMeter implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly state: WorkspaceModel,
    private readonly config: () => FmesConfig,
  ) {
    this.item = vscode.window.createStatusBarItem('fmes.costMeter', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('F-MES Cost');
    this.item.command = Commands.showMissionPanel;
    this.sub = state.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    const v = costMeterText(this.state.costSummary, this.config().budget, vscode.l10n);
    this.item.text = v.text;
    this.item.backgroundColor =
      v.level === 'ok'
        ? undefined
        : new vscode.ThemeColor(
            v.level === 'warning' ? 'statusBarItem.warningBackground' : 'statusBarItem.errorBackground',
          );
    this.item.tooltip = new vscode.MarkdownString(v.tooltip, true);
    // A screen reader reads this instead of the text: words, not "$(pulse)" (costMeterText keeps it plain).
    this.item.accessibilityInformation = { label: v.label, role: 'button' };
  }

  /** For tests: what the meter shows now. */
  get snapshot(): { text: string; tooltip: string; label: string; level: string } {
    const c = this.state.costSummary;
    const tooltip =
      this.item.tooltip instanceof vscode.MarkdownString ? this.item.tooltip.value : (this.item.tooltip ?? '');
    return {
      text: this.item.text,
      tooltip,
      label: this.item.accessibilityInformation?.label ?? '',
      level: budgetLevel(c.totalUsd, this.config().budget.dailyUsd, this.config().budget.warnShare),
    };
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
