import * as vscode from 'vscode';
import type { MissionRecord } from '../../core/schemas/mission';

/**
 * Runs `task` under a progress notification titled `title` (F-MES's actions that touch git or many files take
 * seconds; a person sees that something happens and what). `cancellable` gives it a Cancel button wired to the
 * AbortSignal handed to `task`.
 */
export function withProgress<T>(
  title: string,
  task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
  o: { cancellable?: boolean } = {},
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: !!o.cancellable },
    async (progress, token): Promise<T> => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        return await task(controller.signal, (message) => progress.report({ message }));
      } finally {
        sub.dispose();
      }
    },
  );
}

/** Up to `max` names, then "and n more". */
export function someOf(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return vscode.l10n.t('{0} and {1} more', items.slice(0, max).join(', '), items.length - max);
}

/** The Merge confirmation's detail: the branch, where it goes, and the files it brings. */
export function mergeDetail(rec: MissionRecord): string {
  const files = rec.crossCheck?.changed ?? [];
  const branch = rec.branch ?? `fmes/${rec.taskId}`;
  const what = files.length
    ? files.length === 1
      ? vscode.l10n.t('1 file: {0}', someOf(files))
      : vscode.l10n.t('{0} files: {1}', files.length, someOf(files))
    : vscode.l10n.t('the files its run changed');
  return vscode.l10n.t('Branch {0} is merged into the current branch of the workspace: {1}.', branch, what);
}
