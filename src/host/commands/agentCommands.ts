import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentRun } from '../../core/agents/agentRun';
import { planRunRequest } from '../../core/agents/planPrompt';
import type { RunOutcome, RunRequest, RunSnapshot } from '../../core/agents/runTypes';
import { AGENT_KINDS, type AgentKind } from '../../core/agents/types';
import { ArtifactError, TrustError } from '../../core/errors';
import { formatUsd } from '../../core/cost/costLedger';
import type { WorkspaceModel, PlanView } from '../../core/model/workspaceModel';
import { TASK_ID } from '../../core/schemas/patterns';
import { Commands } from '../../shared/ids';
import type { AgentRuns } from '../agents/agentRuns';
import { age } from '../views/missionTree';
import { registerCommand } from './registerCommand';

export interface AgentCommandDeps {
  root: string;
  state: WorkspaceModel;
  agents: AgentRuns;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
}

/** What points at a plan: a mission tree item, a mission, a plan file's URI or path. */
type PlanArg = vscode.Uri | string | { mission: PlanView } | PlanView | undefined;
/** What points at a run: its id, a run tree item, a snapshot. */
type RunArg = string | { run: RunSnapshot } | RunSnapshot | undefined;

const AGENT_LABELS: Record<AgentKind, string> = { claude: 'Claude Code', gemini: 'Gemini CLI', codex: 'Codex' };

