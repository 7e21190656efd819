import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { writeFileAtomic } from '../core/fs/atomicWrite';

/** Where the `fmes` shim lives: the extension's global storage, so its place on PATH survives updates. */
export function cliBinDir(globalStorage: string): string {
  return path.join(globalStorage, 'bin');
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The `fmes` shim's text: this extension's bundled dist/fmes.cjs run by the editor's own runtime (Electron told to
 * run as Node in VS Code and Cursor, Node in code-server), so a terminal needs no Node of its own and always runs
 * the CLI of the installed version, the one whose hooks the workspace's settings name.
 */
export function shimText(
  o: { node: string; script: string; electronAsNode: boolean },
  platform = process.platform,
): { name: string; text: string } {
  if (platform === 'win32')
    return {
      name: 'fmes.cmd',
      text: `@echo off\r\n${o.electronAsNode ? 'set ELECTRON_RUN_AS_NODE=1\r\n' : ''}"${o.node}" "${o.script}" %*\r\n`,
    };
  return {
    name: 'fmes',
    text: `#!/bin/sh\n# Written by the F-MES extension: its bundled CLI. Rewritten at each start of the extension.\n${o.electronAsNode ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}exec ${shQuote(o.node)} ${shQuote(o.script)} "$@"\n`,
  };
}

/**
 * Puts the bundled `fmes` on the PATH of the editor's integrated terminals (and of the agents started in them):
 * writes the shim, then prepends its folder through the extension's EnvironmentVariableCollection (kept across
 * sessions by VS Code; new terminals get it, open ones are offered a relaunch). Returns the shim's path.
 */
export async function putCliOnPath(context: {
  globalStorageUri: vscode.Uri;
  extensionPath: string;
  environmentVariableCollection: vscode.EnvironmentVariableCollection;
}): Promise<string> {
  const dir = cliBinDir(context.globalStorageUri.fsPath);
  const shim = shimText({
    node: process.execPath,
    script: path.join(context.extensionPath, 'dist', 'fmes.cjs'),
    electronAsNode: !!process.versions.electron,
  });
  const file = path.join(dir, shim.name);
  await fs.promises.mkdir(dir, { recursive: true });
  const current = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
  if (current !== shim.text) await writeFileAtomic(file, shim.text);
  await fs.promises.chmod(file, 0o755);
  const env = context.environmentVariableCollection;
  // Loaded here, not at the top: the unit tests import shimText from this file under plain Node.
  const { l10n } = await import('vscode');
  env.description = l10n.t('Puts the F-MES command line (`fmes`) on PATH.');
  env.prepend('PATH', dir + path.delimiter);
  return file;
}
