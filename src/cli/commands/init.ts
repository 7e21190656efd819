import { Command } from 'commander';
import { coreFor, print, printErr } from '../context';

export function initCommand(): Command {
  return new Command('init')
    .description('set up a repository for F-MES: CLAUDE.md rules, .cursorrules, Claude hooks, .mcp.json, .gitignore (merges; idempotent)')
    .option('--dry-run', 'print the diff, write nothing')
    .option('--json', 'print the changes as JSON')
    .option('--hook-command <cmd>', 'what the hooks run (default: "fmes hook")', 'fmes hook')
    .action(async (o: { dryRun?: boolean; json?: boolean; hookCommand: string }, cmd: Command) => {
      const core = coreFor(cmd);
      const { planInit, applyInit, diffOf } = await import('../../core/init/initWorkspace');
      const changes = planInit(core.root, { hookCommand: o.hookCommand, mcpCommand: ['fmes', 'mcp'] });
      if (!o.dryRun) await applyInit(core.root, changes);
      if (o.json) print(JSON.stringify(changes.map(({ file, action, problem }) => ({ file, action, problem }))));
      else {
        for (const c of changes) {
          print(`${c.action.padEnd(9)} ${c.file}${c.problem ? `: ${c.problem}` : ''}`);
          if (o.dryRun && (c.action === 'create' || c.action === 'update')) print(diffOf(c));
        }
        if (o.dryRun) print('(dry run: nothing written)');
      }
      const skipped = changes.filter((c) => c.action === 'skip');
      for (const c of skipped) printErr(`fmes: ${c.file}: ${c.problem}`);
      process.exitCode = skipped.length ? 1 : 0;
      core.dispose();
    });
}
