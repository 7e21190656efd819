import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redactor } from '../core/agents/redact';
import { systemClock } from '../core/clock';
import { HolderReader } from '../core/locks/holders';
import { LOCK_DIR, LockView } from '../core/locks/lockView';
import { hostName } from '../core/locks/liveness';
import { WorkspacePaths } from '../core/paths/workspacePath';
import type * as Approvals from '../core/safety/approvals';
import { appendAudit, summarizeInput, webhookPayload, type AuditRecord } from '../core/safety/audit';
import { decidePreToolUse, type HookDecision, type ToolCall } from '../core/safety/preToolUse';
import { mainWorkspaceOf } from '../core/safety/workspaceOf';
import { readHookSettings, type HookSettings } from './hookSettings';

/**
 * The Claude Code hooks, kept to what one tool call needs: the agent CLI starts this process for every tool
 * call, so its start-up time is every agent's latency. What a common call needs loads with the module and
 * builds no zod schema; settings files, approvals, the webhook's child process and invalid lock files load
 * what they need when they occur (bench/hook.mjs measures it).
 *
 *   hook.cjs pre-tool-use  [--agent <id>] [--workspace <dir>]   stdin: the hook input; exit 2 + stderr = deny
 *   hook.cjs post-tool-use [--agent <id>] [--workspace <dir>]   appends the audit record
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

interface Args {
  event: string;
  agent?: string;
  workspace?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const out: Args = { event: argv[0] ?? '' };
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--agent') out.agent = argv[++i];
    else if (argv[i] === '--workspace') out.workspace = argv[++i];
  }
  return out;
}

interface Context {
  agent: string;
  root: string;
  settings: HookSettings;
  call: ToolCall & { duration_ms?: number; tool_response?: unknown };
  /** Built on first use: a call that is allowed and not audited never needs it. */
  readonly redactor: Redactor;
  /** The agent's home folder (its HOME), for `~` and rules about deleting it. */
  home: string;
}

function context(args: Args, io: HookIo): Context | string {
  let call: Context['call'];
  try {
    const v = JSON.parse(io.stdin) as unknown;
    if (!v || typeof v !== 'object' || typeof (v as ToolCall).tool_name !== 'string') return 'the hook input has no tool_name';
    call = v as Context['call'];
    if (!call.tool_input || typeof call.tool_input !== 'object') call.tool_input = {};
  } catch (e) {
    return `the hook input is not JSON (${(e as Error).message})`;
  }
  // The agent: --agent (written into the session's settings by F-MES), else FMES_AGENT.
  const agent = args.agent || io.env.FMES_AGENT || 'unknown';
  const root = mainWorkspaceOf(args.workspace || io.env.FMES_WORKSPACE || io.env.CLAUDE_PROJECT_DIR || call.cwd || process.cwd());
  let redactor: Redactor | undefined;
  return {
    agent,
    root,
    settings: readHookSettings(root),
    call,
    get redactor() {
      return (redactor ??= new Redactor(io.env));
    },
    home: io.env.HOME || os.homedir(),
  };
}

function preToolUse(c: Context): HookDecision {
  const paths = new WorkspacePaths(c.root);
  const locks = new LockView(paths, new HolderReader(paths, path.join(c.root, LOCK_DIR)), { host: hostName(), clock: systemClock, invalidGraceMs: c.settings.invalidGraceMs });
  const live = (hs: ReturnType<LockView['blockersFor']>) => hs.filter((h) => !locks.staleness(h).stale);
  return decidePreToolUse(c.call, {
    agent: c.agent,
    root: c.root,
    blockersFor: (p) => live(locks.blockersFor(p, c.agent)),
    othersHoldLocks: () => live(locks.status().map((s) => s.holder)).some((h) => h.kind !== 'lock' || h.record.agent !== c.agent),
    rules: c.settings.rules,
    context: { workspaceRoot: c.root, home: c.home },
    ownership: c.settings.ownership,
  });
}

function audit(c: Context, outcome: AuditRecord['outcome'], reason: string | undefined, io: HookIo): void {
  const record: AuditRecord = {
    ts: new Date().toISOString(),
    agent: c.agent,
    session: c.call.session_id,
    tool: c.call.tool_name,
    toolUseId: c.call.tool_use_id,
    input: summarizeInput(c.call.tool_name, c.call.tool_input),
    outcome,
    reason,
    durationMs: typeof c.call.duration_ms === 'number' ? c.call.duration_ms : undefined,
    cwd: c.call.cwd && path.resolve(c.call.cwd) !== c.root ? c.call.cwd : undefined,
  };
  try {
    appendAudit(c.root, record, c.redactor);
  } catch {
    // The audit must never take a tool call down with it.
  }
  if (c.settings.auditWebhook) deliverInBackground(c.settings.auditWebhook, webhookPayload({ ...record, input: c.redactor.redact(record.input) }), io.self);
}

