import * as path from 'node:path';
import type { Holder } from '../locks/holders';
import { writtenPaths } from './bashWrites';
import { checkCommand, type CheckContext, type DenyRule } from './denyList';
import { agentMatches, ownersOf } from './ownership';
import { logicalPath } from './workspaceOf';

/** The part of Claude Code's PreToolUse hook input F-MES reads (one JSON object on stdin). */
export interface ToolCall {
  tool_name: string;
  tool_input: Record<string, unknown>;
  cwd?: string;
  session_id?: string;
  tool_use_id?: string;
}

export type HookDecision = { decision: 'allow'; reason?: undefined } | { decision: 'deny' | 'ask'; reason: string; ruleId?: string };

export interface PreToolUseDeps {
  agent: string;
  /** The main workspace (never a worktree). */
  root: string;
  /** Locks at or above a logical path held by someone other than `agent`. */
  blockersFor(logical: string): Holder[];
  /** Whether any agent other than `agent` holds any lock (decides what an unreadable Bash write means). */
  othersHoldLocks(): boolean;
  rules: readonly DenyRule[];
  /** Workspace and home folders, for rules about deleting them (and `~` in paths). */
  context?: CheckContext;
  ownership: Readonly<Record<string, readonly string[]>>;
}

/** Tools that write the file named in their input, and the field that names it. */
const FILE_TOOLS: Readonly<Record<string, string>> = { Write: 'file_path', Edit: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };

function holderText(h: Holder): string {
  const who = h.kind === 'lock' ? h.record.agent : h.kind === 'marker' ? (h.agent ?? 'an unknown agent') : 'an invalid lock file';
  const intent = h.kind === 'lock' && h.record.intent ? ` (${h.record.intent})` : '';
  return `${h.path ?? '?'} is locked by ${who}${intent}`;
}

/**
 * Decides one tool call: deny writes to paths another agent holds (in this checkout or in any shadow
 * worktree: locks name logical paths), writes into folders this agent does not own, and shell commands on
 * the deny list; ask where a command's effect cannot be read while others hold locks; allow the rest.
 */
export function decidePreToolUse(call: ToolCall, deps: PreToolUseDeps): HookDecision {
  const cwd = call.cwd ?? deps.root;
  const field = FILE_TOOLS[call.tool_name];
  if (field) {
    const file = call.tool_input[field];
    if (typeof file !== 'string' || file === '') return { decision: 'allow' };
    return checkWrite([resolvePath(cwd, file, deps.context?.home)], deps, call.tool_name);
  }
  if (call.tool_name === 'Bash') {
    const command = call.tool_input.command;
    if (typeof command !== 'string') return { decision: 'allow' };
    const verdict = checkCommand(command, deps.rules, deps.context);
    if (verdict.decision !== 'allow') return { decision: verdict.decision, reason: `${verdict.reason} (rule ${verdict.ruleId}: ${verdict.command})`, ruleId: verdict.ruleId };
    const writes = writtenPaths(command);
    const onPaths = checkWrite(writes.paths.map((p) => resolvePath(cwd, p, deps.context?.home)), deps, 'Bash');
    if (onPaths.decision !== 'allow') return onPaths;
    if (writes.unknown && deps.othersHoldLocks()) {
      return { decision: 'ask', reason: `F-MES cannot tell which files this command writes, and other agents hold locks: ${command.slice(0, 200)}` };
    }
  }
  return { decision: 'allow' };
}

/** A path as the shell would take it: `~` is the home folder, relative paths start at the tool's cwd. */
function resolvePath(cwd: string, p: string, home: string | undefined): string {
  if (home && (p === '~' || p.startsWith('~/'))) return path.join(home, p.slice(1));
  return path.resolve(cwd, p);
}

function checkWrite(files: readonly string[], deps: PreToolUseDeps, tool: string): HookDecision {
  for (const abs of files) {
    const logical = logicalPath(abs, deps.root);
    if (logical === undefined) continue; // outside the workspace: not F-MES's to guard
    const owned = ownersOf(logical, deps.ownership);
    if (owned && !owned.owners.some((o) => agentMatches(o, deps.agent))) {
      const who = owned.owners.length ? `only ${owned.owners.join(', ')} may write there` : 'no agent writes there directly (use fmes)';
      return { decision: 'deny', reason: `${tool} on ${logical}: ${owned.folder} is owned; ${who}.` };
    }
    let blockers: Holder[];
    try {
      blockers = deps.blockersFor(logical);
    } catch {
      continue; // a path F-MES refuses to name (symlink escape, reserved): not a lockable path
    }
    if (blockers.length) {
      return { decision: 'deny', reason: `${tool} on ${logical} denied by F-MES: ${blockers.map(holderText).join('; ')}. Wait for the lock (fmes lock acquire ${logical} --wait …) or work on something else.` };
    }
  }
  return { decision: 'allow' };
}
