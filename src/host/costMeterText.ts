// What the cost meter shows, as text: the status-bar text, the Markdown tooltip and the screen reader's label.
// No `vscode` import (the translator is passed in: vscode.l10n in the editor, the real bundles in the unit test
// test/unit/host/costMeterText.test.ts), so every branch is tested without an editor. `npm run l10n` finds the
// `l10n.t('…')` calls here as it does in the rest of src/host.
import { budgetLevel, formatUsd, type BudgetLevel, type CostSummary } from '../core/cost/costLedger';

/** `vscode.l10n`'s shape: the English message is the key, `{0}`, `{1}`… its arguments. */
export interface L10n {
  t(message: string, ...args: (string | number | boolean)[]): string;
}

export interface CostMeterText {
  /** The status-bar text (with a codicon). */
  text: string;
  /** The tooltip, Markdown with theme icons. */
  tooltip: string;
  /** StatusBarItem.accessibilityInformation.label: plain words, no codicon, no Markdown. */
  label: string;
  level: BudgetLevel;
}

/** Sessions listed in the tooltip; the rest are counted ("n more…"), the dashboard lists them all. */
export const TOOLTIP_SESSIONS = 15;

/** Text an agent or a log file chose, safe in a Markdown table cell: no markup, no `$(icon)`, no cell break. */
export function mdCell(s: string): string {
  return s
    .replace(/[\\`*_[\]<>|~$]/g, '\\$&')
    .replace(/[\r\n]+/g, ' ')
    .trim();
}

export function costMeterText(
  c: CostSummary,
  budget: { dailyUsd: number; warnShare: number },
  l10n: L10n,
  maxSessions = TOOLTIP_SESSIONS,
): CostMeterText {
  const { dailyUsd, warnShare } = budget;
  const level = budgetLevel(c.totalUsd, dailyUsd, warnShare);
  const spent = formatUsd(c.totalUsd);
  const text = `$(pulse) ${spent}${dailyUsd > 0 ? ` / ${formatUsd(dailyUsd)}` : ''}`;
  const shown = c.sessions.slice(0, maxSessions);
  const hidden = c.sessions.length - shown.length;

  let md = l10n.t('**F-MES: agent spend today ({0})**: {1}', c.day, spent);
  if (dailyUsd > 0)
    md +=
      l10n.t(' of {0} budget', formatUsd(dailyUsd)) +
      (level === 'exceeded'
        ? l10n.t(' — **over budget**')
        : level === 'warning'
          ? l10n.t(' — nearing the budget')
          : '');
  md += '\n\n';
  if (c.sessions.length === 0) md += l10n.t('No agent sessions today.') + '\n\n';
  else {
    const head = [l10n.t('agent'), l10n.t('session'), l10n.t('task'), l10n.t('cost'), l10n.t('turns')];
    md += `| ${head.join(' | ')} |\n|---|---|---|--:|--:|\n`;
    for (const s of shown)
      md += `| ${mdCell(s.agent)} | ${mdCell(s.sessionId)} | ${mdCell(s.taskId ?? '')} | ${formatUsd(s.costUsd)} | ${s.turns} |\n`;
    // Cut off: say so, with the count, where the whole list is.
    if (hidden > 0) md += '\n' + l10n.t('{0} more… (F-MES: Show Dashboard lists all)', hidden) + '\n';
  }
  if (c.issues.length)
    md +=
      '\n$(warning) ' +
      l10n.t(
        '{0} bad line(s) in {1} skipped (first: {2}: {3})',
        c.issues.length,
        mdCell(c.issues[0].file),
        mdCell(c.issues[0].issue.field),
        mdCell(c.issues[0].issue.message),
      );

  const parts = [
    dailyUsd > 0
      ? l10n.t('F-MES agent spend today: {0} of a {1} budget.', spent, formatUsd(dailyUsd))
      : l10n.t('F-MES agent spend today: {0}.', spent),
  ];
  if (level === 'exceeded') parts.push(l10n.t('Over budget.'));
  else if (level === 'warning') parts.push(l10n.t('Nearing the budget.'));
  parts.push(
    c.sessions.length === 1 ? l10n.t('1 agent session today.') : l10n.t('{0} agent sessions today.', c.sessions.length),
  );
  if (c.issues.length) parts.push(l10n.t('{0} bad cost log lines skipped.', c.issues.length));
  parts.push(l10n.t('Opens the mission panel.'));
  return { text, tooltip: md, label: plainText(parts.join(' ')), level };
}

/** A screen reader's text: no `$(icon)` and no Markdown emphasis, whatever a translation put there. */
export function plainText(s: string): string {
  return s
    .replace(/\$\([\w~-]+\)\s*/g, '')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
