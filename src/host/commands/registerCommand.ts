import * as vscode from 'vscode';
import { ArtifactError, errorMessage, FmesError, LockError, PathError } from '../../core/errors';
import type { CommandId } from '../../shared/ids';

/**
 * The one command error boundary: every command goes through here. A failure is logged with its stack and
 * shown as one message with a "Show Log" button; typed domain errors show their own message, anything else
 * a generic one.
 */
export function registerCommand(
  id: CommandId,
  log: vscode.LogOutputChannel,
  fn: (...args: never[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      log.error(`${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      void showErrorWithLog(userMessage(e), log);
      return undefined;
    }
  });
}

function userMessage(e: unknown): string {
  if (LockError.is(e) || PathError.is(e) || ArtifactError.is(e) || e instanceof FmesError) return `F-MES: ${e.message}`;
  return vscode.l10n.t('F-MES: the command failed: {0}', errorMessage(e));
}

export async function showErrorWithLog(message: string, log: vscode.LogOutputChannel): Promise<void> {
  const show = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showErrorMessage(message, show);
  if (choice === show) log.show(true);
}
