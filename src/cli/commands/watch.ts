import { Command } from 'commander';
import { describeBusEvent, type BusEvent } from '../../core/watch/busEvents';
import { coreFor, print } from '../context';

/** JSON form of an event: errors flattened to their issues so the line is self-contained. */
function eventJson(e: BusEvent): unknown {
  const at = new Date().toISOString();
  if (e.type === 'report.invalid' || e.type === 'plan.invalid') return { at, type: e.type, file: e.file, issues: e.error.issues, initial: e.initial };
  return { at, ...e };
}

export function watchCommand(): Command {
  return new Command('watch')
    .description('print bus events (locks, reports, plans) until interrupted')
    .option('--json', 'one JSON object per line')
    .option('--poll', 'poll the file system instead of using native events')
    .action(async (o: { json?: boolean; poll?: boolean }, cmd: Command) => {
      const core = coreFor(cmd);
      const watcher = core.createWatcher({ usePolling: !!o.poll });
      watcher.onEvent((e) => {
        if (o.json) print(JSON.stringify(eventJson(e)));
        else print(`${new Date().toLocaleTimeString()} ${describeBusEvent(e)}`);
      });
      await watcher.start();
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      core.dispose();
    });
}
