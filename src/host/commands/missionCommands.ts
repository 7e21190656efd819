import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentRunner } from '../../core/agents/agentRunner';
import type { FmesConfig } from '../../core/config';
import type { Core } from '../../core/createCore';
import { formatIssues, TrustError } from '../../core/errors';
import { conflictStages } from '../../core/git/conflictStages';
import type { WorkspaceModel } from '../../core/model/workspaceModel';
import type { MissionService } from '../../core/orchestrator/missionService';
import { MissionStore } from '../../core/orchestrator/missionStore';
import { allows, statesAllowing, type MissionAction } from '../../core/orchestrator/missionTable';
import type { MissionEvent } from '../../core/orchestrator/missionTypes';
import type { BusEvent } from '../../core/watch/busEvents';
import type { MissionRecord, MissionStateName } from '../../core/schemas/mission';
import { Commands } from '../../shared/ids';
import type { AgentRuns } from '../agents/agentRuns';
import { mergeDetail, someOf, withProgress } from './progress';
import { registerCommand } from './registerCommand';
import { missionLabel } from '../views/missionTree';

export interface MissionCommandDeps {
  core: Core;
  /** The panel's model: mission records are pushed into it whenever `.fmes/missions/` changes. */
  state: WorkspaceModel;
  agents: AgentRuns;
  config: () => FmesConfig;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
  me: () => string;
  /** Where the merge editor's read-only sides are written. */
  storageDir: string;
}

/** What points at a mission: its task id, a record, a tree or dashboard item carrying `taskId` or `id`. */
type MissionArg = string | { taskId?: string; id?: string; mission?: { id?: string } } | undefined;
/** What points at a plan: a URI, a path, a mission tree item. */
type PlanArg = vscode.Uri | string | { file?: string; mission?: { file?: string } } | undefined;

/**
 * Start Mission from Plan, Merge Mission, Open Merge Editor, Discard Mission, Roll Back Mission, Generate
 * Handoff: the editor's shell over core's MissionService. It keeps what only an editor has: pickers, modal
 * confirmations, the merge editor, integrated terminals for the agents (through AgentRuns, so the meter and
 * the panel see them) and a notification with the next step when a mission ends.
 */
