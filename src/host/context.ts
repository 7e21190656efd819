import * as vscode from 'vscode';
import type { ContextKeys } from '../shared/ids';

/** Typed setContext: only keys declared in ContextKeys, with their value types. */
export function setContext<K extends keyof ContextKeys>(key: K, value: ContextKeys[K]): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
