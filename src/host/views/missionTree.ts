import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunSnapshot } from '../../core/agents/runTypes';
import { formatUsd } from '../../core/cost/costLedger';
import { formatIssues } from '../../core/errors';
import type { AgentView, LockView, WorkspaceModel, PlanView } from '../../core/model/workspaceModel';
import type { MissionStateName } from '../../core/schemas/mission';
import { Commands } from '../../shared/ids';

export type MissionNode =
  | { kind: 'section'; section: 'missions' | 'agents' | 'locks' }
  | { kind: 'mission'; mission: PlanView }
  | { kind: 'run'; run: RunSnapshot }
  | { kind: 'agent'; agent: AgentView }
  | { kind: 'session'; agent: AgentView; index: number }
  | { kind: 'lock'; lock: LockView }
  | { kind: 'empty'; text: string };

/** Sessions listed under an agent before the rest are summed up as "n more…". */
export const SESSIONS_SHOWN = 10;

const sections: MissionNode[] = [
  { kind: 'section', section: 'missions' },
  { kind: 'section', section: 'agents' },
  { kind: 'section', section: 'locks' },
];

/** Time since an ISO instant, short: "42s", "5m", "3h", "2d". */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/**
 * The mission panel: a thin, debounced view over WorkspaceModel. Sections: Missions (plans and their
 * status), Agents (live runs first, then who holds locks, today's sessions and cost), Locks (path, holder,
 * intent, age; stale and invalid ones marked).
 */
export class MissionTreeProvider implements vscode.TreeDataProvider<MissionNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<MissionNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly state: WorkspaceModel,
    private readonly root: string,
    private readonly me: () => string,
  ) {
    this.sub = state.onDidChange(() => this.refreshSoon());
  }

  /** Coalesces bursts of bus events into one redraw a frame later. */
  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire(undefined);
    }, 16);
  }

  /** Nothing at all to show: the view then shows its welcome content (first steps) instead of three empty sections. */
  isEmpty(): boolean {
    const s = this.state;
    return s.plans.length + s.runViews.length + s.agents.length + s.lockViews.length === 0;
  }

  getChildren(node?: MissionNode): MissionNode[] {
    if (!node) return this.isEmpty() ? [] : sections;
    if (node.kind === 'agent') {
      // In log order (a new session comes last, nothing above it moves), cut with a count of the rest.
      const shown = node.agent.sessions
        .slice(0, SESSIONS_SHOWN)
        .map((_, index): MissionNode => ({ kind: 'session', agent: node.agent, index }));
      const rest = node.agent.sessions.length - shown.length;
      return rest > 0
        ? [...shown, { kind: 'empty', text: vscode.l10n.t('{0} more… (F-MES: Show Dashboard lists all)', rest) }]
        : shown;
    }
    if (node.kind !== 'section') return [];
    switch (node.section) {
      case 'missions': {
        const m = this.state.plans.map((mission): MissionNode => ({ kind: 'mission', mission }));
        return m.length ? m : [{ kind: 'empty', text: vscode.l10n.t('No plans in .antigravity/plans/') }];
      }
      case 'agents': {
        const runs = this.state.runViews.map((run): MissionNode => ({ kind: 'run', run }));
        // By name, not by cost or activity: a row never moves under the pointer as an agent spends or locks.
        const a = [...this.state.agents]
          .sort((x, y) => x.agent.localeCompare(y.agent))
          .map((agent): MissionNode => ({ kind: 'agent', agent }));
        return runs.length + a.length
          ? [...runs, ...a]
          : [{ kind: 'empty', text: vscode.l10n.t('No agent activity today') }];
      }
      case 'locks': {
        const l = this.state.lockViews.map((lock): MissionNode => ({ kind: 'lock', lock }));
        return l.length ? l : [{ kind: 'empty', text: vscode.l10n.t('No locks') }];
      }
    }
  }

  getTreeItem(node: MissionNode): vscode.TreeItem {
    switch (node.kind) {
      case 'section':
        return this.sectionItem(node.section);
      case 'mission':
        return missionItem(node.mission);
      case 'run':
        return runItem(node.run);
      case 'agent':
        return agentItem(node.agent);
      case 'session': {
        const s = node.agent.sessions[node.index];
        const item = new vscode.TreeItem(s.taskId ? `${s.taskId} · ${s.sessionId}` : s.sessionId);
        item.description = [
          formatUsd(s.costUsd),
          s.turns === 1 ? vscode.l10n.t('1 turn') : vscode.l10n.t('{0} turns', s.turns),
          vscode.l10n.t('{0} ago', age(s.lastAt)),
        ].join(' · ');
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'session';
        return item;
      }
      case 'lock':
        return this.lockItem(node.lock);
      case 'empty': {
        const item = new vscode.TreeItem(node.text);
        item.contextValue = 'empty';
        return item;
      }
    }
  }

  private sectionItem(section: 'missions' | 'agents' | 'locks'): vscode.TreeItem {
    const labels = {
      missions: vscode.l10n.t('Missions'),
      agents: vscode.l10n.t('Agents'),
      locks: vscode.l10n.t('Locks'),
    };
    const item = new vscode.TreeItem(labels[section], vscode.TreeItemCollapsibleState.Expanded);
    item.id = `section:${section}`;
    item.contextValue = `section.${section}`;
    const count =
      section === 'missions'
        ? this.state.plans.length
        : section === 'agents'
          ? this.state.agents.length
          : this.state.lockViews.length;
    item.description = String(count);
    if (section === 'agents') {
      const running = this.state.runViews.length;
      const today = vscode.l10n.t('{0} today', formatUsd(this.state.costSummary.totalUsd));
      item.description = `${running ? `${vscode.l10n.t('{0} running', running)} · ` : ''}${item.description} · ${today}`;
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.sub.dispose();
    this.emitter.dispose();
  }

  private lockItem(l: LockView): vscode.TreeItem {
    const item = new vscode.TreeItem(l.path);
    item.id = `lock:${l.file}`;
    const mine = l.agent === this.me();
    const flags =
      l.kind === 'invalid'
        ? vscode.l10n.t('invalid')
        : l.staleness.stale
          ? vscode.l10n.t('stale: {0}', l.staleness.reason ?? '')
          : '';
    item.description = [l.agent ?? '?', l.intent, age(l.acquiredAt), flags].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      l.kind === 'invalid' ? 'warning' : l.staleness.stale ? 'debug-disconnect' : 'lock',
      new vscode.ThemeColor(
        l.kind === 'invalid' || l.staleness.stale ? 'list.warningForeground' : mine ? 'charts.green' : 'charts.orange',
      ),
    );
    item.tooltip = lockTooltip(l);
    item.contextValue =
      l.kind === 'invalid'
        ? 'lock.invalid'
        : l.kind === 'marker'
          ? 'lock.marker'
          : mine
            ? 'lock.mine'
            : l.staleness.stale
              ? 'lock.stale'
              : 'lock';
    const target = l.path === '.' ? this.root : path.join(this.root, l.path);
    item.resourceUri = vscode.Uri.file(target);
    item.command = { command: Commands.showLock, title: vscode.l10n.t('Show Lock'), arguments: [l] };
    return item;
  }
}

