import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeOs } from '../nodeOs';
import { Redactor } from '../safety/redact';
import { systemClock } from '../clock';
import { HolderReader, type Holder } from '../locks/holders';
import { LOCK_DIR, LockView, sameAgent, type HolderStatus } from '../locks/lockView';
import { backendSpecOf, LockBackendError } from '../locks/backendSpec';
import { NeedsRemoteLocks, remoteHolders } from '../locks/remoteStatus';
import { hostName } from '../locks/liveness';
import { WorkspacePaths } from '../paths/workspacePath';
import { decidePreToolUse, type HookDecision, type ToolCall } from '../safety/preToolUse';
import { gitAliasReader } from '../safety/gitAliases';
import { WorkspaceLocator, mainWorkspaceOf } from '../safety/workspaceOf';
import { auditCall, deliver as deliverWebhook } from './hookAudit';
import { approvalGate } from './hookApproval';
import { hookEventOf, type HookCli, type HookEvent } from './hookEvents';
import { readHookSettings, type HookSettings } from './hookSettings';

/**
 * The agent CLIs' tool hooks (Claude Code PreToolUse/PostToolUse/PostToolUseFailure, Gemini CLI
 * BeforeTool/AfterTool, Codex PreToolUse/PostToolUse), kept to what one tool call needs: the agent CLI starts
 * this process for every tool call, so its start-up time is every agent's latency. What a common call needs
 * loads with the module and builds no zod schema; settings files, approvals, the webhook's child process and
 * invalid lock files load what they need when they occur (bench/hook.mjs measures it).
 *
 *   hook.cjs pre-tool-use  [--cli claude|gemini|codex] [--agent <id>] [--workspace <dir>]   exit 2 + stderr = deny
 *   hook.cjs post-tool-use | post-tool-use-failure [same flags]                             appends the audit record
 *
 * Fail closed: every CLI runs the tool when a PreToolUse hook crashes, hangs or answers in a form it does not
 * know. So any error, any input this hook cannot read, and any decision that runs past its time budget ends as a
 * denial (exit 2 with the reason on stderr, the one form all three CLIs honour), never as an allow.
 */
export interface HookIo {
  stdin: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The script to re-run for background webhook delivery. */
  self: string;
}

export interface HookResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const deliver = deliverWebhook;

interface Args {
  event: string;
  cli?: string;
  agent?: string;
  workspace?: string;
}

/** Wall time a decision may take: well inside every CLI's hook timeout (F-MES gives 30 s; Gemini's default is 60 s). */
const DEFAULT_BUDGET_MS = 5_000;
/** Hook input larger than this is not read: no tool call F-MES guards needs it. */
const MAX_INPUT = 64 * 1024 * 1024;

function parseArgs(argv: readonly string[]): Args {
  const out: Args = { event: argv[0] ?? '' };
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--agent') out.agent = argv[++i];
    else if (argv[i] === '--workspace') out.workspace = argv[++i];
    else if (argv[i] === '--cli') out.cli = argv[++i];
  }
  return out;
}

export interface HookContext {
  cli: HookCli;
  event: HookEvent;
  agent: string;
  root: string;
  settings: HookSettings;
  call: ToolCall & Record<string, unknown>;
  /** Built on first use: a call that is allowed and not audited never needs it. */
  readonly redactor: Redactor;
  /** The agent's home folder (its HOME), for `~` and rules about deleting it. */
  home: string;
  io: HookIo;
}

function deny(reason: string): HookResult {
  return { exitCode: 2, stdout: '', stderr: `${reason.replace(/\s+$/, '')}\n` };
}

/**
 * The hook's answer: a promise only when a write must be checked against a Redis lock backend (one round
 * trip); with the file backend it is synchronous, as always. dist/hook.cjs and `fmes hook` call this.
 */
export function answerHook(argv: readonly string[], io: HookIo): HookResult | Promise<HookResult> {
  return runHookWith(argv, io, true);
}

/** The synchronous hook: with a Redis lock backend a write it would have to check there is denied. */
export function runHook(argv: readonly string[], io: HookIo): HookResult {
  return runHookWith(argv, io, false) as HookResult;
}

