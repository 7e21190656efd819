import * as path from 'node:path';
import type * as vscode from 'vscode';

/** The workspace-relative POSIX path of a file URI, or undefined outside the workspace. */
export function workspacePathOf(root: string, uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file') return undefined;
  const rel = path.relative(root, uri.fsPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}
