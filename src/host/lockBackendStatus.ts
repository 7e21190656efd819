import * as vscode from 'vscode';
import type { Core } from '../core/createCore';
import { RemoteLockFeed } from '../core/locks/remoteLockFeed';
import type { WorkspaceModel } from '../core/model/workspaceModel';

/**
 * With a remote lock backend (Redis), feeds its holders into the model (panel, decorations, read-only guard all
 * read the model) by a short poll, and shows in the status bar when the lock server does not answer. With the
 * file backend it does nothing: the bus watcher sees `.locks/`.
 */
export function watchLockBackend(core: Core, state: WorkspaceModel, log: vscode.LogOutputChannel): vscode.Disposable {
  let backend;
  try {
    backend = core.lockBackend;
  } catch (e) {
    log.error(`locks.backend: ${String((e as Error).message ?? e)}`);
    void vscode.window.showErrorMessage(`F-MES: ${String((e as Error).message ?? e)}`);
    return { dispose: () => undefined };
  }
  if (backend.kind === 'file') return { dispose: () => undefined };
  const item = vscode.window.createStatusBarItem('fmes.lockBackend', vscode.StatusBarAlignment.Left, 40);
  item.name = vscode.l10n.t('F-MES lock server');
  item.command = 'fmes.showLog';
  const feed = new RemoteLockFeed(backend);
  const sub = feed.onDidChange(({ holders, state: s }) => {
    state.setRemoteLocks(holders);
    if (s.ok) {
      item.text = '$(lock) ' + vscode.l10n.t('locks: redis');
      item.tooltip = vscode.l10n.t('F-MES locks live on {0}', s.where);
      item.backgroundColor = undefined;
    } else {
      item.text = '$(error) ' + vscode.l10n.t('locks: server down');
      item.tooltip = `${s.message}\n${vscode.l10n.t('Writes by agents are denied until it answers.')}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      log.warn(s.message);
    }
    item.show();
  });
  feed.start();
  return { dispose: () => (sub.dispose(), feed.dispose(), item.dispose()) };
}
