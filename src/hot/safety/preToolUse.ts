import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Holder } from '../locks/holders';
import type { CheckContext, DenyRule } from './denyList';
import { agentMatches, ownersOf } from './ownership';
import { protectedAt, protectedBelow } from './protectedPaths';
import { resolveReal, type RealPath } from './realPath';
import { shellHalf } from './shellHalf';
import { toolEffect } from './toolCalls';
import type { WorkspaceLocator } from './workspaceOf';

/** The part of a PreToolUse (Claude, Codex) or BeforeTool (Gemini) hook input F-MES reads. */
export interface ToolCall {
  tool_name: string;
  tool_input: Record<string, unknown>;
  cwd?: string;
  session_id?: string;
  tool_use_id?: string;
}

export type HookDecision =
  { decision: 'allow'; reason?: undefined } | { decision: 'deny' | 'ask'; reason: string; ruleId?: string };

export interface PreToolUseDeps {
  agent: string;
  /** The main workspace (never a worktree), real path. */
  root: string;
  /** Maps resolved paths (also other names of the workspace) to logical paths. */
  locator: WorkspaceLocator;
  /** Live holders (locks, markers, lock files being written) of agents other than `agent`; read once, when needed. */
  othersHolders(): readonly Holder[];
  /** `.agent_lock` markers of other agents in the folders at and above a logical path. */
  markersAbove?(logical: string): readonly Holder[];
  /** The agent's home folder with symlinks resolved (its CLIs' user settings are guarded). */
  realHome?: string;
  /** Other folders outside the workspace that no agent may write (F-MES's per-user state), absolute and real. */
  guardedDirs?: readonly string[];
  /** The deny list; undefined: the default one. */
  rules?: readonly DenyRule[];
  /** Workspace and home folders, for rules about deleting them (and `~` in paths). */
  context?: CheckContext;
  ownership: Readonly<Record<string, readonly string[]>>;
  /** Date.now() past which the decision gives up (and the hook denies). */
  deadline?: number;
  /** The paths this decision resolved (realPath.ts ResolveContext.memo); decidePreToolUse makes one per call. */
  realPaths?: Map<string, RealPath>;
}

/** How a path is reached: a file a tool writes, an operand a known writer changes (moving or deleting a folder
 * takes what is inside along), or an operand of a program F-MES does not know (it may write it). */
export type Mode = 'file' | 'operand' | 'maybe';

/** Thrown when the decision runs past its deadline; the hook turns it into a denial. */
export class DecisionTimeoutError extends Error {
  readonly reason = 'time';
}

const ALLOW: HookDecision = { decision: 'allow' };

/**
 * Decides one tool call of any of the three CLIs: deny writes to F-MES's protected state and to paths another
 * agent holds (in this checkout or in any shadow worktree: locks name logical paths), writes into folders this
 * agent does not own, deny-listed commands and the F-MES commands an agent must not run; ask where a command's
 * effect cannot be read while it could matter; allow the rest. Every path is resolved as the kernel will resolve
 * it (see realPath.ts) before it is judged. Input that cannot be read is denied.
 */
export function decidePreToolUse(call: ToolCall, given: PreToolUseDeps): HookDecision {
  const deps: PreToolUseDeps = { ...given, realPaths: new Map() };
  const cwd = call.cwd ?? deps.root;
  const effect = toolEffect(call.tool_name, call.tool_input);
  switch (effect.kind) {
    case 'none':
      return ALLOW;
    case 'unreadable':
      return { decision: 'deny', reason: `F-MES cannot read this call (${effect.why}), so it is denied.` };
    case 'write':
      for (const p of effect.paths) {
        const d = checkPath(p, cwd, deps, call.tool_name, 'file');
        if (d.decision !== 'allow') return d;
      }
      return ALLOW;
    case 'shell':
      return shellHalf().decideShell(
        effect.command,
        effect.cwd === undefined ? cwd : path.resolve(cwd, effect.cwd),
        deps,
        call.tool_name,
        checkPath,
      );
  }
}

export type CheckPath = (raw: string, cwd: string, deps: PreToolUseDeps, tool: string, mode: Mode) => HookDecision;

