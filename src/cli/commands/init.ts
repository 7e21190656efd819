import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import type { AgentKind } from '../../core/agents/types';
import { UsageError } from '../usageError';
import { coreFor, hookOf, print, printErr } from '../context';
import { t } from '../../core/i18n/translate';

const CLIS: readonly AgentKind[] = ['claude', 'gemini', 'codex'];

/** dist/mcp.mjs beside dist/cli.mjs (argv[1] may be npm's bin symlink). */
function mcpScriptOf(): string {
  return path.join(path.dirname(fs.realpathSync(process.argv[1] ?? '.')), 'mcp.mjs');
}

export function initCommand(): Command {
  return new Command('init')
    .description(
      'set up a repository for F-MES: CLAUDE.md rules, Cursor rules (.cursor/rules/fmes.mdc, .cursorrules), the hooks of Claude, Gemini and Codex, .mcp.json and .cursor/mcp.json, .gitignore (merges; idempotent)',
    )
    .option('--dry-run', 'print the diff, write nothing')
    .option('--json', 'print the changes as JSON')
    .option(
      '--node <path>',
      'the Node.js binary the hooks and the MCP server run (default: the one running this command)',
    )
    .option('--hook-script <path>', 'dist/hook.cjs (default: the one beside this CLI)')
    .option('--mcp-script <path>', 'dist/mcp.mjs (default: the one beside this CLI)')
    .option('--clis <list>', 'the agent CLIs whose project hooks are written', CLIS.join(','))
    .action(
      async (
        o: { dryRun?: boolean; json?: boolean; node?: string; hookScript?: string; mcpScript?: string; clis: string },
        cmd: Command,
      ) => {
        const clis = o.clis
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = clis.filter((c) => !(CLIS as readonly string[]).includes(c));
        if (bad.length > 0 || clis.length === 0)
          throw new UsageError(t('clisExpected', { all: CLIS.join(', '), given: String(o.clis) }));
        const hookScript = o.hookScript ? path.resolve(o.hookScript) : hookOf()?.script;
        if (!hookScript) throw new UsageError(t('noHookScript'));
        const node = o.node ? path.resolve(o.node) : process.execPath;
        const mcpScript = o.mcpScript ? path.resolve(o.mcpScript) : mcpScriptOf();
        const core = coreFor(cmd);
        try {
          const { planInit, applyInit, diffOf } = await import('../../core/init/initWorkspace');
          const { probeHook, probeMcp } = await import('../../core/init/probeLaunch');
          const changes = planInit(core.root, {
            hook: { node, hookScript },
            mcp: { node, mcpScript },
            clis: clis as AgentKind[],
          });
          if (!o.dryRun) await applyInit(core.root, changes);
          if (o.json) print(JSON.stringify(changes.map(({ file, action, problem }) => ({ file, action, problem }))));
          else {
            for (const c of changes) {
              print(`${c.action.padEnd(9)} ${c.file}${c.problem ? `: ${c.problem}` : ''}`);
              if (o.dryRun && (c.action === 'create' || c.action === 'update')) print(diffOf(c));
            }
            if (o.dryRun) print(t('dryRun'));
          }
          const skipped = changes.filter((c) => c.action === 'skip');
          for (const c of skipped) printErr(`fmes: ${c.file}: ${c.problem}`);
          // What was written must run: a hook that cannot start enforces nothing.
          const problems = [...probeHook(core.root, { node, hookScript }), ...probeMcp({ node, mcpScript })];
          for (const p of problems) printErr(t('probeWarning', { what: p.what, message: p.message }));
          if (!o.json && !o.dryRun) {
            if (clis.includes('gemini'))
              printErr(
                'fmes: Gemini CLI loads .gemini/settings.json hooks only in a trusted folder: trust this folder once in Gemini (or run it with GEMINI_CLI_TRUST_WORKSPACE=true).',
              );
            if (clis.includes('codex'))
              printErr(
                'fmes: Codex loads .codex/hooks.json only in a trusted project with trusted hooks: run `codex exec --trust` here once, then review and trust the F-MES hooks (run it again whenever the hook command changes).',
              );
          }
          process.exitCode = skipped.length > 0 || problems.length > 0 ? 1 : 0;
        } finally {
          core.dispose();
        }
      },
    );
}