function runHookWith(argv: readonly string[], io: HookIo, remoteOk: boolean): HookResult | Promise<HookResult> {
  const args = parseArgs(argv);
  const budget = Number(io.env.FMES_HOOK_BUDGET_MS);
  const deadline =
    Date.now() + (Number.isFinite(budget) && budget > 0 && budget <= 20_000 ? budget : DEFAULT_BUDGET_MS);
  let pre = args.event === 'pre-tool-use';
  try {
    if (!['pre-tool-use', 'post-tool-use', 'post-tool-use-failure'].includes(args.event)) {
      return deny(
        `fmes hook: unknown event ${JSON.stringify(args.event)} (pre-tool-use | post-tool-use | post-tool-use-failure)`,
      );
    }
    if (io.stdin.length > MAX_INPUT)
      throw new UnreadableInput(`the hook input is larger than ${MAX_INPUT / 1024 / 1024} MiB`);
    const c = context(args, io);
    pre = c.event === 'pre';
    if (!pre) {
      auditCall(c);
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    try {
      return decideInTime(c, deadline);
    } catch (e) {
      if (e instanceof NeedsRemoteLocks && remoteOk) return decideWithRemote(c, e, deadline);
      throw e;
    }
  } catch (e) {
    if (!pre) return { exitCode: 0, stdout: '', stderr: `fmes hook: the call was not audited: ${describe(e)}\n` };
    // A lock backend that cannot be used (a bad or unconfirmed locks.backend): writes are denied, and why.
    if (LockBackendError.is(e))
      return deny(
        `F-MES could not check the locks, so this write is denied: ${e.message.replace(/ Nothing was locked\.$/, '')}`,
      );
    return deny(
      `F-MES could not check this call (${describe(e)}), so it is denied. Try a simpler form of the same step.`,
    );
  }
}

function decideInTime(c: HookContext, deadline: number, remote?: HolderStatus[]): HookResult {
  const r = decide(c, deadline, remote);
  if (Date.now() > deadline && r.exitCode !== 2)
    return deny('F-MES could not decide on this call within its time budget, so it is denied.');
  return r;
}

/** Fetches the holders from the Redis backend, then decides again with them; fails closed if it cannot. */
async function decideWithRemote(c: HookContext, need: NeedsRemoteLocks, deadline: number): Promise<HookResult> {
  let remote: HolderStatus[];
  try {
    remote = await remoteHolders(c.root, need.spec, c.settings.locksBackend, c.io.env, deadline);
  } catch (e) {
    const why = LockBackendError.is(e) ? e.message.replace(/ Nothing was locked\.$/, '') : describe(e);
    return deny(
      `F-MES could not check the locks, so this write is denied: ${why}. It is allowed again once the lock server answers.`,
    );
  }
  try {
    return decideInTime(c, deadline, remote);
  } catch (e) {
    return deny(
      `F-MES could not check this call (${describe(e)}), so it is denied. Try a simpler form of the same step.`,
    );
  }
}

class UnreadableInput extends Error {}

function describe(e: unknown): string {
  if (e instanceof UnreadableInput) return e.message;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the input is nested too deeply to check';
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`.slice(0, 500);
  return String(e).slice(0, 500);
}

function context(args: Args, io: HookIo): HookContext {
  let v: unknown;
  try {
    v = JSON.parse(io.stdin);
  } catch (e) {
    throw new UnreadableInput(`the hook input is not JSON (${(e as Error).message.slice(0, 120)})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UnreadableInput('the hook input is not a JSON object');
  const call = v as HookContext['call'];
  if (typeof call.tool_name !== 'string' || call.tool_name === '')
    throw new UnreadableInput('the hook input has no tool_name string');
  if (call.cwd !== undefined && (typeof call.cwd !== 'string' || call.cwd === '' || !path.isAbsolute(call.cwd)))
    throw new UnreadableInput('the hook input has a cwd that is not an absolute path');
  const { cli, event } = hookEventOf(args.event, args.cli, call);
  // The agent: --agent (written into the session's settings by F-MES), else FMES_AGENT (every run F-MES starts
  // sets it), else the CLI's name.
  const agent = args.agent || io.env.FMES_AGENT || cli;
  const given =
    args.workspace ||
    io.env.FMES_WORKSPACE ||
    io.env.CLAUDE_PROJECT_DIR ||
    io.env.GEMINI_PROJECT_DIR ||
    call.cwd ||
    process.cwd();
  const real = fs.realpathSync.native(path.resolve(given));
  const main = mainWorkspaceOf(real);
  // A real path's prefix can still go through a link only when it was cut (a worktree's main workspace).
  const root = main === real ? real : fs.realpathSync.native(main);
  let redactor: Redactor | undefined;
  return {
    cli,
    event,
    agent,
    root,
    settings: readHookSettings(root),
    call,
    get redactor() {
      return (redactor ??= new Redactor(io.env));
    },
    home: io.env.HOME || nodeOs().homedir(),
    io,
  };
}

function decide(c: HookContext, deadline: number, remote?: HolderStatus[]): HookResult {
  let d = preToolUse(c, deadline, remote);
  if (d.decision === 'allow') return { exitCode: 0, stdout: '', stderr: '' };
  // Nobody is there to answer an "ask" in a headless run F-MES started: the approval gate takes it.
  if (d.decision === 'ask' && c.io.env.FMES_RUN_ID) d = approvalGate(c, d.reason, d.ruleId);
  if (d.decision === 'allow') {
    auditCall(c, { outcome: 'ok', reason: 'approved by a person' });
    // A person approved exactly this call: Claude's own permission rules (a default allowedTools list) must not
    // refuse it after all, so the hook answers "allow" rather than staying silent.
    if (c.cli !== 'claude') return { exitCode: 0, stdout: '', stderr: '' };
    const allow = {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'allow',
        permissionDecisionReason: 'approved by a person through F-MES',
      },
    };
    return { exitCode: 0, stdout: JSON.stringify(allow), stderr: '' };
  }
  const reason = c.redactor.redact(d.reason);
  auditCall(c, { outcome: d.decision === 'deny' ? 'denied' : 'asked', reason });
  if (d.decision === 'deny') return deny(reason);
  // Only Claude Code can put a question to the person from a hook; Gemini and Codex cannot, so there an
  // unanswerable question is a denial that says what the person can do.
  if (c.cli !== 'claude') return deny(`${reason}. This needs a person: ask them to run it, or to approve it.`);
  const ask = {
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: reason },
  };
  return { exitCode: 0, stdout: JSON.stringify(ask), stderr: '' };
}

