import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { HookLaunch, McpLaunch } from '../core/init/hookEntries';

/**
 * How the extension's hooks and MCP server start: the editor's own runtime (Electron told to run as Node in
 * VS Code, plain Node in code-server) and the scripts bundled with this version of the extension. Nothing on
 * PATH: an install from the .vsix provides no `fmes` command.
 */
export function editorLaunch(extensionPath: string): { hook: HookLaunch; mcp: McpLaunch } {
  const electronAsNode = !!process.versions.electron;
  return {
    hook: { node: process.execPath, electronAsNode, hookScript: path.join(extensionPath, 'dist', 'hook.cjs') },
    mcp: { node: process.execPath, electronAsNode, mcpScript: path.join(extensionPath, 'dist', 'mcp.mjs') },
  };
}

export interface HookPathDeps {
  root: string;
  extensionPath: string;
  log: vscode.LogOutputChannel;
  trusted: () => boolean;
}

/**
 * Whether an entry F-MES wrote earlier still serves: its node and script exist, and the script is not another
 * version of this extension (an update moves the extension's folder; VS Code removes the old one later). An entry
 * from the CLI (`fmes init`, its own dist/hook.cjs) keeps working and is left alone; the PATH-based `fmes hook`
 * form of older versions is replaced.
 */
function stillServes(node: string, script: string, extensionPath: string): boolean {
  if (!fs.existsSync(node) || !fs.existsSync(script)) return false;
  const extensionsDir = path.dirname(extensionPath);
  const owner = path.dirname(path.dirname(script));
  const id = (dir: string) => path.basename(dir).replace(/-\d+\.\d+\.\d+[^/\\]*$/, '');
  return !(path.dirname(owner) === extensionsDir && owner !== extensionPath && id(owner) === id(extensionPath));
}

/**
 * On activation: rewrites F-MES's own entries in the workspace's hook files and `.mcp.json` when they point where
 * nothing runs any more (an extension update, a PATH-based `fmes hook`). Only F-MES's entries (recognised by
 * their marker), only in a trusted workspace, only files that exist; every other hook is left as it is.
 * Returns the files rewritten.
 */
export async function refreshHookPaths(d: HookPathDeps): Promise<string[]> {
  const launch = editorLaunch(d.extensionPath);
  if (!fs.existsSync(launch.hook.hookScript)) return [];
  const { hookChanges, applyInit } = await import('../core/init/initWorkspace');
  const { hookCommandTarget } = await import('../core/init/hookEntries');
  const stale = hookChanges(d.root, launch, false, {
    hook: (command) => {
      const t = hookCommandTarget(command);
      return t !== undefined && stillServes(t.node, t.script, d.extensionPath);
    },
    mcp: (argv) => argv[0] !== 'fmes' && argv[1] !== undefined && stillServes(argv[0], argv[1], d.extensionPath),
  }).filter((c) => c.action === 'update');
  if (stale.length === 0) return [];
  const files = stale.map((c) => c.file).join(', ');
  if (!d.trusted()) {
    d.log.warn(
      `hooks: F-MES's entries in ${files} point to a Node or hook script that no longer exists; they are rewritten once you trust this workspace`,
    );
    return [];
  }
  const written = await applyInit(d.root, stale);
  d.log.info(
    `hooks: rewrote F-MES's own entries in ${written.map((c) => c.file).join(', ')} to run ${launch.hook.hookScript} with ${launch.hook.node} (the extension moved; other hooks untouched)`,
  );
  return written.map((c) => c.file);
}

/**
 * What activation (and a grant of trust) checks in the workspace: F-MES's hook entries still run, and the
 * repository's settings that weaken safety have a person's answer. Never throws: a problem is logged.
 */
export async function checkWorkspaceSetup(d: HookPathDeps): Promise<void> {
  try {
    await refreshHookPaths(d);
  } catch (e) {
    d.log.error(`hooks: could not check F-MES's hook entries: ${String(e)}`);
  }
  // The modal may wait for a long time: activation does not wait for it.
  const { askAboutRepoSettings } = await import('./repoSettingsPrompt');
  void askAboutRepoSettings(d).catch((e: unknown) =>
    d.log.error(`settings: could not ask about .fmes/config.json: ${String(e)}`),
  );
}
