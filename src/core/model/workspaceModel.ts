import * as path from 'node:path';
import type { LockBackendView } from '../../shared/protocol';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { addRecords, localDay, summarizeCostDay, type CostSummary } from '../cost/costLedger';
import type { RunSnapshot } from '../agents/runTypes';
import type { Disposable } from '../disposable';
import { Emitter } from '../event';
import type { ArtifactIssue } from '../errors';
import type { Holder } from '../../hot/locks/holders';
import type { HolderStatus, LockManager } from '../../hot/locks/lockManager';
import type { Staleness } from '../../hot/locks/staleness';
import { covers } from '../../hot/paths/workspacePath';
import type { CostRecord } from '../schemas/costLog';
import type { Plan } from '../schemas/plan';
import type { Report } from '../schemas/report';
import type { MissionStateName } from '../schemas/mission';
import type { BusEvent } from '../watch/busEvents';
import type * as ArtifactModule from '../artifacts/parseArtifact';

/** A lock as the mission panel shows it. */
export interface LockView {
  path: string;
  file: string;
  kind: Holder['kind'];
  agent: string | undefined;
  intent: string | undefined;
  acquiredAt: string | undefined;
  expiresAt: string | undefined;
  pid: number | null | undefined;
  host: string | undefined;
  token: string | undefined;
  staleness: Staleness;
  issues: readonly ArtifactIssue[] | undefined;
}

export type PlanStatus = 'planned' | 'running' | 'done' | 'failed' | 'invalid';

/** A plan as the panel shows it, with its status and, once one ran, its mission's record. */
export interface PlanView {
  file: string;
  id: string | undefined;
  title: string;
  agent: string | undefined;
  risk: string | undefined;
  files: readonly string[];
  status: PlanStatus;
  /** Why the plan is invalid (file and field), when it is. */
  problem: string | undefined;
  report: ReportView | undefined;
  /** Where the plan's mission stands (`.fmes/missions/<id>.json`), when the orchestrator took it up. */
  record?: MissionBrief;
}

/** A mission record as the panel shows it. */
export interface MissionBrief {
  state: MissionStateName;
  reason?: string;
  costUsd: number;
}

export interface ReportView {
  file: string;
  taskId: string;
  agent: string;
  status: Report['status'];
  summary: string;
  costUsd: number | undefined;
  finishedAt: string;
}

export interface AgentView {
  agent: string;
  /** Holds at least one lock now. */
  active: boolean;
  locks: number;
  costUsd: number;
  sessions: CostSummary['sessions'];
}

type Parsers = Pick<typeof ArtifactModule, 'parseCostLog'>;

/**
 * The workspace as the editor shows it: plans (with their missions' state), locks, live runs, agents and
 * today's cost, kept in one model fed by bus events. The panel, the decorations, the read-only guard, the
 * cost meter and the dashboard subscribe to `onDidChange` and read; they never hold state of their own.
 * (Missions themselves live in MissionService; this model only shows their records.)
 */