export function lockTooltip(l: LockView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`$(lock) **${escape(l.path)}**\n\n`);
  if (l.kind === 'invalid')
    md.appendMarkdown(
      vscode.l10n.t('Invalid lock file `{0}`: {1}', escape(l.file), escape(formatIssues(l.issues ?? []))) + '\n\n',
    );
  if (l.agent)
    md.appendMarkdown(
      (l.intent
        ? vscode.l10n.t('Held by **{0}**: {1}', escape(l.agent), escape(l.intent))
        : vscode.l10n.t('Held by **{0}**', escape(l.agent))) + '\n\n',
    );
  if (l.acquiredAt)
    md.appendMarkdown(
      vscode.l10n.t('Since {0} ({1})', new Date(l.acquiredAt).toLocaleString(), age(l.acquiredAt)) + '\n\n',
    );
  if (l.pid) md.appendMarkdown(vscode.l10n.t('Process {0} on {1}', l.pid, escape(l.host ?? '?')) + '\n\n');
  else if (l.expiresAt)
    md.appendMarkdown(vscode.l10n.t('Expires {0}', new Date(l.expiresAt).toLocaleString()) + '\n\n');
  if (l.staleness.stale)
    md.appendMarkdown(
      vscode.l10n.t('Stale ({0}): the next agent that wants it will recover it.', l.staleness.reason ?? ''),
    );
  return md;
}

// A function, not a table: vscode.l10n.t reads the bundle, which is loaded when the extension activates.
export function missionLabel(state: MissionStateName): string {
  const labels: Record<MissionStateName, string> = {
    queued: vscode.l10n.t('queued'),
    waiting: vscode.l10n.t('waiting for files'),
    awaitingApproval: vscode.l10n.t('awaiting approval'),
    running: vscode.l10n.t('mission running'),
    review: vscode.l10n.t('needs review'),
    readyToMerge: vscode.l10n.t('ready to merge'),
    conflicted: vscode.l10n.t('merge conflicts'),
    merged: vscode.l10n.t('merged'),
    discarded: vscode.l10n.t('discarded'),
    rolledBack: vscode.l10n.t('rolled back'),
    handedOff: vscode.l10n.t('handed off'),
    refused: vscode.l10n.t('refused'),
  };
  return labels[state];
}

const MISSION_ICONS: Partial<Record<MissionStateName, string>> = {
  waiting: 'watch',
  awaitingApproval: 'shield',
  review: 'eye',
  readyToMerge: 'git-pull-request',
  conflicted: 'git-pull-request-draft',
  merged: 'git-merge',
  handedOff: 'person',
  refused: 'circle-slash',
  rolledBack: 'history',
};

