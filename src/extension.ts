import * as vscode from 'vscode';
import { createCore } from './core/createCore';
import { describeBusEvent } from './core/watch/busEvents';
import { channelSink } from './host/log';

/** Composition root: builds the adapters and the core, and registers every disposable in one place. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('F-MES', { log: true });
  context.subscriptions.push(channel);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    channel.info('no local workspace folder: F-MES is idle');
    return;
  }
  const core = createCore({ workspaceRoot: folder.uri.fsPath, logSink: channelSink(channel) });
  context.subscriptions.push(core);
  const watcher = core.createWatcher();
  watcher.onEvent((e) => channel.info(describeBusEvent(e)));
  await watcher.start();
}

export function deactivate(): void {}
