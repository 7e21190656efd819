import * as vscode from 'vscode';
import { budgetLevel, formatUsd } from '../core/cost/costLedger';
import type { WorkspaceModel } from '../core/model/workspaceModel';
import type { FmesConfig } from '../core/config';
import { Commands } from '../shared/ids';

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
    const c = this.state.costSummary;
    const { dailyUsd, warnShare } = this.config().budget;
    const level = budgetLevel(c.totalUsd, dailyUsd, warnShare);
    this.item.text = `$(pulse) ${formatUsd(c.totalUsd)}${dailyUsd > 0 ? ` / ${formatUsd(dailyUsd)}` : ''}`;
    this.item.backgroundColor =
      level === 'ok'
        ? undefined
        : new vscode.ThemeColor(
            level === 'warning' ? 'statusBarItem.warningBackground' : 'statusBarItem.errorBackground',
          );
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(vscode.l10n.t('**F-MES: agent spend today ({0})**: {1}', c.day, formatUsd(c.totalUsd)));
    if (dailyUsd > 0)
      md.appendMarkdown(
        vscode.l10n.t(' of {0} budget', formatUsd(dailyUsd)) +
          (level === 'exceeded'
            ? vscode.l10n.t(' — **over budget**')
            : level === 'warning'
              ? vscode.l10n.t(' — nearing the budget')
              : ''),
      );
    md.appendMarkdown('\n\n');
    if (c.sessions.length === 0) md.appendMarkdown(vscode.l10n.t('No agent sessions today.') + '\n\n');
    else {
      md.appendMarkdown(
        `| ${vscode.l10n.t('agent')} | ${vscode.l10n.t('session')} | ${vscode.l10n.t('task')} | ${vscode.l10n.t('cost')} | ${vscode.l10n.t('turns')} |\n|---|---|---|--:|--:|\n`,
      );
      for (const s of c.sessions.slice(0, 15))
        md.appendMarkdown(
          `| ${s.agent} | ${s.sessionId} | ${s.taskId ?? ''} | ${formatUsd(s.costUsd)} | ${s.turns} |\n`,
        );
    }
    if (c.issues.length)
      md.appendMarkdown(
        '\n$(warning) ' +
          vscode.l10n.t(
            '{0} bad line(s) in {1} skipped (first: {2}: {3})',
            c.issues.length,
            c.issues[0].file,
            c.issues[0].issue.field,
            c.issues[0].issue.message,
          ),
      );
    this.item.tooltip = md;
  }

  /** For tests: what the meter shows now. */
  get snapshot(): { text: string; tooltip: string; level: string } {
    const c = this.state.costSummary;
    const tooltip =
      this.item.tooltip instanceof vscode.MarkdownString ? this.item.tooltip.value : (this.item.tooltip ?? '');
    return {
      text: this.item.text,
      tooltip,
      level: budgetLevel(c.totalUsd, this.config().budget.dailyUsd, this.config().budget.warnShare),
    };
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
