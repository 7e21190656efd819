import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlan } from '../artifacts/parseArtifact';
import type { FmesConfig } from '../config';
import { classifyPlan } from '../orchestrator/classify';
import type { AgentKind } from './types';

/** How a person gets each agent CLI, for the message that says it is missing. */
export const CLI_INSTALL: Readonly<Record<AgentKind, { name: string; install: string }>> = {
  claude: { name: 'Claude Code', install: 'npm install -g @anthropic-ai/claude-code' },
  gemini: { name: 'Gemini CLI', install: 'npm install -g @google/gemini-cli' },
  codex: { name: 'Codex CLI', install: 'npm install -g @openai/codex' },
};

/** The part of an agent's settings that says how it is started. */
export interface CliLaunch {
  command: string;
  env?: Readonly<Record<string, string>>;
}

export interface MissingCli {
  cli: AgentKind;
  /** The command F-MES would start (a name looked up on PATH, or a path). */
  command: string;
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Where `command` would be found as the agent's process finds it: a path (absolute, or relative to `cwd`) as it
 * is; a bare name in each folder of `PATH` in turn. Undefined when nothing executable is there.
 */
export function findCommand(command: string, pathVar: string | undefined, cwd: string): string | undefined {
  if (command.includes('/') || command.includes(path.sep)) {
    const file = path.resolve(cwd, command);
    return executable(file) ? file : undefined;
  }
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    if (executable(file)) return file;
  }
  return undefined;
}

/** The agents of `chain` whose command cannot be found (the PATH an agent gets: its own `env.PATH`, else ours). */
export function missingClis(
  chain: readonly AgentKind[],
  agents: Readonly<Record<AgentKind, CliLaunch>>,
  o: { pathVar: string | undefined; cwd: string },
): MissingCli[] {
  return chain
    .filter((cli) => !findCommand(agents[cli].command, agents[cli].env?.PATH ?? o.pathVar, o.cwd))
    .map((cli) => ({ cli, command: agents[cli].command }));
}

/** One paragraph per missing CLI: what is missing, how to install it, how to point F-MES at it or leave it out. */
export function missingCliMessage(missing: readonly MissingCli[], o: { editor?: boolean } = {}): string {
  const setting = (cli: AgentKind) =>
    o.editor
      ? `the setting fmes.agents.${cli}.command`
      : `agents.${cli}.command in .fmes/config.json (then \`fmes config confirm\`)`;
  const chain = o.editor ? 'fmes.orchestrator.chain' : 'orchestrator.chain in .fmes/config.json';
  return missing
    .map(
      ({ cli, command }) =>
        `${CLI_INSTALL[cli].name} (\`${command}\`) is not installed or not on PATH. Install it with \`${CLI_INSTALL[cli].install}\`, ` +
        `or set ${setting(cli)} to its full path, or leave ${cli} out of ${chain}.`,
    )
    .join('\n');
}

export interface Preflight {
  /** Every agent of the plan's chain is missing: nothing may start (no record, worktree, branch or handoff). */
  blocked: boolean;
  missing: MissingCli[];
  message: string;
}

/**
 * Which agent CLIs of the plan's failover chain cannot be found, checked before a mission writes anything.
 * Undefined when all can, and for a plan that cannot be read or parsed: the mission reports that with its file
 * and field as always.
 */
export function planPreflight(
  root: string,
  planFile: string,
  config: Pick<FmesConfig, 'agents' | 'orchestrator'>,
  o: { pathVar: string | undefined; editor?: boolean },
): Preflight | undefined {
  let text: string;
  try {
    text = fs.readFileSync(planFile, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = parsePlan(text, path.relative(root, planFile));
  if (!parsed.ok) return undefined;
  const { chain } = classifyPlan(parsed.value, config.orchestrator);
  const missing = missingClis(chain, config.agents, { pathVar: o.pathVar, cwd: root });
  if (missing.length === 0) return undefined;
  return { blocked: missing.length === chain.length, missing, message: missingCliMessage(missing, o) };
}
