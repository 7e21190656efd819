import { Command, CommanderError } from 'commander';
import { ArtifactError, FmesError, LockError, PathError } from '../core/errors';
import { LockBackendError } from '../hot/locks/backendSpec';
import { MissionError } from '../core/orchestrator/missionTypes';
import { approvalCommands } from './commands/approvals';
import { configCommand } from './commands/config';
import { hookCommand } from './commands/hook';
import { initCommand } from './commands/init';
import { lockCommand } from './commands/lock';
import { mcpCommand } from './commands/mcp';
import { missionCommand } from './commands/mission';
import { runCommand } from './commands/run';
import { validateCommand } from './commands/validate';
import { watchCommand } from './commands/watch';
import { localeFromEnv } from '../core/i18n/locale';
import { printErr } from './context';
import { localizeHelp } from './helpL10n';
import { cliErrorText, useCliLocale } from './errorText';
import { UsageError } from './usageError';
import { ExitCode } from './exitCodes';

declare const FMES_VERSION: string;

/** The one error boundary of the CLI: typed errors become a message and an exit code, never a stack trace. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (LockError.is(e, 'held')) return ExitCode.held;
  if (LockBackendError.is(e, 'unreachable') || LockBackendError.is(e, 'refused')) return ExitCode.unavailable;
  if (PathError.is(e) || LockError.is(e, 'invalidAgent') || UsageError.is(e)) return ExitCode.usage;
  if (MissionError.is(e, 'notConfirmed')) return ExitCode.usage;
  if (ArtifactError.is(e) || e instanceof FmesError) return ExitCode.failure;
  return ExitCode.failure;
}

export function buildProgram(): Command {
  const program = new Command('fmes')
    .description('F-MES: locks, plans and reports shared by AI coding agents through the file system')
    .version(typeof FMES_VERSION === 'string' ? FMES_VERSION : '0.0.0-dev')
    .option('-w, --workspace <dir>', 'workspace root (default: git top level of the current folder)')
    .option('-v, --verbose', 'log debug lines to stderr')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(lockCommand());
  program.addCommand(runCommand());
  program.addCommand(missionCommand());
  program.addCommand(hookCommand());
  program.addCommand(initCommand());
  program.addCommand(configCommand());
  for (const c of approvalCommands()) program.addCommand(c);
  program.addCommand(validateCommand());
  program.addCommand(watchCommand());
  program.addCommand(mcpCommand());
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return localizeHelp(program, localeFromEnv());
}

export async function main(argv: string[]): Promise<number> {
  try {
    await useCliLocale();
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) return exitCodeFor(e); // commander already printed the message
    printErr(`fmes: ${cliErrorText(e)}`);
    if (!(e instanceof FmesError) && process.env.FMES_DEBUG) printErr(String((e as Error).stack));
    return exitCodeFor(e);
  }
}
