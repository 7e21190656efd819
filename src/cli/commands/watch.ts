import { Command } from 'commander';
import type { MissionService } from '../../core/orchestrator/missionService';
import { describeBusEvent, type BusEvent } from '../../core/watch/busEvents';
import { coreFor, hookOf, print, printErr } from '../context';
import { t } from '../../core/i18n/translate';
import { UsageError } from '../usageError';
import { printMissionEvent } from './mission';

/** JSON form of an event: errors flattened to their issues so the line is self-contained. */
function eventJson(e: BusEvent): unknown {
  const at = new Date().toISOString();
  if (e.type === 'report.invalid' || e.type === 'plan.invalid' || e.type === 'inbox.invalid')
    return { at, type: e.type, file: e.file, issues: e.error.issues, initial: e.initial };
  return { at, ...e };
}

export function watchCommand(): Command {
  return new Command('watch')
    .description('print bus events (locks, reports, plans) until interrupted')
    .option('--json', 'one JSON object per line')
    .option('--poll', 'poll the file system instead of using native events')
    .option(
      '--orchestrate',
      'also run every new or changed plan through the orchestrator (worktree, agent, report, merge prompt), and continue missions whose approval is decided',
    )
    .option('--parallel <n>', 'with --orchestrate: missions at a time (default: orchestrator.parallel, 2)')
    .action(async (o: { json?: boolean; poll?: boolean; orchestrate?: boolean; parallel?: string }, cmd: Command) => {
      const core = coreFor(cmd);
      const watcher = core.createWatcher({ usePolling: !!o.poll });
      watcher.onEvent((e) => {
        if (o.json) print(JSON.stringify(eventJson(e)));
        else print(`${new Date().toLocaleTimeString()} ${describeBusEvent(e)}`);
      });
      let missions: MissionService | undefined;
      let followed: { dispose(): void } | undefined;
      if (o.orchestrate) {
        const parallel = o.parallel === undefined ? undefined : Number(o.parallel);
        if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1))
          throw new UsageError(t('parallelInteger', { value: JSON.stringify(o.parallel) }));
        missions = await core.createMissions({ hook: hookOf() });
        missions.onEvent((e) => printMissionEvent(e, { json: o.json }));
        missions.startLoop({
          parallel: parallel === undefined ? undefined : () => parallel,
          onError: (file, message) => printErr(`fmes: ${file}: ${message}`),
        });
        const m = missions;
        watcher.onEvent((e) => m.handle(e));
        // A mission that waits for a person's approval goes on once it is decided (fmes approve, the editor).
        followed = missions.followApprovals();
      }
      await watcher.start();
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      followed?.dispose();
      if (missions) {
        missions.stopLoop();
        await missions.idle();
      }
      core.dispose();
    });
}
