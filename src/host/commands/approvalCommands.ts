import * as os from 'node:os';
import * as vscode from 'vscode';
import { TrustError } from '../../core/errors';
import { ApprovalStore, type Approval } from '../../core/safety/approvals';
import { Commands } from '../../shared/ids';
import { registerCommand } from './registerCommand';

export interface ApprovalCommandDeps {
  root: string;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
  /** The id decisions are recorded under (the person's agent id). */
  me: () => string;
}

/**
 * Review Approvals…: the approval gate's human side. Agents in headless runs that reach an `ask`-tier
 * command leave a pending request; here a person approves or rejects it (with a note the agent will read).
 */
export class ApprovalCommands implements vscode.Disposable {
  private readonly sub: vscode.Disposable;
  private readonly store: ApprovalStore;

  constructor(private readonly d: ApprovalCommandDeps) {
    this.store = new ApprovalStore(d.root);
    this.sub = registerCommand(Commands.reviewApprovals, d.log, (id?: string) => this.review(id));
  }

  /** Returns the decided approval, or undefined when nothing was decided. */
  async review(id?: string): Promise<Approval | undefined> {
    if (!this.d.trusted()) throw new TrustError('Approving an agent request');
    const { approvals, issues } = this.store.list();
    for (const i of issues) this.d.log.warn(`${i.file}: ${i.message}`);
    const pending = approvals.filter((a) => a.status === 'pending');
    let a = id ? pending.find((x) => x.id === id) : undefined;
    if (!a) {
      if (pending.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('F-MES: no agent is waiting for an approval.'));
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        pending.map((x) => ({
          label: `${x.agent}${x.taskId ? ` · ${x.taskId}` : ''}: ${x.tool} ${x.summary}`,
          description: x.id,
          detail: x.reason,
          approval: x,
        })),
        {
          title: vscode.l10n.t('F-MES: approval requests'),
          placeHolder: vscode.l10n.t('Pick a request to approve or reject'),
          matchOnDetail: true,
        },
      );
      a = pick?.approval;
    }
    if (!a) return undefined;
    const approve = vscode.l10n.t('Approve');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} wants to run: {1} {2}', a.agent, a.tool, a.summary),
      {
        modal: true,
        detail: `${a.reason}\n\n${vscode.l10n.t('Approving lets this exact call run once, when the task is resumed.')}`,
      },
      approve,
      vscode.l10n.t('Reject'),
    );
    if (!choice) return undefined;
    const note = await vscode.window.showInputBox({
      title: `${choice} ${a.id}`,
      prompt: vscode.l10n.t('A note for the agent (optional)'),
    });
    const decided = this.store.decide(
      a.id,
      choice === approve ? 'approved' : 'rejected',
      this.d.me() || `human:${os.userInfo().username}`,
      note || undefined,
    );
    this.d.log.info(`approval ${decided.id} ${decided.status} by ${decided.decidedBy}`);
    return decided;
  }

  dispose(): void {
    this.sub.dispose();
  }
}
