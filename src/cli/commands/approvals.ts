import * as os from 'node:os';
import { Command } from 'commander';
import { escapeControls } from '../../hot/locks/printable';
import { ApprovalStore, type Approval } from '../../core/safety/approvals';
import { coreFor, print, printErr } from '../context';
import { t } from '../../core/i18n/translate';
import { UsageError } from '../usageError';
import { caller, describeRun, refuse } from './refusal';

function line(a: Approval): string {
  const who = a.decidedBy ? ` by ${a.decidedBy}` : '';
  return `${a.id}\t${a.status}${who}\t${a.agent}${a.taskId ? `/${a.taskId}` : ''}\t${a.tool}: ${a.summary}\t— ${a.reason}`;
}

function me(): string {
  try {
    return `human:${os.userInfo().username}`;
  } catch {
    return 'human';
  }
}

/** `fmes approvals`, `fmes approve <id>`, `fmes reject <id>`: the approval gate from a shell. */
export function approvalCommands(): Command[] {
  const list = new Command('approvals')
    .description('list approval requests from agents (pending first; --all for decided ones)')
    .option('--all', 'include approved, rejected and used requests')
    .option('--json', 'JSON output')
    .action((o: { all?: boolean; json?: boolean }, cmd: Command) => {
      const core = coreFor(cmd);
      const { approvals, issues } = new ApprovalStore(core.root).list();
      const shown = approvals.filter((a) => o.all || a.status === 'pending');
      for (const i of issues) printErr(`fmes: ${i.file}: ${i.message}`);
      if (o.json) print(JSON.stringify(shown));
      else if (shown.length === 0) print(o.all ? t('noApprovals') : t('noPendingApprovals'));
      else for (const a of shown) print(escapeControls(line(a))); // summaries come from agents' commands
      core.dispose();
    });
  const decide = (name: 'approve' | 'reject', status: 'approved' | 'rejected') =>
    new Command(name)
      .description(`${name} an agent's pending request; the agent's task can then be resumed`)
      .argument('<id>')
      .option('--by <who>', 'who decides (default: human:<user>)')
      .option('--note <text>', 'a note for the agent')
      .action(async (id: string, o: { by?: string; note?: string }, cmd: Command) => {
        // A person decides approvals: never the agent that asked, nor another one (whatever --by says). The run
        // is found in this process's environment or any ancestor's (runIdentity.ts).
        const run = caller().run;
        if (run) {
          refuse(t('approvalByPerson', { verb: name, id, run: describeRun(run) }));
          return;
        }
        const core = coreFor(cmd);
        const store = new ApprovalStore(core.root);
        if (!store.get(id)) throw new UsageError(t('noApproval', { id }));
        let a: Approval;
        try {
          a = store.decide(id, status, o.by ?? me(), o.note);
        } catch (e) {
          printErr(`fmes: ${(e as Error).message}`);
          process.exitCode = 1;
          return;
        }
        // A mission waiting on this decision is continued by a running `fmes watch --orchestrate` or the editor
        // (MissionService.continueDecided), else by `fmes mission run`; a bare run goes on with `fmes run --resume`.
        const { MissionStore } = await import('../../core/orchestrator/missionStore');
        const mission = a.taskId ? new MissionStore(core.root).get(a.taskId) : undefined;
        const next =
          mission?.state === 'awaitingApproval'
            ? `\n${t('continueMission', { plan: mission.planFile })}`
            : a.taskId
              ? `\n${t('resumeWith', { task: a.taskId })}`
              : '';
        print(`${a.id} ${a.status}: ${a.tool} ${a.summary}${next}`);
        core.dispose();
      });
  return [list, decide('approve', 'approved'), decide('reject', 'rejected')];
}
