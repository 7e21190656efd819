import type {
  ApprovalRow,
  DashboardState,
  HandoffRow,
  MissionRow,
  PlanRow,
  ReportRow,
  WebviewCommand,
} from '../../src/shared/protocol';
import { verifyDetails } from './verifyDetails';

/** What the page can ask the host to do. */
export interface Actions {
  send(command: WebviewCommand): void;
  refresh(): void;
}

type Child = Node | string | undefined | false;

/** Builds an element; text children become text nodes, so no string from the state is ever parsed as HTML. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * The one place HTML from the state is inserted: markdown the host rendered with raw HTML off and links
 * checked (src/core/dashboard/renderMarkdown.ts). The page's CSP would stop a script even if one got through.
 */
function trustedMarkdown(html: string, cls: string): HTMLElement {
  const div = h('div', { class: `markdown ${cls}` });
  div.innerHTML = html;
  return div;
}

function button(
  label: string,
  ariaLabel: string,
  onClick: () => void,
  opts: { secondary?: boolean; disabled?: boolean; title?: string } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    { class: opts.secondary ? 'secondary' : 'primary', attrs: { type: 'button', 'aria-label': ariaLabel } },
    label,
  );
  if (opts.title) b.title = opts.title;
  b.disabled = opts.disabled ?? false;
  b.addEventListener('click', onClick);
  return b;
}

/** A link to a workspace file; clicks are handled once for the page (main.ts), markdown links included. */
function fileLink(file: string, label = file): HTMLAnchorElement {
  return h('a', { class: 'file-link', attrs: { href: '#', 'data-file': file } }, label);
}

function section(id: string, title: string, count: number | undefined, body: Child[], empty: string): HTMLElement {
  const heading = h(
    'h2',
    { attrs: { id: `${id}-title` } },
    title,
    count !== undefined && count > 0
      ? h('span', { class: 'badge', attrs: { 'aria-label': `${count} items` } }, String(count))
      : undefined,
  );
  const content = body.filter((c) => c !== undefined && c !== false);
  return h(
    'section',
    { class: id, attrs: { 'aria-labelledby': `${id}-title`, 'data-section': id } },
    heading,
    ...(content.length ? content : [h('p', { class: 'empty' }, empty)]),
  );
}

const usd = (x: number | undefined) => (x === undefined ? '—' : `$${x.toFixed(2)}`);
const when = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};

function fields(pairs: [string, Child][]): HTMLElement {
  const dl = h('dl', { class: 'fields' });
  for (const [k, v] of pairs) if (v !== undefined && v !== false && v !== '') dl.append(h('dt', {}, k), h('dd', {}, v));
  return dl;
}

function list(items: readonly string[], render: (s: string) => Child = (s) => s): HTMLElement {
  return h('ul', { class: 'files' }, ...items.map((s) => h('li', {}, render(s))));
}

function approvalRow(a: ApprovalRow, s: DashboardState, actions: Actions): HTMLElement {
  const untrusted = !s.trusted ? 'Trust the workspace to decide' : undefined;
  return h(
    'article',
    { class: 'card approval', attrs: { 'data-approval': a.id } },
    h('h3', {}, `${a.agent}${a.taskId ? ` · ${a.taskId}` : ''}: `, h('code', {}, a.tool)),
    h('p', { class: 'call' }, h('code', {}, a.summary)),
    h('p', { class: 'reason' }, a.reason),
    fields([
      ['Request', a.id],
      ['Asked', when(a.createdAt)],
    ]),
    h(
      'div',
      { class: 'buttons' },
      button(
        'Approve',
        `Approve ${a.id}: ${a.tool} ${a.summary}`,
        () => actions.send({ type: 'approval/decide', id: a.id, decision: 'approved' }),
        { disabled: !s.trusted, title: untrusted },
      ),
      button(
        'Reject',
        `Reject ${a.id}: ${a.tool} ${a.summary}`,
        () => actions.send({ type: 'approval/decide', id: a.id, decision: 'rejected' }),
        { secondary: true, disabled: !s.trusted, title: untrusted },
      ),
    ),
  );
}

