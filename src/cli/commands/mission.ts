import * as path from 'node:path';
import { Command } from 'commander';
import { renderRunEvent } from '../../core/agents/render';
import { localeFromEnv } from '../../core/i18n/locale';
import type { Core } from '../../core/createCore';
import { formatIssues } from '../../core/errors';
import type { MissionService } from '../../core/orchestrator/missionService';
import type { MissionEvent } from '../../core/orchestrator/missionTypes';
import { missionExitCode } from '../../core/orchestrator/missionTypes';
import type { MissionRecord } from '../../core/schemas/mission';
import { coreFor, hookOf, print, printErr } from '../context';
import { t } from '../../core/i18n/translate';
import { ExitCode } from '../exitCodes';
import { UsageError } from '../usageError';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** One line per mission: task, state, agent chain, cost and why. */
export function missionLine(r: MissionRecord): string {
  const cost = r.costUsd ? ` $${r.costUsd.toFixed(4)}` : '';
  return `${r.taskId}\t${r.state}\t${r.chain.join('>')}${cost}${r.reason ? `\t${r.reason}` : ''}`;
}

/** Prints mission events: state changes, notes, and the agents' transcripts (as `fmes run` renders them). */
export function printMissionEvent(e: MissionEvent, o: { json?: boolean; color?: boolean }): void {
  if (o.json) {
    print(
      JSON.stringify(
        e.type === 'run'
          ? {
              type: 'run',
              taskId: e.taskId,
              agent: e.agent,
              event: e.event.type === 'end' ? { type: 'end', outcome: e.event.outcome } : e.event,
            }
          : e,
      ),
    );
    return;
  }
  if (e.type === 'state')
    print(`▶ mission ${e.record.taskId}: ${e.record.state}${e.record.reason ? ` — ${e.record.reason}` : ''}`);
  else if (e.type === 'note') print(`• ${e.taskId}: ${e.message}`);
  else
    for (const line of renderRunEvent(e.event, { color: !!o.color, locale: localeFromEnv() }))
      print(`  [${e.agent}] ${line}`);
}

async function withMissions<T>(cmd: Command, fn: (missions: MissionService, core: Core) => Promise<T>): Promise<T> {
  const core = coreFor(cmd);
  try {
    return await fn(await core.createMissions({ hook: hookOf() }), core);
  } finally {
    core.dispose();
  }
}

