// `fmes init` checks that what it writes can run: a hook command that cannot start is a hook that, for Claude,
// is only a "non-blocking error", and nothing is enforced.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { HookLaunch, McpLaunch } from './hookEntries';
import { projectHookCommand } from './hookEntries';

export interface LaunchProblem {
  /** What was checked: `hooks` or `.mcp.json`. */
  what: string;
  message: string;
}

function fileProblem(file: string, label: string, executable: boolean): string | undefined {
  if (!file || (!file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)))
    return `${label} ${JSON.stringify(file)} is not an absolute path`;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return `${label} ${file} does not exist`;
  }
  if (!st.isFile()) return `${label} ${file} is not a file`;
  try {
    fs.accessSync(file, executable ? fs.constants.X_OK : fs.constants.R_OK);
  } catch {
    return `${label} ${file} is not ${executable ? 'executable' : 'readable'}`;
  }
  return undefined;
}

const childEnv = (electronAsNode?: boolean): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The probe is a person's check, not an agent's call: no run identity, no agent id leaks into it.
  delete env.FMES_RUN_ID;
  delete env.FMES_AGENT;
  if (electronAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
};

/**
 * Problems with the hook command written for `root`: node or script missing or not executable, and then a real
 * run of the pre-tool-use command (through the shell, as the CLIs run it) on a harmless call, a Read of
 * CLAUDE.md, which must be allowed (exit 0). Empty when the hook works.
 */
export function probeHook(root: string, launch: HookLaunch, timeoutMs = 15_000): LaunchProblem[] {
  const problems = [
    fileProblem(launch.node, 'node', true),
    fileProblem(launch.hookScript, 'the hook script', false),
  ].filter((p): p is string => !!p);
  if (problems.length > 0) return problems.map((message) => ({ what: 'hooks', message }));
  if (process.platform === 'win32') return [];
  const input = JSON.stringify({
    session_id: 'fmes-init-check',
    cwd: root,
    hook_event_name: 'PreToolUse',
    tool_name: 'Read',
    tool_input: { file_path: 'CLAUDE.md' },
  });
  const command = projectHookCommand(launch, 'claude', 'pre-tool-use');
  const r = spawnSync('/bin/sh', ['-c', command], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: childEnv(),
  });
  if (r.error) return [{ what: 'hooks', message: `the hook command could not run (${r.error.message})` }];
  if (r.status !== 0)
    return [
      {
        what: 'hooks',
        message: `the hook command exited ${r.status ?? r.signal} on a harmless call: ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      },
    ];
  return [];
}

/** Problems with `.mcp.json`'s server command: node or script missing, or node cannot load the script. */
export function probeMcp(launch: McpLaunch, timeoutMs = 15_000): LaunchProblem[] {
  const problems = [
    fileProblem(launch.node, 'node', true),
    fileProblem(launch.mcpScript, 'the MCP server script', false),
  ].filter((p): p is string => !!p);
  if (problems.length > 0) return problems.map((message) => ({ what: '.mcp.json', message }));
  // `--check` parses the script without running it: it proves that this binary runs as Node and reads the file.
  const r = spawnSync(launch.node, ['--check', launch.mcpScript], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: childEnv(launch.electronAsNode),
  });
  if (r.error) return [{ what: '.mcp.json', message: `the MCP server command could not run (${r.error.message})` }];
  if (r.status !== 0)
    return [
      {
        what: '.mcp.json',
        message: `${launch.node} --check ${launch.mcpScript} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      },
    ];
  return [];
}
