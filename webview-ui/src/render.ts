import type { ApprovalRow, DashboardState, HandoffRow, PlanRow, ReportRow } from '../../src/shared/protocol';
import { button, type Child, custom, fields, fileLink, h, list, table, trustedMarkdown, usd, when } from './dom';
import { t, tn } from './l10n';
import { renderLockBanner } from './lockBanner';
import { mergePrompt, missionRow, statePill } from './renderMissions';

function section(id: string, title: string, count: number | undefined, body: Child[], empty: string): HTMLElement {
  const heading = h(
    'h2',
    { attrs: { id: `${id}-title` } },
    title,
    count !== undefined && count > 0
      ? custom('vscode-badge', { 'aria-label': tn(count, '{0} item', '{0} items'), variant: 'counter' }, String(count))
      : undefined,
  );
  const content = body.filter((c) => c !== undefined && c !== false);
  return h(
    'section',
    { class: id, attrs: { 'aria-labelledby': `${id}-title`, 'data-section': id, 'data-key': id } },
    heading,
    ...(content.length ? content : [h('p', { class: 'empty' }, empty)]),
  );
}

function approvalRow(a: ApprovalRow, s: DashboardState): HTMLElement {
  const untrusted = !s.trusted ? t('Trust the workspace to decide') : undefined;
  return h(
    'article',
    { class: 'card approval', attrs: { 'data-approval': a.id, 'data-key': a.id } },
    h('h3', {}, `${a.agent}${a.taskId ? ` · ${a.taskId}` : ''}: `, h('code', {}, a.tool)),
    h('p', { class: 'call' }, h('code', {}, a.summary)),
    h('p', { class: 'reason' }, a.reason),
    fields([
      [t('Request'), a.id],
      [t('Asked'), when(a.createdAt, s.locale)],
    ]),
    h(
      'div',
      { class: 'buttons' },
      button(
        t('Approve'),
        t('Approve {0}: {1} {2}', a.id, a.tool, a.summary),
        { type: 'approval/decide', id: a.id, decision: 'approved' },
        { disabled: !s.trusted, title: untrusted },
      ),
      button(
        t('Reject'),
        t('Reject {0}: {1} {2}', a.id, a.tool, a.summary),
        { type: 'approval/decide', id: a.id, decision: 'rejected' },
        { secondary: true, disabled: !s.trusted, title: untrusted },
      ),
    ),
  );
}

function planRow(p: PlanRow, s: DashboardState): HTMLElement {
  return h(
    'tr',
    { attrs: { 'data-plan': p.id, 'data-key': p.id } },
    h('td', {}, p.id),
    h('td', {}, p.title),
    h('td', {}, p.agent),
    h('td', {}, h('span', { class: `pill risk-${p.risk}` }, p.risk)),
    h('td', {}, list(p.files)),
    h('td', {}, p.missionState ? statePill(p.missionState, 'missionState') : '—'),
    h(
      'td',
      {},
      button(
        t('Start Mission'),
        t('Start a mission from plan {0}', p.id),
        { type: 'mission/start', planFile: p.file },
        { disabled: !s.trusted, title: s.trusted ? undefined : t('Trust the workspace to start missions') },
      ),
      ' ',
      fileLink(p.file, t('plan')),
    ),
  );
}

function reportCard(r: ReportRow, s: DashboardState): HTMLElement {
  const tests = r.tests
    ? t('{0}/{1} passed', r.tests.passed, r.tests.run) + (r.tests.failed ? t(', {0} failed', r.tests.failed) : '')
    : undefined;
  return h(
    'article',
    { class: `card report status-${r.status}`, attrs: { 'data-report': r.file, 'data-key': r.file } },
    h(
      'h3',
      {},
      `${r.taskId} · ${r.agent} `,
      h('span', { class: `pill status-${r.status}`, attrs: { 'data-field': 'status' } }, r.status),
    ),
    trustedMarkdown(r.summaryHtml, 'summary'),
    fields([
      [t('Tests'), tests && h('span', { attrs: { 'data-field': 'tests' } }, tests)],
      [t('Cost'), h('span', { attrs: { 'data-field': 'cost' } }, usd(r.costUsd))],
      [t('Duration'), r.durationMs !== undefined ? `${Math.round(r.durationMs / 1000)} s` : undefined],
      [t('Finished'), when(r.finishedAt, s.locale)],
      [
        t('Changed files'),
        r.changedFiles.length
          ? h(
              'div',
              { attrs: { 'data-field': 'changedFiles' } },
              list(r.changedFiles, (f) => fileLink(f)),
            )
          : t('none'),
      ],
      [t('Errors'), r.errors.length ? list(r.errors) : undefined],
    ]),
    r.warnings.length > 0 &&
      h('div', { class: 'warnings', attrs: { role: 'note' } }, h('strong', {}, t('Cross-check: ')), list(r.warnings)),
    h('p', { class: 'source' }, fileLink(r.file)),
  );
}

function handoffRow(x: HandoffRow): HTMLElement {
  return h(
    'tr',
    { attrs: { 'data-key': x.file } },
    h('td', {}, x.taskId),
    h('td', {}, h('span', { class: `pill handoff-${x.status}` }, x.status)),
    h('td', {}, x.reason),
    h('td', { class: 'num' }, String(x.attempts)),
    h('td', { class: 'num' }, usd(x.costUsd)),
    h('td', {}, fileLink(x.file)),
  );
}