function mergePrompt(m: MissionRow, s: DashboardState, actions: Actions): HTMLElement {
  const t = m.taskId;
  const off = !s.trusted;
  const cc = m.crossCheck;
  const stateText: Record<string, string> = {
    readyToMerge: cc ? 'Ready to merge: the cross-check passed.' : 'Ready to merge.',
    review: 'Review before merging (the reason is below).',
    conflicted: 'The merge stopped on conflicts: resolve them in the merge editor.',
  };
  return h(
    'article',
    { class: `card merge-prompt state-${m.state}`, attrs: { 'data-mission': t } },
    h('h3', {}, `${t}: ${m.title}`),
    h('p', { class: 'state' }, stateText[m.state] ?? m.state),
    m.reason && h('p', { class: 'reason' }, m.reason),
    fields([
      ['Branch', m.branch],
      ['Cost', usd(m.costUsd)],
      ['Changed', cc && cc.changed.length ? list(cc.changed) : undefined],
      ['Undeclared', cc && cc.undeclared.length ? list(cc.undeclared) : undefined],
      ['Report mismatch', cc && cc.reportMismatch.length ? list(cc.reportMismatch) : undefined],
      ['Failed tests', cc?.failedTests ? String(cc.failedTests) : undefined],
      ['Conflicts', m.conflicts.length ? list(m.conflicts) : undefined],
      ['Predicted conflicts', m.predictedConflicts.length ? list(m.predictedConflicts) : undefined],
      ['Report', m.report ? fileLink(m.report) : undefined],
    ]),
    m.verify && verifyDetails(m.verify),
    h(
      'div',
      { class: 'buttons' },
      button('Merge', `Merge mission ${t}`, () => actions.send({ type: 'mission/merge', taskId: t }), {
        disabled: off || m.state === 'conflicted',
      }),
      button(
        'Open Merge Editor',
        `Open the merge editor for mission ${t}`,
        () => actions.send({ type: 'mission/openMergeEditor', taskId: t }),
        { secondary: true, disabled: off },
      ),
      button('Discard', `Discard mission ${t}`, () => actions.send({ type: 'mission/discard', taskId: t }), {
        secondary: true,
        disabled: off,
      }),
      m.canRollBack &&
        button(
          'Roll Back',
          `Roll back mission ${t} to its snapshot`,
          () => actions.send({ type: 'mission/rollback', taskId: t }),
          { secondary: true, disabled: off },
        ),
    ),
  );
}

function missionRow(m: MissionRow, s: DashboardState, actions: Actions): HTMLElement {
  const last = m.attempts.at(-1);
  return h(
    'tr',
    { attrs: { 'data-mission-row': m.taskId } },
    h('td', {}, m.taskId),
    h('td', {}, m.title),
    h('td', {}, h('span', { class: `pill state-${m.state}` }, m.state)),
    h('td', {}, last ? `${last.agent} (${last.reason})` : `not run yet (${m.chain.join(' → ')})`),
    h('td', { class: 'num' }, usd(m.costUsd)),
    h(
      'td',
      {},
      fileLink(m.planFile, 'plan'),
      m.open && ' ',
      m.open &&
        button(
          'Handoff',
          `Generate a handoff for mission ${m.taskId}`,
          () => actions.send({ type: 'handoff/generate', taskId: m.taskId }),
          { secondary: true, disabled: !s.trusted },
        ),
      !m.mergePrompt && m.canRollBack && ' ',
      !m.mergePrompt &&
        m.canRollBack &&
        button(
          'Roll Back',
          `Roll back mission ${m.taskId} to its snapshot`,
          () => actions.send({ type: 'mission/rollback', taskId: m.taskId }),
          { secondary: true, disabled: !s.trusted },
        ),
    ),
  );
}