export class MissionCommands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private missions: Promise<MissionService> | undefined;
  private readonly store: MissionStore;

  constructor(private readonly d: MissionCommandDeps) {
    this.store = new MissionStore(d.core.root);
    this.subs.push(
      registerCommand(Commands.startMission, d.log, (arg?: PlanArg) => this.start(arg)),
      registerCommand(Commands.mergeMission, d.log, (arg?: MissionArg) => this.merge(arg)),
      registerCommand(Commands.openMergeEditor, d.log, (arg?: MissionArg) => this.openMergeEditor(arg)),
      registerCommand(Commands.discardMission, d.log, (arg?: MissionArg) => this.discard(arg)),
      registerCommand(Commands.rollBackMission, d.log, (arg?: MissionArg) => this.rollBack(arg)),
      registerCommand(Commands.generateHandoff, d.log, (arg?: MissionArg) => this.handOff(arg)),
    );
    // Missions also change from shells and CI (`fmes mission …`): follow the records on disk, not only our own.
    const records = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(d.core.root, '.fmes/missions/*.json'),
    );
    this.subs.push(
      records,
      records.onDidCreate(() => this.syncSoon()),
      records.onDidChange(() => this.syncSoon()),
      records.onDidDelete(() => this.syncSoon()),
    );
    // A decision on an approval a mission waits for (here, in the dashboard or with `fmes approve`) continues it.
    const approvals = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(d.core.root, '.fmes/approvals/*.json'),
    );
    this.subs.push(
      approvals,
      approvals.onDidCreate(() => this.continueDecided()),
      approvals.onDidChange(() => this.continueDecided()),
    );
    this.sync();
  }

  /** Continues every mission that waits on an approval a person has now decided (trusted workspaces only). */
  continueDecided(): void {
    if (!this.d.trusted()) return;
    // Loading the service costs a module load: only when a mission waits for an approval at all.
    if (!this.store.list().records.some((r) => allows(r.state, 'continue'))) return;
    void this.get().then((m) =>
      m.continueDecided({ start: (planFile) => this.start(path.join(this.d.core.root, planFile)) }),
    );
  }

  private syncTimer: NodeJS.Timeout | undefined;

  /** At most one re-read of `.fmes/missions/` per 100 ms. */
  private syncSoon(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.sync();
    }, 100);
  }

  private sync(): void {
    const { records, invalid } = this.store.list();
    for (const i of invalid) this.d.log.warn(`${i.file}: ${formatIssues(i.issues)}`);
    this.d.state.setMissionRecords(records);
  }

  /** The mission service, created on first use with the editor's agent runner and terminals. */
  get(): Promise<MissionService> {
    return (this.missions ??= this.d.core
      .createMissions({
        config: this.d.config,
        me: 'fmes',
        agentRunner: (): Promise<AgentRunner> => this.d.agents.runner(),
        startRun: (request) => this.d.agents.startRun(request, { show: true }),
      })
      .then((m) => {
        const sub = m.onEvent((e) => this.onEvent(e));
        this.subs.push({ dispose: () => sub.dispose() });
        return m;
      }));
  }

  /**
   * With `fmes.orchestrator.auto` on (and the workspace trusted), every new or changed valid plan becomes a
   * mission, as `fmes watch --orchestrate` does from a shell. Feed every bus event here.
   */
  handleBusEvent(e: BusEvent): void {
    if (
      (e.type !== 'plan.added' && e.type !== 'plan.changed') ||
      !this.d.config().orchestrator.auto ||
      !this.d.trusted()
    )
      return;
    void this.get().then((m) => {
      m.startLoop({
        onError: (file, message) =>
          void vscode.window.showWarningMessage(vscode.l10n.t('F-MES: {0}: {1}', file, message)),
      });
      m.handle(e);
    });
  }

  private requireTrust(what: string): void {
    if (!this.d.trusted()) throw new TrustError(what);
  }

  /** Runs a plan through the loop in the background; resolves with the mission's final state. */
  async start(arg: PlanArg): Promise<MissionStateName | undefined> {
    this.requireTrust('Starting a mission');
    const file = planFileOf(arg, this.d.core.root) ?? (await this.pickPlan());
    if (!file) return undefined;
    const { planPreflight } = await import('../../core/agents/cliPreflight');
    const pre = planPreflight(this.d.core.root, file, this.d.config(), { pathVar: process.env.PATH, editor: true });
    if (pre?.blocked) {
      // Refused before the mission writes anything: no record, worktree, branch or handoff to clean up.
      void vscode.window.showErrorMessage(
        vscode.l10n.t("F-MES: no agent CLI of this plan's chain can start. {0}", pre.message),
      );
      return undefined;
    }
    // Some of the chain is there: the mission runs and fails over past the rest; the log says which are missing.
    if (pre) this.d.log.warn(`start ${path.basename(file)}: ${pre.message}`);
    const missions = await this.get();
    // Cancel stops the mission as Ctrl-C does in a shell: the agent is stopped and its changes rolled back.
    const out = await withProgress(
      vscode.l10n.t('F-MES: mission {0}', path.basename(file, '.md')),
      async (signal, report) => {
        const sub = missions.onEvent((e) => {
          if (e.type === 'state') report(missionLabel(e.record.state));
        });
        try {
          return await missions.start(file, { signal });
        } finally {
          sub.dispose();
        }
      },
      { cancellable: true },
    );
    return out.state;
  }

  async merge(arg: MissionArg): Promise<'merged' | 'conflicted' | undefined> {
    this.requireTrust('Merging a mission');
    const rec = await this.pick(arg, 'merge', vscode.l10n.t('Merge which mission?'));
    const mergeLabel = vscode.l10n.t('Merge');
    if (!rec) return undefined;
    let approved = false;
    // From the panel or the palette Merge asks first, naming the branch and the files; the dashboard's
    // "Merge mission <task>" button and calls with a task id are that decision already.
    if (typeof arg !== 'string' && rec.state !== 'review') {
      const ok = await vscode.window.showInformationMessage(
        vscode.l10n.t('Merge mission {0}?', rec.taskId),
        { modal: true, detail: mergeDetail(rec) },
        mergeLabel,
      );
      if (ok !== mergeLabel) return undefined;
    }
    if (rec.state === 'review') {
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Mission {0} needs review: {1}. Merge anyway?',
          rec.taskId,
          rec.reason ?? vscode.l10n.t('cross-check warnings'),
        ),
        { modal: true, detail: mergeDetail(rec) },
        mergeLabel,
      );
      if (ok !== mergeLabel) return undefined;
      approved = true;
    }
    const missions = await this.get();
    const r = await withProgress(vscode.l10n.t('F-MES: merging {0}', rec.branch ?? rec.taskId), () =>
      missions.merge(rec.taskId, { approved }),
    );
    if (r.merged) {
      const files = rec.crossCheck?.changed ?? [];
      void vscode.window.showInformationMessage(
        files.length
          ? vscode.l10n.t(
              'F-MES: merged mission {0} from {1} as {2}: {3} file(s) ({4}).',
              rec.taskId,
              rec.branch ?? `fmes/${rec.taskId}`,
              r.commit.slice(0, 10),
              files.length,
              someOf(files, 3),
            )
          : vscode.l10n.t(
              'F-MES: merged mission {0} from {1} as {2}.',
              rec.taskId,
              rec.branch ?? `fmes/${rec.taskId}`,
              r.commit.slice(0, 10),
            ),
      );
      return 'merged';
    }
    if (r.conflicts.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('F-MES: {0}: {1}', rec.taskId, r.record.reason ?? r.record.state),
      );
      return undefined;
    }
    await this.openEditors(
      rec.taskId,
      r.conflicts.map((c) => path.join(this.d.core.root, c)),
    );
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'F-MES: merging {0} stopped on conflicts in {1}. Resolve them in the merge editor, then run Merge Mission again.',
        rec.taskId,
        r.conflicts.join(', '),
      ),
    );
    return 'conflicted';
  }

  /** Opens VS Code's 3-way merge editor on each file the mission's merge left conflicted. */
  async openMergeEditor(arg: MissionArg): Promise<number> {
    const rec = await this.pick(arg, 'conflicts', vscode.l10n.t('Open the merge editor for which mission?'));
    if (!rec) return 0;
    const files = await (await this.get()).conflicts(rec.taskId);
    await this.openEditors(rec.taskId, files);
    return files.length;
  }

  private async openEditors(task: string, files: readonly string[]): Promise<void> {
    const dir = path.join(this.d.storageDir || os.tmpdir(), 'merge', task);
    await fs.promises.mkdir(dir, { recursive: true });
    for (const abs of files) {
      const rel = path.relative(this.d.core.root, abs).split(path.sep).join('/');
      const s = await conflictStages(this.d.core.root, rel);
      const side = async (name: string, text: string) => {
        const f = path.join(dir, `${name}.${rel.replace(/[\\/]/g, '__')}`);
        await fs.promises.writeFile(f, text);
        return vscode.Uri.file(f);
      };
      const [base, ours, theirs] = await Promise.all([
        side('base', s.base),
        side('ours', s.ours),
        side('theirs', s.theirs),
      ]);
      try {
        // VS Code's own 3-way merge editor (the command GitLens and the git extension use).
        await vscode.commands.executeCommand('_open.mergeEditor', {
          base,
          input1: { uri: ours, title: vscode.l10n.t('Current'), description: vscode.l10n.t('your branch') },
          input2: { uri: theirs, title: vscode.l10n.t('Incoming'), description: `fmes/${task}` },
          output: vscode.Uri.file(abs),
        });
      } catch (e) {
        this.d.log.warn(
          `the merge editor did not open for ${rel} (${String(e)}); opening the file with its conflict markers`,
        );
        await vscode.window.showTextDocument(vscode.Uri.file(abs), { preview: false });
      }
    }
  }

  async discard(arg: MissionArg): Promise<boolean> {
    this.requireTrust('Discarding a mission');
    const rec = await this.pick(arg, 'discard', vscode.l10n.t('Discard which mission?'));
    if (!rec) return false;
    const discardLabel = vscode.l10n.t('Discard');
    const ok = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Discard mission {0}? Its worktree and branch {1} are removed; the work is kept under a backup ref (refs/fmes/discarded/…).',
        rec.taskId,
        rec.branch ?? '',
      ),
      { modal: true },
      discardLabel,
    );
    if (ok !== discardLabel) return false;
    const missions = await this.get();
    const r = await withProgress(vscode.l10n.t('F-MES: discarding {0}', rec.taskId), () =>
      missions.discard(rec.taskId, { confirmed: true }),
    );
    void vscode.window.showInformationMessage(
      r.backupRef
        ? vscode.l10n.t('F-MES: discarded {0}; its work is kept at {1}.', rec.taskId, r.backupRef)
        : vscode.l10n.t('F-MES: discarded {0}.', rec.taskId),
    );
    return true;
  }

  async rollBack(arg: MissionArg): Promise<boolean> {
    this.requireTrust('Rolling back a mission');
    const rec = await this.pick(arg, 'rollBack', vscode.l10n.t('Roll back which mission?'));
    if (!rec) return false;
    const rollBackLabel = vscode.l10n.t('Roll Back');
    const ok = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Roll back mission {0} to the snapshot taken before its run? Tracked files are restored; files the run created are moved to .fmes/trash, never deleted.',
        rec.taskId,
      ),
      { modal: true },
      rollBackLabel,
    );
    if (ok !== rollBackLabel) return false;
    const missions = await this.get();
    const r = await withProgress(vscode.l10n.t('F-MES: rolling back {0}', rec.taskId), () =>
      missions.rollBack(rec.taskId),
    );
    void vscode.window.showInformationMessage(
      r.movedAside
        ? vscode.l10n.t(
            'F-MES: rolled back {0}: {1} file(s) restored, {2} moved to {3}.',
            rec.taskId,
            r.restored,
            r.movedAside,
            r.trash ?? '.fmes/trash',
          )
        : vscode.l10n.t('F-MES: rolled back {0}: {1} file(s) restored.', rec.taskId, r.restored),
    );
    return true;
  }

  async handOff(arg: MissionArg): Promise<string | undefined> {
    const rec = await this.pick(arg, 'handOff', vscode.l10n.t('Hand which mission to a person?'));
    if (!rec) return undefined;
    const r = await (await this.get()).handOff(rec.taskId);
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(this.d.core.root, r.file)), { preview: false });
    return r.file;
  }

  private onEvent(e: MissionEvent): void {
    if (e.type === 'note') {
      this.d.log.info(`[mission] ${e.taskId}: ${e.message}`);
      return;
    }
    if (e.type !== 'state') return;
    this.syncSoon();
    const r = e.record;
    this.d.log.info(`[mission] ${r.taskId}: ${r.state}${r.reason ? ` — ${r.reason}` : ''}`);
    const merge = vscode.l10n.t('Merge');
    const dashboard = vscode.l10n.t('Show Dashboard');
    const handoff = vscode.l10n.t('Open Handoff');
    const approvals = vscode.l10n.t('Review Approvals');
    const show = async (kind: 'info' | 'warn', text: string, ...actions: string[]) => {
      const pick =
        kind === 'info'
          ? await vscode.window.showInformationMessage(text, ...actions)
          : await vscode.window.showWarningMessage(text, ...actions);
      if (pick === merge) await vscode.commands.executeCommand(Commands.mergeMission, r.taskId);
      else if (pick === dashboard) await vscode.commands.executeCommand(Commands.showDashboard);
      else if (pick === handoff && r.handoff)
        await vscode.window.showTextDocument(vscode.Uri.file(path.join(this.d.core.root, r.handoff)));
      else if (pick === approvals) await vscode.commands.executeCommand(Commands.reviewApprovals);
    };
    const reason = r.reason ?? '';
    if (r.state === 'readyToMerge')
      void show('info', vscode.l10n.t('F-MES: mission {0} is ready to merge.', r.taskId), merge, dashboard);
    else if (r.state === 'review')
      void show('warn', vscode.l10n.t('F-MES: mission {0} needs review: {1}', r.taskId, reason), dashboard, merge);
    else if (r.state === 'handedOff')
      void show(
        'warn',
        vscode.l10n.t('F-MES: mission {0} was handed off to a person: {1}', r.taskId, reason),
        handoff,
        dashboard,
      );
    else if (r.state === 'awaitingApproval')
      void show('warn', vscode.l10n.t('F-MES: mission {0} waits for approval: {1}', r.taskId, reason), approvals);
    else if (r.state === 'refused')
      void show('warn', vscode.l10n.t('F-MES: mission {0} was refused: {1}', r.taskId, reason));
  }

  /** The mission an argument names, or the one a person picks among those the state table lets take `action`. */
  private async pick(arg: MissionArg, action: MissionAction, title: string): Promise<MissionRecord | undefined> {
    const task = typeof arg === 'string' ? arg : (arg?.taskId ?? arg?.id ?? arg?.mission?.id);
    if (task) {
      const r = this.store.read(task);
      if (!r.ok) throw new Error(r.invalid ? `${r.invalid.file} is invalid` : `there is no mission ${task}`);
      return r.record;
    }
    const { records } = this.store.list();
    const states = statesAllowing(action);
    const candidates = records.filter((r) => states.includes(r.state));
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('F-MES: no mission is in a state for this.'));
      return undefined;
    }
    const item = await vscode.window.showQuickPick(
      candidates.map((r) => ({
        label: r.taskId,
        description: r.state,
        detail: `${r.title}${r.reason ? ` — ${r.reason}` : ''}`,
        r,
      })),
      { title },
    );
    return item?.r;
  }

  private async pickPlan(): Promise<string | undefined> {
    const { readPlans } = await import('../../core/artifacts/plans');
    const listing = await readPlans(this.d.core.root);
    if (listing.valid.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('F-MES: there is no valid plan in .antigravity/plans/.'));
      return undefined;
    }
    const item = await vscode.window.showQuickPick(
      listing.valid.map((e) => ({
        label: e.plan.meta.id,
        description: e.plan.meta.agent,
        detail: `${e.plan.meta.title} · ${e.plan.meta.files.join(', ')}`,
        file: e.file,
      })),
      { title: vscode.l10n.t('Start a mission from which plan?') },
    );
    return item && path.join(this.d.core.root, item.file);
  }

  dispose(): void {
    clearTimeout(this.syncTimer);
    for (const s of this.subs) s.dispose();
    void this.missions?.then((m) => m.dispose());
  }
}

function planFileOf(arg: PlanArg, root: string): string | undefined {
  if (!arg) return undefined;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string') return path.resolve(root, arg);
  const f = arg.file ?? arg.mission?.file;
  return f ? path.resolve(root, f) : undefined;
}