/** The page's header: title, today's cost, the trust note, the lock server (down: an alert), Refresh. The status line is main.ts's own. */
export function renderHeader(s: DashboardState): HTMLElement {
  return h(
    'header',
    { attrs: { 'data-key': 'header' } },
    h('h1', {}, t('F-MES Dashboard')),
    h(
      'p',
      { class: 'cost', attrs: { 'data-field': 'totalCost' } },
      t('Today ({0}): {1}', s.cost.day, usd(s.cost.totalUsd)),
    ),
    !s.trusted &&
      h('p', { class: 'untrusted' }, t('Restricted mode: trust the workspace to start, merge, discard or approve.')),
    renderLockBanner(s.lockBackend),
    button(t('Refresh'), t('Refresh the dashboard'), 'refresh', { secondary: true }),
  );
}

/** Every section of the page from one state, in page order, each keyed by its `data-section`. */
export function renderSections(s: DashboardState): HTMLElement[] {
  const prompts = s.missions.filter((m) => m.mergePrompt);
  return [
    section(
      'approvals',
      t('Pending approvals'),
      s.approvals.length,
      s.approvals.map((a) => approvalRow(a, s)),
      t('No agent is waiting for an approval.'),
    ),
    section(
      'prompts',
      t('Waiting to merge'),
      prompts.length,
      prompts.map((m) => mergePrompt(m, s)),
      t('No mission is waiting for a merge decision.'),
    ),
    section(
      'plans',
      t('Plans'),
      s.plans.length,
      [
        table(
          [t('Plan'), t('Title'), t('Agent'), t('Risk'), t('Files'), t('Mission'), ''],
          s.plans.map((p) => planRow(p, s)),
          t('Plans a mission can start from'),
        ),
      ],
      t('No plan waiting. Planners write them to .antigravity/plans/.'),
    ),
    section(
      'agents',
      t('Agents and cost'),
      s.runs.length,
      [
        table(
          [t('Run'), t('Agent'), t('Task'), t('State'), t('Turns'), t('Cost')],
          s.runs.map((r) =>
            h(
              'tr',
              { attrs: { 'data-key': r.runId } },
              h('td', {}, r.runId),
              h('td', {}, `${r.agent} (${r.cli})`),
              h('td', {}, r.taskId),
              h('td', {}, r.state),
              h('td', { class: 'num' }, String(r.turns)),
              h('td', { class: 'num' }, usd(r.costUsd)),
            ),
          ),
          t('Running agents'),
        ),
        table(
          [t('Agent'), t('Active'), t('Locks'), t('Cost today')],
          s.agents.map((a) =>
            h(
              'tr',
              { attrs: { 'data-key': a.agent } },
              h('td', {}, a.agent),
              h('td', {}, a.active ? t('yes') : t('no')),
              h('td', { class: 'num' }, String(a.locks)),
              h('td', { class: 'num' }, usd(a.costUsd)),
            ),
          ),
          t('Agents'),
        ),
      ],
      t('No agent is running and nothing was spent today.'),
    ),
    section(
      'reports',
      t('Reports'),
      s.reports.length,
      s.reports.map((r) => reportCard(r, s)),
      t('No reports yet. Agents write them to .claude/outbox/.'),
    ),
    section(
      'missions',
      t('Missions'),
      s.missions.length,
      [
        table(
          [t('Task'), t('Title'), t('State'), t('Last attempt'), t('Changes'), t('Cost'), ''],
          s.missions.map((m) => missionRow(m, s)),
          t('Missions'),
        ),
      ],
      t('No missions yet. The orchestrator records them in .fmes/missions/.'),
    ),
    section(
      'handoffs',
      t('Handoffs'),
      s.handoffs.length,
      [
        table(
          [t('Task'), t('Status'), t('Reason'), t('Attempts'), t('Cost'), t('File')],
          s.handoffs.map((x) => handoffRow(x)),
          t('Handoffs'),
        ),
      ],
      t('No handoffs: no task is waiting for a person.'),
    ),
    section(
      'todo',
      'TODO.md',
      undefined,
      [
        s.todo && trustedMarkdown(s.todo.html, 'todo-body'),
        s.todo?.truncated && h('p', { class: 'empty' }, t('TODO.md is long: only its beginning is shown.')),
        s.todo && h('p', { class: 'source' }, fileLink(s.todo.file, t('Open TODO.md'))),
      ],
      t('No TODO.md at the workspace root.'),
    ),
    section(
      'problems',
      t('Problems'),
      s.problems.length,
      [
        table(
          [t('File'), t('Field'), t('Problem')],
          s.problems.map((p) =>
            h(
              'tr',
              { attrs: { 'data-problem': p.file, 'data-key': `${p.file}\0${p.field}` } },
              h('td', {}, p.file),
              h('td', {}, p.field || t('(file)')),
              h('td', {}, p.message),
            ),
          ),
          t('Files that did not parse'),
        ),
      ],
      t('Every file parsed.'),
    ),
  ];
}