function planRow(p: PlanRow, s: DashboardState, actions: Actions): HTMLElement {
  return h(
    'tr',
    { attrs: { 'data-plan': p.id } },
    h('td', {}, p.id),
    h('td', {}, p.title),
    h('td', {}, p.agent),
    h('td', {}, h('span', { class: `pill risk-${p.risk}` }, p.risk)),
    h('td', {}, list(p.files)),
    h(
      'td',
      {},
      p.missionState
        ? h('span', { class: `pill state-${p.missionState}`, attrs: { 'data-field': 'missionState' } }, p.missionState)
        : '—',
    ),
    h(
      'td',
      {},
      button(
        'Start Mission',
        `Start a mission from plan ${p.id}`,
        () => actions.send({ type: 'mission/start', planFile: p.file }),
        { disabled: !s.trusted, title: s.trusted ? undefined : 'Trust the workspace to start missions' },
      ),
      ' ',
      fileLink(p.file, 'plan'),
    ),
  );
}

function reportCard(r: ReportRow): HTMLElement {
  const tests = r.tests
    ? `${r.tests.passed}/${r.tests.run} passed${r.tests.failed ? `, ${r.tests.failed} failed` : ''}`
    : undefined;
  return h(
    'article',
    { class: `card report status-${r.status}`, attrs: { 'data-report': r.file } },
    h(
      'h3',
      {},
      `${r.taskId} · ${r.agent} `,
      h('span', { class: `pill status-${r.status}`, attrs: { 'data-field': 'status' } }, r.status),
    ),
    trustedMarkdown(r.summaryHtml, 'summary'),
    fields([
      ['Tests', tests && h('span', { attrs: { 'data-field': 'tests' } }, tests)],
      ['Cost', h('span', { attrs: { 'data-field': 'cost' } }, usd(r.costUsd))],
      ['Duration', r.durationMs !== undefined ? `${Math.round(r.durationMs / 1000)} s` : undefined],
      ['Finished', when(r.finishedAt)],
      [
        'Changed files',
        r.changedFiles.length
          ? h(
              'div',
              { attrs: { 'data-field': 'changedFiles' } },
              list(r.changedFiles, (f) => fileLink(f)),
            )
          : 'none',
      ],
      ['Errors', r.errors.length ? list(r.errors) : undefined],
    ]),
    r.warnings.length > 0 &&
      h('div', { class: 'warnings', attrs: { role: 'note' } }, h('strong', {}, 'Cross-check: '), list(r.warnings)),
    h('p', { class: 'source' }, fileLink(r.file)),
  );
}

function handoffRow(x: HandoffRow): HTMLElement {
  return h(
    'tr',
    {},
    h('td', {}, x.taskId),
    h('td', {}, h('span', { class: `pill handoff-${x.status}` }, x.status)),
    h('td', {}, x.reason),
    h('td', { class: 'num' }, String(x.attempts)),
    h('td', { class: 'num' }, usd(x.costUsd)),
    h('td', {}, fileLink(x.file)),
  );
}

function table(headers: string[], rows: HTMLElement[], caption: string): HTMLElement | undefined {
  if (rows.length === 0) return undefined;
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { attrs: { scope: 'col' } }, x)))),
    h('tbody', {}, ...rows),
  );
}

