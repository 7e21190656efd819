import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { FmesApi } from '../../src/host/api';
import { createCore, type Core } from '../../src/core/createCore';
import { CLAUDE_BIN, hermeticEnv, makeScratch } from '../agents/cliEnv';
import { startFakeModelApi, type FakeModelApi } from '../agents/fakeModelApi';

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
export async function waitFor<T>(
  what: string | (() => string),
  cond: () => T | Promise<T>,
  ms = 5000,
  everyMs = 20,
): Promise<NonNullable<T>> {
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

/**
 * The real Claude Code CLI pointed at a fake model API for a suite: starts the fake and a scratch HOME, sets
 * `fmes.agents.claude` and the `extra` settings in the user settings (these weaken safety: F-MES reads them from user
 * or machine scope only) and waits until F-MES has them. `restore()`
 * resets those settings and stops the fake.
 */
export async function fakeClaudeSettings(
  extra: Record<string, unknown> = {},
): Promise<{ fake: FakeModelApi; restore: () => Promise<void> }> {
  const a = await api();
  const fake = await startFakeModelApi();
  const scratch = await makeScratch({ git: false });
  const fmes = vscode.workspace.getConfiguration('fmes');
  const values: Record<string, unknown> = {
    'agents.claude': {
      command: CLAUDE_BIN,
      args: ['--dangerously-skip-permissions'],
      env: hermeticEnv('claude', fake, scratch),
    },
    ...extra,
  };
  for (const [k, v] of Object.entries(values)) await fmes.update(k, v, vscode.ConfigurationTarget.Global);
  await waitFor(
    'the agent settings to apply',
    () =>
      a.config().agents.claude.command === CLAUDE_BIN &&
      Object.keys(extra).every(
        (k) =>
          JSON.stringify(k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], a.config())) ===
          JSON.stringify(extra[k]),
      ),
  );
  return {
    fake,
    restore: async () => {
      for (const k of Object.keys(values))
        await vscode.workspace.getConfiguration('fmes').update(k, undefined, vscode.ConfigurationTarget.Global);
      await fake.close();
      await scratch.cleanup();
    },
  };
}