function checkPath(raw: string, cwd: string, deps: PreToolUseDeps, tool: string, mode: Mode): HookDecision {
  if (deps.deadline !== undefined && Date.now() > deps.deadline)
    throw new DecisionTimeoutError('the decision took longer than its time budget');
  const r = resolveReal(raw, { cwd, home: deps.context?.home, memo: deps.realPaths });
  if (r.unresolved) {
    return { decision: 'ask', reason: `${tool} on ${raw}: F-MES cannot tell which file this is (${r.unresolved}).` };
  }
  const home = deps.realHome ?? deps.context?.home;
  if (home && isHomeGuard(r.abs, home))
    return {
      decision: 'deny',
      reason: `${tool} on ${raw} denied by F-MES: ${r.abs} holds an agent CLI's user settings (its hooks guard every session).`,
    };
  const guarded = deps.guardedDirs?.find((d) => r.abs === d || r.abs.startsWith(`${d}/`) || d.startsWith(`${r.abs}/`));
  if (guarded)
    return {
      decision: 'deny',
      reason: `${tool} on ${raw} denied by F-MES: ${guarded} holds F-MES's per-user state (a person's confirmations).`,
    };
  const logical = deps.locator.logical(r.abs);
  if (logical === undefined) return ALLOW; // outside the workspace: not F-MES's to guard
  const spelled = logical === raw ? logical : `${logical} (as ${raw})`;
  const prot = protectedAt(logical) ?? (mode === 'file' ? undefined : protectedBelow(logical));
  if (prot)
    return {
      decision: 'deny',
      reason: `${tool} on ${spelled} denied by F-MES: ${prot.path}${prot.folder ? '/' : ''} is protected (${prot.why}).`,
    };
  const owned = ownersOf(logical, deps.ownership);
  if (owned && !owned.owners.some((o) => agentMatches(o, deps.agent))) {
    const who = owned.owners.length
      ? `only ${owned.owners.join(', ')} may write there`
      : 'no agent writes there directly (use fmes)';
    return { decision: 'deny', reason: `${tool} on ${spelled}: ${owned.folder} is owned; ${who}.` };
  }
  const markers = deps.markersAbove?.(logical) ?? [];
  const holders = markers.length ? [...deps.othersHolders(), ...markers] : deps.othersHolders();
  if (holders.length === 0) return ALLOW;
  const blockers = holders.filter(
    (h) => h.path !== undefined && (covers(h.path, logical) || (mode !== 'file' && covers(logical, h.path))),
  );
  if (blockers.length) {
    const verb = mode === 'maybe' ? 'may write' : 'writes';
    return {
      decision: 'deny',
      reason: `${tool} ${verb} ${spelled}, denied by F-MES: ${blockers.map(holderText).join('; ')}. Wait for the lock (fmes lock acquire ${logical} --wait …) or work on something else.`,
    };
  }
  return hardLinkCheck(r.abs, spelled, holders, deps, tool);
}

/** `a` is `b` or a folder above it. */
function covers(a: string, b: string): boolean {
  return a === '.' || a === b || b.startsWith(`${a}/`);
}

/**
 * A file with several hard links can be a locked file under another name. A file lock is compared by inode;
 * a folder lock cannot be (its files are not listed), so then F-MES asks.
 */
function hardLinkCheck(
  abs: string,
  spelled: string,
  holders: readonly Holder[],
  deps: PreToolUseDeps,
  tool: string,
): HookDecision {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return ALLOW;
  }
  if (!st.isFile() || st.nlink < 2) return ALLOW;
  for (const h of holders) {
    if (h.path === undefined) continue;
    let hs: fs.Stats | undefined;
    try {
      hs = fs.statSync(path.join(deps.root, h.path));
    } catch {
      hs = undefined;
    }
    if (hs?.isFile() && hs.ino === st.ino && hs.dev === st.dev)
      return {
        decision: 'deny',
        reason: `${tool} on ${spelled} denied by F-MES: it is a hard link of ${holderText(h)}.`,
      };
    if (hs?.isDirectory() || h.path === '.')
      return {
        decision: 'ask',
        reason: `${tool} on ${spelled}: the file has ${st.nlink} names and F-MES cannot tell whether one of them lies in ${h.path}, which another agent holds.`,
      };
  }
  return ALLOW;
}

/**
 * The agent CLIs' user-level settings (each can switch hooks off for every later session) and F-MES's per-user
 * store of a person's confirmations of repository settings (src/core/safety/repoConfirmation.ts).
 */
const HOME_GUARDS = [
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.gemini/settings.json',
  '.codex/config.toml',
  '.codex/hooks.json',
  '.local/state/fmes',
];

function isHomeGuard(abs: string, home: string): boolean {
  const base = home.replace(/\/+$/, '');
  if (!abs.startsWith(`${base}/`)) return false;
  const rel = abs.slice(base.length + 1);
  return HOME_GUARDS.some((g) => rel === g || rel.startsWith(`${g}/`) || g.startsWith(`${rel}/`));
}

function holderText(h: Holder): string {
  const who =
    h.kind === 'lock' ? h.record.agent : h.kind === 'marker' ? (h.agent ?? 'an unknown agent') : 'an invalid lock file';
  const intent = h.kind === 'lock' && h.record.intent ? ` (${h.record.intent})` : '';
  return `${h.path ?? '?'} is locked by ${who}${intent}`;
}