function missionItem(m: PlanView): vscode.TreeItem {
  const item = new vscode.TreeItem(m.id ? `${m.id}: ${m.title}` : m.title);
  item.id = `mission:${m.file}`;
  const icons: Record<PlanView['status'], string> = {
    planned: 'circle-large-outline',
    running: 'sync~spin',
    done: 'pass',
    failed: 'error',
    invalid: 'warning',
  };
  item.iconPath = new vscode.ThemeIcon(icons[m.status]);
  const r = m.record;
  const cost = r?.costUsd ? r.costUsd : m.report?.costUsd;
  item.description = [
    r ? missionLabel(r.state) : planStatusLabel(m.status),
    m.agent,
    m.risk ? vscode.l10n.t('risk {0}', m.risk) : undefined,
    cost !== undefined ? formatUsd(cost) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.tooltip =
    m.problem ??
    [
      `${m.title}`,
      vscode.l10n.t('files: {0}', m.files.join(', ')),
      r ? vscode.l10n.t('mission: {0}', missionLabel(r.state)) + (r.reason ? ` — ${r.reason}` : '') : '',
      m.report ? vscode.l10n.t('report: {0} — {1}', m.report.status, m.report.summary) : '',
    ]
      .filter(Boolean)
      .join('\n');
  if (r && MISSION_ICONS[r.state]) item.iconPath = new vscode.ThemeIcon(MISSION_ICONS[r.state]!);
  // `mission.<plan status>` drives the run menus; ` mission:<state>` the mission actions (Merge, Discard, …).
  item.contextValue = `mission.${m.status}${r ? ` mission:${r.state}` : ''}`;
  item.command = { command: Commands.openArtifact, title: vscode.l10n.t('Open Plan'), arguments: [m.file] };
  return item;
}

/** A live run: agent and task, state, turns and cost so far; Stop inline, click shows its terminal. */
function runItem(r: RunSnapshot): vscode.TreeItem {
  const item = new vscode.TreeItem(`${r.agentId} · ${r.taskId}`);
  item.id = `run:${r.runId}`;
  item.iconPath = new vscode.ThemeIcon(
    r.state === 'stopping' ? 'loading~spin' : 'sync~spin',
    new vscode.ThemeColor('charts.blue'),
  );
  item.description = [
    r.state,
    r.turns === 1 ? vscode.l10n.t('1 turn') : vscode.l10n.t('{0} turns', r.turns),
    formatUsd(r.costUsd),
    age(r.startedAt),
    // 🛡 marks a run inside the OS sandbox; ⚠ one that runs without it (fmes.sandbox.mode auto, unsupported here).
    ...(r.sandboxed === undefined ? [] : [r.sandboxed ? vscode.l10n.t('🛡 sandboxed') : vscode.l10n.t('⚠ unsandboxed')]),
  ].join(' · ');
  item.tooltip = [
    vscode.l10n.t('{0} ({1}) on {2}: {3}', r.agentId, r.cli, r.taskId, r.state),
    vscode.l10n.t('run {0}, attempt {1}', r.runId, r.attempt),
    r.sessionId ? vscode.l10n.t('session {0}', r.sessionId) : vscode.l10n.t('no session yet'),
    r.sandboxed === undefined
      ? ''
      : r.sandboxed
        ? vscode.l10n.t('sandboxed: writes only to its worktree, network only to its model API')
        : vscode.l10n.t('not sandboxed (fmes.sandbox.mode)'),
  ]
    .filter(Boolean)
    .join('\n');
  item.contextValue = `run.${r.state}`;
  item.command = {
    command: Commands.showAgentTerminal,
    title: vscode.l10n.t('Show Agent Terminal'),
    arguments: [r.runId],
  };
  return item;
}

function agentItem(a: AgentView): vscode.TreeItem {
  const item = new vscode.TreeItem(
    a.agent,
    a.sessions.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `agent:${a.agent}`;
  item.iconPath = new vscode.ThemeIcon(a.active ? 'pulse' : 'person');
  item.description = [
    a.active ? (a.locks === 1 ? vscode.l10n.t('1 lock') : vscode.l10n.t('{0} locks', a.locks)) : vscode.l10n.t('idle'),
    formatUsd(a.costUsd),
    a.sessions.length === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', a.sessions.length),
  ].join(' · ');
  item.contextValue = 'agent';
  return item;
}

function planStatusLabel(status: PlanView['status']): string {
  const labels: Record<PlanView['status'], string> = {
    planned: vscode.l10n.t('planned'),
    running: vscode.l10n.t('running'),
    done: vscode.l10n.t('done'),
    failed: vscode.l10n.t('failed'),
    invalid: vscode.l10n.t('invalid'),
  };
  return labels[status];
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
