import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { FmesApi } from '../../src/host/api';
import { createCore, type Core } from '../../src/core/createCore';

export const extensionId = `${pkg.publisher}.${pkg.name}`;

export async function api(): Promise<FmesApi> {
  const ext = vscode.extensions.getExtension<FmesApi | undefined>(extensionId);
  if (!ext) throw new Error(`${extensionId} is not installed`);
  const a = await ext.activate();
  if (!a) throw new Error('F-MES did not activate on the workspace');
  await a.ready;
  return a;
}

export function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

export function uri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(root(), rel));
}

/** Another agent's view of the same workspace: a separate core, as a CLI process would have. */
export function agentCore(): Core {
  return createCore({ workspaceRoot: root() });
}

/** Polls until `cond` is truthy (returns it) or fails with `what` after `ms`. */
export async function waitFor<T>(what: string | (() => string), cond: () => T | Promise<T>, ms = 5000, everyMs = 20): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function readDisk(rel: string): string {
  return fs.readFileSync(path.join(root(), rel), 'utf8');
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
