// Before a run's first attempt: F-MES's guard (how each CLI gets F-MES's hooks without touching the user's
// own files) and the sandbox its processes start in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openRunSandbox, type RunLauncher } from '../../sandbox/runSandbox';
import { codexHookArgs } from '../cliHooks';
import { prepareGeminiHome } from '../geminiHome';
import { hookSettings } from '../hookSettings';
import type { RunHost } from './runContext';

/** F-MES's guard for a run: Claude's settings file, Codex's hook arguments (Gemini's is in the run's `env`). */
export interface RunGuard {
  settingsFile?: string;
  extraArgs?: string[];
}

/**
 * F-MES's hooks for the run (lock and deny-list enforcement, audit log), given without touching the user's
 * files: Claude through a per-run `--settings` file, Gemini through a per-workspace GEMINI_CLI_HOME overlay
 * (added to the run's environment), Codex through `-c hooks.*` arguments. None when the hook script is not
 * known or `safety.hooks` is off. Throws RunSetupError when the run cannot be guarded.
 */
export function prepareGuard(h: RunHost): RunGuard {
  const hook = h.deps.hook;
  if (!hook || !h.deps.config.safety.hooks) return {};
  const program = { node: hook.node, electronAsNode: hook.electronAsNode, hookScript: hook.script };
  switch (h.request.cli) {
    case 'claude': {
      const file = h.transcript.file.replace(/\.jsonl$/, '.settings.json');
      const settings = hookSettings({ ...program, agent: h.agentId, workspace: h.deps.root });
      fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
      return { settingsFile: file };
    }
    case 'gemini':
      Object.assign(
        h.env,
        prepareGeminiHome({
          root: h.deps.root,
          cwd: h.cwd,
          env: h.env,
          args: h.deps.config.agents.gemini.args,
          hook: program,
        }),
      );
      return {};
    case 'codex':
      return { extraArgs: codexHookArgs(program) };
  }
}

/** How the run's processes start: inside the OS sandbox, or plainly (see src/core/sandbox/). */
export function openSandbox(h: RunHost): Promise<RunLauncher> {
  const { deps, request } = h;
  return openRunSandbox({
    root: deps.root,
    cwd: h.cwd,
    cli: request.cli,
    agentId: h.agentId,
    command: deps.config.agents[request.cli].command,
    cliArgs: deps.config.agents[request.cli].args,
    declared: request.writable,
    readOnly: request.readOnly,
    remoteLocks: deps.remoteLocks,
    env: h.env,
    config: deps.config.sandbox,
    readBack: deps.hook ? [path.dirname(deps.hook.script), path.dirname(deps.hook.node)] : [],
    redactor: h.redactor,
    session: () => h.tally.sessionId,
    keepDir: path.dirname(h.transcript.file),
    keepPrefix: h.runId,
    onNotice: (line) => {
      h.transcript.write({ fmes: 'sandbox', line });
      h.fire({ type: 'stderr', line: h.redactor.redact(line) });
    },
  });
}