export class WorkspaceModel implements Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly lockMap = new Map<string, LockView>();
  private readonly planMap = new Map<string, PlanView>();
  private readonly reports = new Map<string, ReportView>();
  private missionBriefs = new Map<string, MissionBrief>();
  private liveCosts: CostRecord[] = [];
  private runs: readonly RunSnapshot[] = [];
  private cost: CostSummary;
  private readonly clock: Clock;
  /** A remote lock backend's holders (setRemoteLocks), which replace `.locks/` once known. */
  private remote: readonly HolderStatus[] | undefined;
  private backendView: LockBackendView | undefined;

  constructor(
    private readonly root: string,
    private readonly locks: LockManager,
    private readonly parsers: Parsers,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.cost = { day: localDay(this.clock.now()), totalUsd: 0, byAgent: new Map(), sessions: [], issues: [] };
  }

  /**
   * Reads the current locks and today's cost from disk (plans and reports arrive as the watcher's initial
   * events). `markerDirs` are the folders known to hold `.agent_lock` markers: the host finds them with the
   * editor's own file search rather than a walk of the tree here.
   */
  load(markerDirs: readonly string[] = []): void {
    this.lockMap.clear();
    for (const { holder, staleness } of this.remote ?? this.locks.status()) this.putHolder(holder, staleness);
    this.setMarkers(markerDirs, false);
    this.reloadCost();
    this.changed.fire();
  }

  /**
   * Replaces the known locks with a remote backend's holders (src/core/locks/remoteLockFeed.ts); markers stay.
   * Undefined (the backend is down) keeps the last holders known: the read-only guard stays on what it knew.
   */
  setRemoteLocks(holders: readonly HolderStatus[] | undefined): void {
    if (!holders) return;
    this.remote = holders;
    for (const [file, l] of this.lockMap) if (l.kind !== 'marker') this.lockMap.delete(file);
    for (const { holder, staleness } of holders) this.putHolder(holder, staleness);
    this.changed.fire();
  }

  /** The remote lock backend and whether it answers (the dashboard shows it down); undefined for `.locks/`. */
  get lockBackend(): LockBackendView | undefined {
    return this.backendView;
  }

  setLockBackend(view: LockBackendView | undefined): void {
    if (JSON.stringify(view) === JSON.stringify(this.backendView)) return;
    this.backendView = view;
    this.changed.fire();
  }

  /** Replaces the known `.agent_lock` markers with those in `dirs` (absolute folder paths). */
  setMarkers(dirs: readonly string[], notify = true): void {
    for (const [file, l] of this.lockMap) if (l.kind === 'marker') this.lockMap.delete(file);
    for (const h of this.locks.reader.markersIn(dirs)) this.putHolder(h, { stale: false });
    if (notify) this.changed.fire();
  }

  apply(e: BusEvent): void {
    switch (e.type) {
      case 'lock.acquired':
      case 'lock.renewed':
        this.putHolder({ kind: 'lock', path: e.path, file: e.file, record: e.record });
        break;
      case 'lock.invalid':
        this.putHolder(
          { kind: 'invalid', path: e.path, file: e.file, issues: [...e.issues], size: 1, mtimeMs: 0, fingerprint: '' },
          { stale: false },
        );
        break;
      case 'lock.released':
      case 'lock.broken':
        this.lockMap.delete(e.file);
        break;
      case 'plan.added':
      case 'plan.changed':
        this.putPlan(e.file, e.plan);
        break;
      case 'plan.invalid':
        this.planMap.set(e.file, {
          file: e.file,
          id: undefined,
          title: path.basename(e.file),
          agent: undefined,
          risk: undefined,
          files: [],
          status: 'invalid',
          problem: e.error.message,
          report: undefined,
        });
        break;
      case 'plan.removed':
        this.planMap.delete(e.file);
        break;
      case 'report.arrived':
        this.putReport(e.file, e.report);
        break;
      case 'report.removed':
        this.reports.delete(e.file);
        this.relinkReports();
        break;
      case 'cost.changed':
        this.reloadCost();
        break;
      case 'report.invalid':
      case 'inbox.arrived':
      case 'inbox.invalid':
      case 'ready':
        return;
    }
    this.changed.fire();
  }

  /** Costs of runs still in progress (live session events), shown on top of the day's log. */
  setLiveCosts(records: readonly CostRecord[]): void {
    this.liveCosts = [...records];
    this.reloadCost();
    this.changed.fire();
  }

  /** The agent runs this process is driving (the runner's snapshots); their plans show as running. */
  setRuns(runs: readonly RunSnapshot[]): void {
    this.runs = [...runs];
    this.changed.fire();
  }

  /** Live agent runs, oldest first. */
  get runViews(): readonly RunSnapshot[] {
    return this.runs;
  }

  get lockViews(): LockView[] {
    return [...this.lockMap.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The orchestrator's mission records, by task id (the host reads `.fmes/missions/` when it changes). */
  setMissionRecords(
    records: ReadonlyArray<{ taskId: string; state: MissionStateName; reason?: string; costUsd: number }>,
  ): void {
    this.missionBriefs = new Map(
      records.map((r) => [r.taskId, { state: r.state, reason: r.reason, costUsd: r.costUsd }]),
    );
    this.changed.fire();
  }

  /**
   * Plans with their status: running while a live run works on their task (even after an earlier report: it
   * is being redone) or while their agent holds a lock on their files; else done/failed from their newest report.
   */
  get plans(): PlanView[] {
    const live = [...this.lockMap.values()].filter((l) => l.kind === 'lock' && !l.staleness.stale);
    const runningTasks = new Set(this.runs.filter((r) => r.state !== 'done').map((r) => r.taskId));
    return [...this.planMap.values()]
      .map((m) => {
        if (m.status !== 'invalid' && m.id !== undefined && runningTasks.has(m.id))
          return { ...m, status: 'running' as const };
        if (m.status !== 'planned') return m;
        const running = live.some(
          (l) =>
            (m.agent === undefined || m.agent === 'auto' || l.agent === m.agent) &&
            m.files.some((f) => covers(l.path, f.replace(/\/$/, '')) || covers(f.replace(/\/$/, ''), l.path)),
        );
        return running ? { ...m, status: 'running' as const } : m;
      })
      .map((m) => {
        const brief = m.id === undefined ? undefined : this.missionBriefs.get(m.id);
        return brief ? { ...m, record: brief } : m;
      })
      .sort((a, b) => (a.id ?? a.title).localeCompare(b.id ?? b.title));
  }

  get reportViews(): ReportView[] {
    return [...this.reports.values()].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  }

  get costSummary(): CostSummary {
    if (this.cost.day !== localDay(this.clock.now())) this.reloadCost();
    return this.cost;
  }

  get agents(): AgentView[] {
    const byAgent = new Map<string, AgentView>();
    const get = (agent: string) => {
      let a = byAgent.get(agent);
      if (!a) byAgent.set(agent, (a = { agent, active: false, locks: 0, costUsd: 0, sessions: [] }));
      return a;
    };
    for (const l of this.lockMap.values()) {
      if (!l.agent || l.kind !== 'lock' || l.staleness.stale) continue;
      const a = get(l.agent);
      a.active = true;
      a.locks++;
    }
    for (const s of this.cost.sessions) {
      const a = get(s.agent);
      a.costUsd += s.costUsd;
      a.sessions.push(s);
    }
    return [...byAgent.values()].sort(
      (a, b) => Number(b.active) - Number(a.active) || b.costUsd - a.costUsd || a.agent.localeCompare(b.agent),
    );
  }

  /**
   * The locks that make a workspace path unwritable for `me`: at or above it, held by someone else.
   * Stale locks still count until they are broken: someone may be about to recover them.
   */
  blockersOf(workspacePath: string, me: string): LockView[] {
    return this.lockViews.filter((l) => l.agent !== me && covers(l.path, workspacePath));
  }

  /** Locks at, above or below a path (for folder decorations). */
  locksTouching(workspacePath: string): LockView[] {
    return this.lockViews.filter((l) => covers(l.path, workspacePath) || covers(workspacePath, l.path));
  }

  private putHolder(h: Holder, staleness: Staleness = this.locks.staleness(h)): void {
    const rec = h.kind === 'lock' ? h.record : undefined;
    this.lockMap.set(h.file, {
      path: h.path ?? path.basename(h.file),
      file: h.file,
      kind: h.kind,
      agent: rec?.agent ?? (h.kind === 'marker' ? h.agent : undefined),
      intent: rec?.intent ?? (h.kind === 'marker' ? h.intent : undefined),
      acquiredAt: rec?.acquiredAt,
      expiresAt: rec?.expiresAt,
      pid: rec?.pid,
      host: rec?.host,
      token: rec?.token,
      staleness,
      issues: h.kind === 'invalid' ? h.issues : undefined,
    });
  }

  private putPlan(file: string, plan: Plan): void {
    this.planMap.set(file, {
      file,
      id: plan.meta.id,
      title: plan.meta.title,
      agent: plan.meta.agent,
      risk: plan.meta.risk,
      files: plan.meta.files,
      status: 'planned',
      problem: undefined,
      report: undefined,
    });
    this.relinkReports();
  }

  private putReport(file: string, r: Report): void {
    this.reports.set(file, {
      file,
      taskId: r.taskId,
      agent: r.agent,
      status: r.status,
      summary: r.summary,
      costUsd: r.costUsd,
      finishedAt: r.finishedAt,
    });
    this.relinkReports();
  }

  /** A plan's status follows the newest report for its task, and any lock its agent holds on its files. */
  private relinkReports(): void {
    for (const m of this.planMap.values()) {
      if (m.status === 'invalid') continue;
      const report = this.reportViews.find((r) => r.taskId === m.id);
      m.report = report;
      m.status = report ? (report.status === 'success' ? 'done' : 'failed') : 'planned';
    }
  }

  private reloadCost(): void {
    const summary = summarizeCostDay(this.root, this.clock.now(), this.parsers.parseCostLog);
    this.cost = this.liveCosts.length ? addRecords(summary, this.liveCosts) : summary;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