function preToolUse(c: HookContext, deadline: number, remote?: HolderStatus[]): HookDecision {
  const paths = new WorkspacePaths(c.root);
  const reader = new HolderReader(paths, path.join(c.root, LOCK_DIR));
  const locks = new LockView(paths, reader, {
    host: hostName,
    clock: systemClock,
    invalidGraceMs: c.settings.invalidGraceMs,
  });
  const locator = new WorkspaceLocator(c.root);
  let others: Holder[] | undefined;
  const othersHolders = (): Holder[] => {
    if (others) return others;
    const spec = remote ? undefined : backendSpecOf(c.settings.locksBackend?.backend, c.io.env);
    if (spec?.kind === 'redis') throw new NeedsRemoteLocks(spec);
    others = (remote ?? locks.unsorted())
      .filter((s) => !s.staleness.stale && !sameAgent(s.holder, c.agent))
      .map((s) => s.holder);
    // `.agent_lock` markers count only in the folders above a path (finding every marker walks the tree).
    for (const h of others) if (h.path !== undefined) locator.addAnchor(h.path);
    return others;
  };
  return decidePreToolUse(c.call, {
    agent: c.agent,
    root: c.root,
    locator,
    othersHolders,
    markersAbove: (logical) => reader.markersIn(markerDirs(c.root, logical)).filter((h) => !sameAgent(h, c.agent)),
    rules: c.settings.rules,
    context: { workspaceRoot: c.root, home: c.home, gitAlias: gitAliasReader(c.root, c.io.env) },
    realHome: realOrSelf(c.home),
    guardedDirs: [c.io.env.XDG_STATE_HOME, c.io.env.FMES_STATE_DIR]
      .filter((d): d is string => !!d && path.isAbsolute(d))
      .map((d) => realOrSelf(path.join(d, d === c.io.env.FMES_STATE_DIR ? '' : 'fmes'))),
    ownership: c.settings.ownership,
    deadline,
  });
}

/**
 * The folders at and above a logical path (the path itself when it is one), absolute, where an `.agent_lock`
 * marker would cover it. Below the first that is not a folder none is: the walk stops there. (Joining and
 * stat'ing every prefix of a path of 20,000 parts, `echo x > a/a/…/b`, took the hook 70 s and 4 GB.)
 */
function markerDirs(root: string, logical: string): string[] {
  const out: string[] = [];
  const parts = logical === '.' ? [] : logical.split('/');
  let dir = root;
  for (let i = 0; i <= parts.length; i++) {
    if (i > 0) dir = path.join(dir, parts[i - 1]);
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) break;
    out.push(dir);
  }
  return out;
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}
