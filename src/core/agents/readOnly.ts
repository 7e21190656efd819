import type { AgentKind } from './types';

/**
 * Read-only runs (reviewers, auditors, planners: they answer, they do not edit). Each CLI's own read-only mode,
 * measured on Claude Code 2.1.330, Gemini CLI 0.61 and Codex 0.169:
 * - Claude: the editing tools and the shell are disallowed (they are not even offered to the model), the reading
 *   tools are the only allowed ones, and the permission mode is `default` (in -p mode: anything else is refused).
 * - Gemini: `--approval-mode default`: headless, a tool that needs a confirmation (writing, editing, the shell) is
 *   refused. Not `plan` ("read-only mode"): after a model API error (529) Gemini 0.61 in plan mode did not exit
 *   (test/agents/mission.agent.test.ts, the handoff after every agent failed, waited 240 s for the planner).
 * - Codex: `-s read-only`, the sandbox that lets commands read only. Inside F-MES's sandbox Codex's own is switched
 *   off (it cannot nest, codexProvider.ts): there F-MES binds the checkout read-only for the run (policy.ts), and a
 *   write fails ("Failed to write file"; test/agents/verifyLoop.agent.test.ts).
 * Arguments in the configuration that would loosen this (a permission or approval mode, yolo, a sandbox, the
 * bypass flags) are dropped first: a setting must not turn a reviewer into a writer.
 */
export const READ_ONLY_TOOLS = ['Read', 'Glob', 'Grep', 'LS'];
export const CLAUDE_WRITE_TOOLS = ['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash'];

/** Flags dropped from the configured arguments, with whether each takes a value. */
const LOOSENING: Record<AgentKind, Record<string, boolean>> = {
  claude: {
    '--permission-mode': true,
    '--allowedTools': true,
    '--allowed-tools': true,
    '--dangerously-skip-permissions': false,
    '--allow-dangerously-skip-permissions': false,
  },
  gemini: { '--approval-mode': true, '--allowed-tools': true, '--yolo': false, '-y': false },
  codex: {
    '-s': true,
    '--sandbox': true,
    '--dangerously-bypass-approvals-and-sandbox': false,
    '--full-auto': false,
    '--approve-for-me': false,
  },
};

/** The configured arguments without the flags that loosen a read-only run (`--flag value` and `--flag=value`). */
export function withoutLoosening(kind: AgentKind, args: readonly string[]): string[] {
  const flags = LOOSENING[kind];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.split('=')[0];
    if (!(name in flags)) {
      out.push(a);
      continue;
    }
    if (flags[name] && !a.includes('=')) i++;
  }
  return out;
}

/** The CLI's own read-only flags, placed after the configured arguments. */
export function readOnlyArgs(kind: AgentKind): string[] {
  switch (kind) {
    case 'claude':
      return [
        '--permission-mode',
        'default',
        '--allowedTools',
        READ_ONLY_TOOLS.join(','),
        '--disallowedTools',
        CLAUDE_WRITE_TOOLS.join(','),
      ];
    case 'gemini':
      return ['--approval-mode', 'default'];
    case 'codex':
      return ['-s', 'read-only'];
  }
}