/** `fmes mission run|list|merge|discard|rollback|handoff`: the orchestrator's loop and actions from a shell or CI. */
export function missionCommand(): Command {
  const mission = new Command('mission').description(
    'run plans through the orchestrator (worktree, agent, report, cross-check, merge)',
  );
  mission
    .command('run')
    .description('run one plan through the whole loop and exit with its outcome')
    .argument('<plan>', 'the plan file (.antigravity/plans/<name>.md)')
    .option('--in-place', 'run in the main checkout instead of a shadow worktree')
    .option('--json', 'print events as JSON lines, the outcome last')
    .addHelpText(
      'after',
      '\nExit codes: 0 ready to merge · 1 failed · 4 waits for a person (review, approval) · 5 handed off · 75 refused (overlap) · 127 no agent CLI of the chain installed · 2 usage',
    )
    .action(async (plan: string, o: { inPlace?: boolean; json?: boolean }, cmd: Command) => {
      await withMissions(cmd, async (missions, core) => {
        const { planPreflight } = await import('../../core/agents/cliPreflight');
        const pre = planPreflight(core.root, path.resolve(plan), core.config, { pathVar: process.env.PATH });
        if (pre?.blocked) {
          // Refused before the mission writes anything: no record, worktree, branch, snapshot or handoff.
          printErr(t('noAgentCli', { message: pre.message }));
          process.exitCode = ExitCode.notFound;
          return;
        }
        if (pre) for (const line of pre.message.split('\n')) printErr(t('warningLine', { line }));
        const color = !o.json && !!process.stdout.isTTY && !process.env.NO_COLOR;
        missions.onEvent((e) => printMissionEvent(e, { json: o.json, color }));
        const controller = new AbortController();
        let received: NodeJS.Signals | undefined;
        const onSignal = (sig: NodeJS.Signals) => {
          if (received) return;
          received = sig;
          printErr(t('stoppingMission', { signal: sig }));
          controller.abort();
        };
        for (const s of SIGNALS) process.on(s, onSignal);
        try {
          const out = await missions.start(path.resolve(plan), { signal: controller.signal, inPlace: !!o.inPlace });
          if (o.json) print(JSON.stringify({ type: 'outcome', state: out.state, record: out.record }));
          else
            print(
              `mission ${out.taskId}: ${out.state}${out.record.reason ? ` — ${out.record.reason}` : ''}${out.state === 'readyToMerge' ? `\nmerge with: fmes mission merge ${out.taskId}` : ''}`,
            );
          process.exitCode = received ? 130 : missionExitCode(out.state);
        } finally {
          for (const s of SIGNALS) process.off(s, onSignal);
        }
      });
    });
  mission
    .command('list')
    .description('list missions, newest first')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const core = coreFor(cmd);
      const { MissionStore } = await import('../../core/orchestrator/missionStore');
      const { records, invalid } = new MissionStore(core.root).list();
      for (const i of invalid) printErr(`fmes: ${i.file}: ${formatIssues(i.issues)}`);
      if (o.json) print(JSON.stringify(records));
      else if (records.length === 0) print(t('noMissions'));
      else for (const r of records) print(missionLine(r));
      core.dispose();
    });
  mission
    .command('merge')
    .description("merge a mission's branch; on conflicts the merge stays in progress (resolve, then run merge again)")
    .argument('<task>')
    .option('--approved', 'merge a mission that is in review (undeclared changes, failed tests)')
    .action(async (task: string, o: { approved?: boolean }, cmd: Command) => {
      await withMissions(cmd, async (missions) => {
        const r = await missions.merge(task, { approved: !!o.approved });
        if (r.merged) print(t('merged', { task, commit: r.commit.slice(0, 10) }));
        else {
          print(
            r.conflicts.length
              ? `conflicts in:\n${r.conflicts.map((c) => `  ${c}`).join('\n')}\nresolve them, then: fmes mission merge ${task}`
              : `${task}: ${r.record.reason ?? r.record.state}`,
          );
          process.exitCode = 4;
        }
      });
    });
  mission
    .command('discard')
    .description("throw away a mission's branch and worktree (its work is kept under a backup ref)")
    .argument('<task>')
    .option('--yes', 'confirm')
    .action(async (task: string, o: { yes?: boolean }, cmd: Command) => {
      if (!o.yes) throw new UsageError(t('discardNeedsYes'));
      await withMissions(cmd, async (missions) => {
        const r = await missions.discard(task, { confirmed: true });
        print(r.backupRef ? t('discardedKept', { task, ref: r.backupRef }) : t('discarded', { task }));
      });
    });
  mission
    .command('rollback')
    .description("restore a mission's checkout to the snapshot before its run (untracked files are never deleted)")
    .argument('<task>')
    .action(async (task: string, _o: unknown, cmd: Command) => {
      await withMissions(cmd, async (missions) => {
        const r = await missions.rollBack(task);
        print(
          `rolled back ${task}: ${r.restored} file(s) restored${r.movedAside ? `, ${r.movedAside} new file(s) moved to ${r.trash}` : ''}`,
        );
      });
    });
  mission
    .command('handoff')
    .description('hand a mission to a person: HANDOFF_REPORT.md with its state, attempts, costs and diff')
    .argument('<task>')
    .option('--reason <text>', 'why')
    .action(async (task: string, o: { reason?: string }, cmd: Command) => {
      await withMissions(cmd, async (missions) => {
        const r = await missions.handOff(task, o.reason);
        print(t('wrote', { file: r.file }));
      });
    });
  return mission;
}
