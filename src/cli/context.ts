import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { createCore, type Core } from '../core/createCore';
import { configFor } from '../core/configFile';
import { formatIssue } from '../core/errors';
import { t } from '../core/i18n/translate';
import { streamSink, type LogLevel } from '../core/log';

export interface GlobalOptions {
  workspace?: string;
  verbose?: boolean;
}

/**
 * The workspace: `--workspace`, else the git top level of the current folder, else the current folder. Outside a
 * git repository the last is a guess worth saying (an agent started in a subfolder of no repository would
 * otherwise lock and look for plans in a folder nobody else uses): `notice` is told which folder it is.
 */
export function resolveWorkspace(
  opt: string | undefined,
  cwd = process.cwd(),
  notice: (line: string) => void = printErr,
): string {
  if (opt) return path.resolve(cwd, opt);
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (top) return top;
  } catch {
    /* not a git checkout */
  }
  notice(t('notGitRepo', { cwd }));
  return cwd;
}

/** Builds the core for a command, from the global options of the program it belongs to. */
export function coreFor(cmd: Command): Core {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const level: LogLevel = g.verbose ? 'debug' : 'warn';
  const root = resolveWorkspace(g.workspace);
  const { config, file, issues } = configFor(root);
  for (const i of issues) printErr(t('configWarning', { file, issue: formatIssue(i) }));
  return createCore({ workspaceRoot: root, config, logSink: streamSink((l) => process.stderr.write(l), level) });
}

/**
 * A path argument as a person means it: relative to the current folder when that is inside the workspace
 * (`cd src && fmes lock acquire a.ts`), else relative to the workspace root.
 */
export function pathArg(core: Core, p: string, cwd = process.cwd()): string {
  if (path.isAbsolute(p)) return p;
  for (const root of [core.paths.root, core.paths.realRoot]) {
    const rel = path.relative(root, cwd);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.resolve(cwd, p);
  }
  return p;
}

/** How to start dist/hook.cjs, which sits beside dist/cli.mjs (argv[1] may be npm's bin symlink); undefined when absent. */
export function hookOf(): { script: string; node: string } | undefined {
  const script = path.join(path.dirname(fs.realpathSync(process.argv[1] ?? '.')), 'hook.cjs');
  return fs.existsSync(script) ? { script, node: process.execPath } : undefined;
}

export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(t('secondsExpected', { value: JSON.stringify(value) }));
  return n;
}

export function print(line: string): void {
  process.stdout.write(line + '\n');
}

export function printErr(line: string): void {
  process.stderr.write(line + '\n');
}