/** Renders the whole page from one state. */
export function renderDashboard(root: HTMLElement, s: DashboardState, actions: Actions): void {
  const prompts = s.missions.filter((m) => m.mergePrompt);
  const header = h(
    'header',
    {},
    h('h1', {}, 'F-MES Dashboard'),
    h('p', { class: 'cost', attrs: { 'data-field': 'totalCost' } }, `Today (${s.cost.day}): ${usd(s.cost.totalUsd)}`),
    !s.trusted &&
      h(
        'p',
        { class: 'untrusted', attrs: { role: 'status' } },
        'Restricted mode: trust the workspace to start, merge, discard or approve.',
      ),
    button('Refresh', 'Refresh the dashboard', () => actions.refresh(), { secondary: true }),
  );
  const sections = [
    section(
      'approvals',
      'Pending approvals',
      s.approvals.length,
      s.approvals.map((a) => approvalRow(a, s, actions)),
      'No agent is waiting for an approval.',
    ),
    section(
      'prompts',
      'Waiting to merge',
      prompts.length,
      prompts.map((m) => mergePrompt(m, s, actions)),
      'No mission is waiting for a merge decision.',
    ),
    section(
      'plans',
      'Plans',
      s.plans.length,
      [
        table(
          ['Plan', 'Title', 'Agent', 'Risk', 'Files', 'Mission', ''],
          s.plans.map((p) => planRow(p, s, actions)),
          'Plans a mission can start from',
        ),
      ],
      'No plan waiting. Planners write them to .antigravity/plans/.',
    ),
    section(
      'agents',
      'Agents and cost',
      s.runs.length,
      [
        table(
          ['Run', 'Agent', 'Task', 'State', 'Turns', 'Cost'],
          s.runs.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, r.runId),
              h('td', {}, `${r.agent} (${r.cli})`),
              h('td', {}, r.taskId),
              h('td', {}, r.state),
              h('td', { class: 'num' }, String(r.turns)),
              h('td', { class: 'num' }, usd(r.costUsd)),
            ),
          ),
          'Running agents',
        ),
        table(
          ['Agent', 'Active', 'Locks', 'Cost today'],
          s.agents.map((a) =>
            h(
              'tr',
              {},
              h('td', {}, a.agent),
              h('td', {}, a.active ? 'yes' : 'no'),
              h('td', { class: 'num' }, String(a.locks)),
              h('td', { class: 'num' }, usd(a.costUsd)),
            ),
          ),
          'Agents',
        ),
      ],
      'No agent is running and nothing was spent today.',
    ),
    section(
      'reports',
      'Reports',
      s.reports.length,
      s.reports.map((r) => reportCard(r)),
      'No reports yet. Agents write them to .claude/outbox/.',
    ),
    section(
      'missions',
      'Missions',
      s.missions.length,
      [
        table(
          ['Task', 'Title', 'State', 'Last attempt', 'Cost', ''],
          s.missions.map((m) => missionRow(m, s, actions)),
          'Missions',
        ),
      ],
      'No missions yet. The orchestrator records them in .fmes/missions/.',
    ),
    section(
      'handoffs',
      'Handoffs',
      s.handoffs.length,
      [
        table(
          ['Task', 'Status', 'Reason', 'Attempts', 'Cost', 'File'],
          s.handoffs.map((x) => handoffRow(x)),
          'Handoffs',
        ),
      ],
      'No handoffs: no task is waiting for a person.',
    ),
    section(
      'todo',
      'TODO.md',
      undefined,
      [
        s.todo && trustedMarkdown(s.todo.html, 'todo-body'),
        s.todo?.truncated && h('p', { class: 'empty' }, 'TODO.md is long: only its beginning is shown.'),
        s.todo && h('p', { class: 'source' }, fileLink(s.todo.file, 'Open TODO.md')),
      ],
      'No TODO.md at the workspace root.',
    ),
    section(
      'problems',
      'Problems',
      s.problems.length,
      [
        table(
          ['File', 'Field', 'Problem'],
          s.problems.map((p) =>
            h(
              'tr',
              { attrs: { 'data-problem': p.file } },
              h('td', {}, p.file),
              h('td', {}, p.field || '(file)'),
              h('td', {}, p.message),
            ),
          ),
          'Files that did not parse',
        ),
      ],
      'Every file parsed.',
    ),
  ];
  root.replaceChildren(header, ...sections);
}