/** Run Claude on Plan, Run Agent…, Stop Agent, Resume Session…, Show Agent Terminal. */
export class AgentCommands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly d: AgentCommandDeps) {
    this.subs.push(
      registerCommand(Commands.runClaudeOnPlan, d.log, (arg?: PlanArg) => this.runOnPlan(arg)),
      registerCommand(Commands.runAgent, d.log, () => this.runAgent()),
      registerCommand(Commands.stopAgent, d.log, (arg?: RunArg) => this.stop(arg)),
      registerCommand(Commands.resumeSession, d.log, () => this.resume()),
      registerCommand(Commands.showAgentTerminal, d.log, (arg?: RunArg) => this.showTerminal(arg)),
    );
  }

  private requireTrust(): void {
    if (!this.d.trusted()) throw new TrustError('Starting an agent');
  }

  /** Runs Claude on a plan (its instructions, scope and limits); returns the run id. */
  async runOnPlan(arg: PlanArg): Promise<string | undefined> {
    this.requireTrust();
    const file = this.planFileOf(arg) ?? (await this.pickPlan());
    if (!file) return undefined;
    const { parsePlan } = await import('../../core/artifacts/parseArtifact');
    const text = await fs.promises.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new ArtifactError('unreadable', file, [
        { field: '', message: e.code === 'ENOENT' ? 'no such file' : e.message },
      ]);
    });
    const parsed = parsePlan(text, file);
    if (!parsed.ok) throw parsed.error;
    const request: RunRequest = { ...planRunRequest(parsed.value, path.relative(this.d.root, file)), cli: 'claude' };
    return (await this.start(request))?.id;
  }

  /** Runs an agent CLI on a task and prompt typed in; returns the run id. */
  async runAgent(): Promise<string | undefined> {
    this.requireTrust();
    const cli = await vscode.window.showQuickPick(
      AGENT_KINDS.map((k) => ({ label: k, description: AGENT_LABELS[k], cli: k })),
      { title: vscode.l10n.t('Run which agent?') },
    );
    if (!cli) return undefined;
    const taskId = await vscode.window.showInputBox({
      title: vscode.l10n.t('Run {0}: task id', cli.label),
      prompt: vscode.l10n.t('Names the session, the transcript and the cost records (letters, digits and . _ -)'),
      value: defaultTaskId(new Date()),
      validateInput: (v) =>
        !TASK_ID.re.test(v) || v.length > TASK_ID.max
          ? vscode.l10n.t('The task id {0}, at most {1} characters.', TASK_ID.message, TASK_ID.max)
          : undefined,
    });
    if (taskId === undefined) return undefined;
    const prompt = await vscode.window.showInputBox({
      title: vscode.l10n.t('Run {0} on {1}: prompt', cli.label, taskId),
      prompt: vscode.l10n.t('What should the agent do?'),
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Say what the agent should do.')),
    });
    if (prompt === undefined) return undefined;
    return (await this.start({ cli: cli.cli, taskId, prompt }))?.id;
  }

  /** Stops a run (its whole process tree) and shows how it ended. */
  async stop(arg: RunArg): Promise<RunOutcome | undefined> {
    const runId = this.runIdOf(arg) ?? (await this.pickRun(vscode.l10n.t('Stop which agent?')));
    if (!runId) return undefined;
    const outcome = await this.d.agents.stopRun(runId);
    if (!outcome) {
      void vscode.window.showInformationMessage(vscode.l10n.t('F-MES: that agent run has already ended.'));
      return undefined;
    }
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'F-MES: {0} on {1}: {2} — {3} ({4}, {5} turns).',
        outcome.agentId,
        outcome.taskId,
        outcome.reason,
        outcome.message,
        formatUsd(outcome.costUsd),
        outcome.turns,
      ),
    );
    return outcome;
  }

  /** Continues a task's stored session with a follow-up prompt; returns the run id. */
  async resume(): Promise<string | undefined> {
    this.requireTrust();
    const runner = await this.d.agents.runner();
    const items = runner.sessions.list().flatMap((f) =>
      Object.entries(f.agents).map(([agentId, s]) => ({
        label: f.taskId,
        description: agentId === s.cli ? agentId : `${agentId} (${s.cli})`,
        detail: vscode.l10n.t(
          'session {0} · last: {1} · {2} ago',
          s.sessionId,
          s.lastOutcome ?? vscode.l10n.t('running or unknown'),
          age(s.updatedAt),
        ),
        request: { cli: s.cli, agentId, taskId: f.taskId },
        updatedAt: s.updatedAt,
      })),
    );
    items.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Resume which session?'),
      placeHolder: items.length ? undefined : vscode.l10n.t('No stored sessions in .fmes/sessions/'),
      matchOnDetail: true,
    });
    if (!pick) return undefined;
    const prompt = await vscode.window.showInputBox({
      title: vscode.l10n.t('Resume {0} ({1})', pick.label, pick.description),
      prompt: vscode.l10n.t('The follow-up prompt'),
      value: vscode.l10n.t('Continue the task.'),
    });
    if (prompt === undefined || !prompt.trim()) return undefined;
    return (await this.start({ ...pick.request, prompt, resume: true }))?.id;
  }

  private async showTerminal(arg: RunArg): Promise<void> {
    const runId = this.runIdOf(arg) ?? (await this.pickRun(vscode.l10n.t('Show which agent?')));
    if (runId) this.d.agents.terminalOf(runId)?.show();
  }

  private async start(request: RunRequest): Promise<AgentRun | undefined> {
    const same = this.d.agents.snapshots.find(
      (r) => r.taskId === request.taskId && r.agentId === (request.agentId ?? request.cli),
    );
    if (same) {
      // Two runs of one agent on one task would share (and fight over) one session.
      const c = await vscode.window.showWarningMessage(
        vscode.l10n.t('F-MES: {0} is already working on {1}.', same.agentId, same.taskId),
        vscode.l10n.t('Show Terminal'),
      );
      if (c) this.d.agents.terminalOf(same.runId)?.show();
      return undefined;
    }
    return this.d.agents.startRun(request);
  }

  private planFileOf(arg: PlanArg): string | undefined {
    if (!arg) return undefined;
    if (arg instanceof vscode.Uri) return arg.fsPath;
    if (typeof arg === 'string') return path.resolve(this.d.root, arg);
    return 'mission' in arg ? arg.mission.file : arg.file;
  }

  private async pickPlan(): Promise<string | undefined> {
    const plans = this.d.state.plans.filter((m) => m.status !== 'invalid');
    const pick = await vscode.window.showQuickPick(
      plans.map((m) => ({
        label: m.id ?? m.title,
        description: m.title,
        detail: `${m.status}${m.agent ? ` · ${m.agent}` : ''} · ${path.relative(this.d.root, m.file)}`,
        file: m.file,
      })),
      {
        title: vscode.l10n.t('Run Claude on which plan?'),
        placeHolder: plans.length ? undefined : vscode.l10n.t('No valid plans in .antigravity/plans/'),
      },
    );
    return pick?.file;
  }

  private runIdOf(arg: RunArg): string | undefined {
    if (!arg) {
      const live = this.d.agents.snapshots;
      return live.length === 1 ? live[0].runId : undefined;
    }
    if (typeof arg === 'string') return arg;
    return 'run' in arg ? arg.run.runId : arg.runId;
  }

  private async pickRun(title: string): Promise<string | undefined> {
    const live = this.d.agents.snapshots;
    if (live.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('F-MES: no agent is running.'));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      live.map((r) => ({
        label: `${r.agentId} · ${r.taskId}`,
        description: [r.state, vscode.l10n.t('{0} turns', r.turns), formatUsd(r.costUsd), age(r.startedAt)].join(' · '),
        runId: r.runId,
      })),
      { title },
    );
    return pick?.runId;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

/** `task-20261122-1405`: unique enough for a run typed in by hand, and sorts by time. */
export function defaultTaskId(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `task-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}