/** Hands the webhook post to a detached process: the agent never waits for the network. */
function deliverInBackground(url: string, payload: unknown, self: string): void {
  try {
    const file = path.join(os.tmpdir(), `fmes-webhook-${process.pid}-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify({ url, payload }), { mode: 0o600 });
    // node:child_process (with net and streams) loads only here: most workspaces have no webhook.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load
    const { spawn } = require('node:child_process') as typeof ChildProcess;
    spawn(process.execPath, [self, 'deliver', file], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // Best effort by design.
  }
}

/** Posts a queued webhook payload: 3 s timeout per try, 3 tries with back-off; then gives up quietly. */
export async function deliver(file: string): Promise<void> {
  let job: { url: string; payload: unknown };
  try {
    job = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof job;
  } finally {
    fs.rmSync(file, { force: true });
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(job.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job.payload), signal: AbortSignal.timeout(3000) });
      if (res.ok) return;
    } catch {
      // Retry below.
    }
    await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
  }
}

function approvalGate(c: Context, reason: string, ruleId: string | undefined, env: HookIo['env']): HookDecision {
  // Approvals (a zod schema, node:crypto) only matter for an `ask` in a headless run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load
  const { ApprovalStore } = require('../core/safety/approvals') as typeof Approvals;
  const store = new ApprovalStore(c.root);
  const seen = store.find(c.agent, c.call.tool_name, c.call.tool_input);
  if (seen?.status === 'approved') {
    store.use(seen);
    return { decision: 'allow' };
  }
  if (seen?.status === 'rejected') return { decision: 'deny', reason: `${reason}. A person rejected this call (approval ${seen.id}${seen.decidedBy ? ` by ${seen.decidedBy}` : ''}${seen.note ? `: ${seen.note}` : ''}); do not try it again.` };
  const a =
    seen ??
    store.request({
      agent: c.agent,
      session: c.call.session_id,
      taskId: env.FMES_TASK,
      runId: env.FMES_RUN_ID,
      tool: c.call.tool_name,
      toolInput: c.call.tool_input,
      summary: c.redactor.redact(summarizeInput(c.call.tool_name, c.call.tool_input)),
      reason: c.redactor.redact(reason),
      ruleId,
    });
  return {
    decision: 'deny',
    reason: `${reason}. This needs a person's approval: F-MES recorded request ${a.id} (fmes approve ${a.id}). Do not work around it; finish what you can without it and say in your report that approval ${a.id} is pending.`,
  };
}

export function runHook(argv: readonly string[], io: HookIo): HookResult {
  const args = parseArgs(argv);
  if (args.event !== 'pre-tool-use' && args.event !== 'post-tool-use') {
    return { exitCode: 2, stdout: '', stderr: `fmes hook: unknown event ${JSON.stringify(args.event)} (pre-tool-use | post-tool-use)\n` };
  }
  const c = context(args, io);
  if (typeof c === 'string') {
    // Unreadable input: never silently allow a write; let the person decide.
    const ask = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: `F-MES: ${c}` } };
    return args.event === 'pre-tool-use' ? { exitCode: 0, stdout: JSON.stringify(ask), stderr: '' } : { exitCode: 1, stdout: '', stderr: `fmes hook: ${c}\n` };
  }
  if (args.event === 'post-tool-use') {
    const r = c.call.tool_response as { is_error?: unknown; error?: unknown; interrupted?: unknown } | undefined;
    const failed = !!r && typeof r === 'object' && (r.is_error === true || (typeof r.error === 'string' && r.error !== '') || r.interrupted === true);
    audit(c, failed ? 'error' : 'ok', failed && typeof r.error === 'string' ? r.error : undefined, io);
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  let d = preToolUse(c);
  if (d.decision === 'allow') return { exitCode: 0, stdout: '', stderr: '' };
  // Nobody is there to answer an "ask" in a headless run F-MES started: the approval gate takes it.
  if (d.decision === 'ask' && io.env.FMES_RUN_ID) d = approvalGate(c, d.reason, d.ruleId, io.env);
  if (d.decision === 'allow') {
    audit(c, 'ok', 'approved by a person', io);
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  const reason = c.redactor.redact(d.reason);
  audit(c, d.decision === 'deny' ? 'denied' : 'asked', reason, io);
  if (d.decision === 'deny') return { exitCode: 2, stdout: '', stderr: `${reason}\n` };
  const ask = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: reason } };
  return { exitCode: 0, stdout: JSON.stringify(ask), stderr: '' };
}
