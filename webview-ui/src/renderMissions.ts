import type { DashboardState, MissionDiffView, MissionRow } from '../../src/shared/protocol';
import { button, fields, fileLink, h, list, usd } from './dom';
import { t, tn } from './l10n';
import { verifyDetails } from './verifyDetails';

/** Each mission state in words a person reads; unknown states (a newer F-MES) show as they are. */
export function stateWords(state: string): string {
  switch (state) {
    case 'queued':
      return t('Queued');
    case 'waiting':
      return t('Waiting for a file');
    case 'awaitingApproval':
      return t('Needs approval');
    case 'running':
      return t('Running');
    case 'review':
      return t('Needs review');
    case 'readyToMerge':
      return t('Ready to merge');
    case 'conflicted':
      return t('Has conflicts');
    case 'merged':
      return t('Merged');
    case 'discarded':
      return t('Discarded');
    case 'rolledBack':
      return t('Rolled back');
    case 'handedOff':
      return t('Handed off');
    case 'refused':
      return t('Refused');
    default:
      return state;
  }
}

export function statePill(state: string, field?: string): HTMLElement {
  return h(
    'span',
    { class: `pill state-${state}`, attrs: field ? { 'data-field': field, title: state } : { title: state } },
    stateWords(state),
  );
}

/** `+12 −3` for a text file, `binary` for one without line counts. */
export function countsText(f: { added?: number; removed?: number }): string {
  return f.added === undefined || f.removed === undefined ? t('binary') : `+${f.added} −${f.removed}`;
}

/**
 * The files a mission's branch changed, each a button that opens VS Code's diff editor (start commit ↔
 * branch). Native buttons: Tab reaches each, Enter and Space open it.
 */
export function diffList(taskId: string, d: MissionDiffView | undefined): HTMLElement | undefined {
  if (!d) return undefined;
  if (d.files.length === 0) return h('p', { class: 'empty', attrs: { 'data-key': 'diff' } }, t('No changes yet.'));
  const items = d.files.map((f) =>
    h(
      'li',
      { attrs: { 'data-key': f.file } },
      h(
        'button',
        {
          class: 'diff-file',
          attrs: {
            type: 'button',
            'data-command': JSON.stringify({ type: 'mission/openDiff', taskId, file: f.file }),
            'aria-label': t('Open the diff of {0}: {1} lines added, {2} removed', f.file, f.added ?? 0, f.removed ?? 0),
          },
        },
        h('span', { class: 'diff-name' }, f.file),
        ' ',
        f.added === undefined
          ? h('span', { class: 'diff-binary' }, t('binary'))
          : h(
              'span',
              { class: 'diff-counts' },
              h('span', { class: 'added' }, `+${f.added}`),
              ' ',
              h('span', { class: 'removed' }, `−${f.removed}`),
            ),
      ),
    ),
  );
  const total = d.files.reduce((n, f) => [n[0] + (f.added ?? 0), n[1] + (f.removed ?? 0)], [0, 0]);
  return h(
    'div',
    { class: 'diff', attrs: { 'data-key': 'diff', 'data-diff': taskId } },
    h(
      'p',
      { class: 'diff-summary' },
      tn(d.files.length, '{0} file changed, +{1} −{2}', '{0} files changed, +{1} −{2}', total[0], total[1]),
      d.truncated ? ` ${t('(first files only)')}` : '',
    ),
    h('ul', { class: 'diff-files' }, ...items),
  );
}

export function mergePrompt(m: MissionRow, s: DashboardState): HTMLElement {
  const taskId = m.taskId;
  const off = !s.trusted;
  const cc = m.crossCheck;
  const stateText: Record<string, string> = {
    readyToMerge: cc ? t('Ready to merge: the cross-check passed.') : t('Ready to merge.'),
    review: t('Needs review before merging (the reason is below).'),
    conflicted: t('The merge stopped on conflicts: resolve them in the merge editor.'),
  };
  return h(
    'article',
    { class: `card merge-prompt state-${m.state}`, attrs: { 'data-mission': taskId, 'data-key': `prompt:${taskId}` } },
    h('h3', {}, `${taskId}: ${m.title}`),
    h('p', { class: 'state' }, stateText[m.state] ?? stateWords(m.state)),
    m.reason && h('p', { class: 'reason' }, m.reason),
    fields([
      [t('Branch'), m.branch],
      [t('Cost'), usd(m.costUsd)],
      [t('Changes'), diffList(taskId, m.diff) ?? (cc && cc.changed.length ? list(cc.changed) : undefined)],
      [t('Undeclared'), cc && cc.undeclared.length ? list(cc.undeclared) : undefined],
      [t('Report mismatch'), cc && cc.reportMismatch.length ? list(cc.reportMismatch) : undefined],
      [t('Failed tests'), cc?.failedTests ? String(cc.failedTests) : undefined],
      [t('Conflicts'), m.conflicts.length ? list(m.conflicts) : undefined],
      [t('Predicted conflicts'), m.predictedConflicts.length ? list(m.predictedConflicts) : undefined],
      [t('Report'), m.report ? fileLink(m.report) : undefined],
    ]),
    m.verify && verifyDetails(m.verify),
    h(
      'div',
      { class: 'buttons' },
      button(
        t('Merge'),
        t('Merge mission {0}', taskId),
        { type: 'mission/merge', taskId },
        {
          disabled: off || m.state === 'conflicted',
        },
      ),
      button(
        t('Open Merge Editor'),
        t('Open the merge editor for mission {0}', taskId),
        { type: 'mission/openMergeEditor', taskId },
        { secondary: true, disabled: off },
      ),
      button(
        t('Discard'),
        t('Discard mission {0}', taskId),
        { type: 'mission/discard', taskId },
        {
          secondary: true,
          disabled: off,
        },
      ),
      m.canRollBack &&
        button(
          t('Roll Back'),
          t('Roll back mission {0} to its snapshot', taskId),
          { type: 'mission/rollback', taskId },
          { secondary: true, disabled: off },
        ),
    ),
  );
}

export function missionRow(m: MissionRow, s: DashboardState): HTMLElement {
  const last = m.attempts.at(-1);
  return h(
    'tr',
    { attrs: { 'data-mission-row': m.taskId, 'data-key': m.taskId } },
    h('td', {}, m.taskId),
    h('td', {}, m.title),
    h('td', {}, statePill(m.state, 'state')),
    h('td', {}, last ? `${last.agent} (${last.reason})` : t('not run yet ({0})', m.chain.join(' → '))),
    h('td', {}, m.diff ? diffList(m.taskId, m.diff) : '—'),
    h('td', { class: 'num' }, usd(m.costUsd)),
    h(
      'td',
      {},
      fileLink(m.planFile, t('plan')),
      m.open && ' ',
      m.open &&
        button(
          t('Handoff'),
          t('Generate a handoff for mission {0}', m.taskId),
          { type: 'handoff/generate', taskId: m.taskId },
          { secondary: true, disabled: !s.trusted },
        ),
      !m.mergePrompt && m.canRollBack && ' ',
      !m.mergePrompt &&
        m.canRollBack &&
        button(
          t('Roll Back'),
          t('Roll back mission {0} to its snapshot', m.taskId),
          { type: 'mission/rollback', taskId: m.taskId },
          { secondary: true, disabled: !s.trusted },
        ),
    ),
  );
}
