import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import type { RunRequest } from '../../core/agents/runTypes';
import { exitStatusOf } from '../../core/agents/exitStatus';
import { AGENT_KINDS, isAgentKind, type AgentKind } from '../../core/agents/types';
import { renderRunEvent } from '../../core/agents/render';
import { localeFromEnv } from '../../core/i18n/locale';
import { planRunRequest } from '../../core/agents/planPrompt';
import { ArtifactError } from '../../core/errors';
import { TASK_ID } from '../../core/schemas/patterns';
import { coreFor, hookOf, print, printErr, seconds } from '../context';
import { t } from '../../core/i18n/translate';
import { UsageError } from '../usageError';
import { schemaText } from '../../core/i18n/schemaText';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface RunOptions {
  agent?: string;
  agentId?: string;
  task?: string;
  prompt?: string;
  plan?: string;
  maxTurns?: string;
  budgetUsd?: string;
  timeout?: string;
  retries?: string;
  resume?: boolean;
  model?: string;
  cwd?: string;
  settings?: string;
  json?: boolean;
}

function positiveNumber(name: string, v: string | undefined, int = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n)))
    throw new UsageError(t(int ? 'positiveInteger' : 'positiveNumber', { name, value: JSON.stringify(v) }));
  return n;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run an agent CLI headless on a task, with limits, cost logging and a transcript')
    .addOption(new Option('-a, --agent <cli>', 'agent CLI').choices([...AGENT_KINDS]))
    .option('--agent-id <id>', 'agent id in logs, locks and sessions (default: the CLI name)')
    .option('-t, --task <id>', 'task id (default with --plan: the plan id)')
    .option('-p, --prompt <text>', 'what to do')
    .option('--plan <file>', 'a plan file (front matter + instructions); its limits apply')
    .option('--max-turns <n>', 'stop after this many model turns')
    .option('--budget-usd <usd>', 'stop when this run has cost this much')
    .option('--timeout <s>', 'stop after this many seconds')
    .option('--retries <n>', 'further attempts after an API error or failure (limits are never retried)')
    .option('--resume', "resume the task's stored session (falls back to a fresh, seeded session)")
    .option('--model <name>', 'model to ask for')
    .option('--cwd <dir>', 'where the agent works (default: the workspace)')
    .option('--settings <file>', 'Claude --settings file for the session (hooks)')
    .option('--json', 'print run events as JSON lines, the outcome last')
    .addHelpText(
      'after',
      '\nExit codes: 0 success · 1 the agent failed, or F-MES refused to start it unguarded (reason refused) · 2 usage · 3 a limit stopped it · 4 awaiting approval · 127 CLI not found · 128+n signalled',
    )
    .action(async (o: RunOptions, cmd: Command) => {
      if (!o.prompt === !o.plan) throw new UsageError(t('promptOrPlan'));
      const core = coreFor(cmd);
      let req: Omit<RunRequest, 'cli'> & { cli?: AgentKind };
      if (o.plan) {
        const file = path.resolve(o.plan);
        const { parsePlan } = await import('../../core/artifacts/parseArtifact');
        const text = await fs.promises.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new ArtifactError('unreadable', file, [
            { field: '', message: e.code === 'ENOENT' ? schemaText('noSuchFile') : e.message },
          ]);
        });
        const parsed = parsePlan(text, file);
        if (!parsed.ok) throw parsed.error;
        req = { ...planRunRequest(parsed.value, path.relative(core.root, file)) };
        const planned = parsed.value.meta.agent;
        if (isAgentKind(planned)) req.cli = planned;
        if (o.task) req.taskId = o.task;
      } else {
        if (!o.task) throw new UsageError(t('taskRequired'));
        req = { taskId: o.task, prompt: o.prompt! };
      }
      if (!TASK_ID.re.test(req.taskId) || req.taskId.length > TASK_ID.max)
        throw new UsageError(t('badTaskId', { id: JSON.stringify(req.taskId) }));
      const cli = (o.agent as AgentKind | undefined) ?? req.cli;
      if (!cli) throw new UsageError(t('agentRequired'));
      const request: RunRequest = {
        ...req,
        cli,
        agentId: o.agentId,
        resume: !!o.resume,
        maxTurns: positiveNumber('--max-turns', o.maxTurns, true) ?? req.maxTurns,
        budgetUsd: positiveNumber('--budget-usd', o.budgetUsd) ?? req.budgetUsd,
        timeoutSec: (o.timeout !== undefined ? seconds(o.timeout) : undefined) ?? req.timeoutSec,
        retries: o.retries !== undefined ? Math.floor(seconds(o.retries)) : undefined,
        model: o.model,
        cwd: o.cwd ? path.resolve(o.cwd) : undefined,
        settingsFile: o.settings ? path.resolve(o.settings) : undefined,
      };
      const runner = await core.createRunner({ hook: hookOf() });
      const run = runner.start(request);
      const color = !o.json && !!process.stdout.isTTY && !process.env.NO_COLOR;
      run.onEvent((e) => {
        if (o.json) {
          if (e.type !== 'end') print(JSON.stringify(e));
          return;
        }
        for (const line of renderRunEvent(e, { color, locale: localeFromEnv() })) print(line);
      });
      let received: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        if (received) return;
        received = sig;
        printErr(t('stoppingAgent', { signal: sig }));
        void run.stop(`interrupted by ${sig}`);
      };
      for (const s of SIGNALS) process.on(s, onSignal);
      try {
        const outcome = await run.done;
        if (o.json) print(JSON.stringify({ type: 'end', outcome }));
        process.exitCode = exitStatusOf(outcome, received);
      } finally {
        for (const s of SIGNALS) process.off(s, onSignal);
        core.dispose();
      }
    });
}
