import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeOs } from '../nodeOs';
import { appendAudit, summarizeInput, webhookPayload, type AuditRecord } from '../safety/audit';
import { toolEffect } from '../safety/toolCalls';
import type { HookContext } from './runHook';
import { brokerCall } from '../broker/client';
import { brokerOf } from '../broker/protocol';
import type { Redactor } from '../safety/redact';

/**
 * A one-line summary of any CLI's tool call: the command, the files written, else audit.ts's summary. Redacted
 * before it is clipped, so a secret cut at the clip cannot leak in part.
 */
export function summarizeCall(tool: string, input: unknown, redact: (s: string) => string): string {
  const i = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const e = toolEffect(tool, i);
  if (e.kind === 'shell') return clip(redact(e.command));
  if (e.kind === 'write' && (tool === 'apply_patch' || tool === 'write_file' || tool === 'replace')) {
    const size =
      typeof i.content === 'string'
        ? ` (${i.content.length} chars)`
        : typeof i.new_string === 'string'
          ? ` (${i.new_string.length} chars)`
          : '';
    return clip(redact(e.paths.join(', ')) + size);
  }
  return summarizeInput(tool, i, redact);
}

function clip(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** How a finished call went, from what each CLI tells its after-tool hook. */
export function outcomeOf(c: HookContext): Pick<AuditRecord, 'outcome' | 'reason' | 'exitCode'> {
  const call = c.call;
  if (c.event === 'failure') {
    // Claude Code's PostToolUseFailure: `error` (text), `is_interrupt`.
    const error =
      typeof call.error === 'string'
        ? call.error
        : typeof call.error === 'object' && call.error
          ? JSON.stringify(call.error)
          : 'the tool call failed';
    if (call.is_interrupt === true) return { outcome: 'error', reason: `interrupted: ${clip(error, 300)}` };
    return { outcome: 'failed', reason: clip(error, 300), exitCode: exitCodeIn(error, /exit code:?\s*(-?\d+)/i) };
  }
  const r = call.tool_response;
  if (c.cli === 'gemini' && r && typeof r === 'object') {
    // Gemini's AfterTool: `error: {message, type}` for failed calls; a shell call's text holds `Exit Code: N`.
    const o = r as { error?: { message?: unknown } | string; llmContent?: unknown };
    if (o.error)
      return {
        outcome: 'failed',
        reason: clip(
          typeof o.error === 'string' ? o.error : typeof o.error.message === 'string' ? o.error.message : 'failed',
          300,
        ),
      };
    const code = exitCodeIn(textOf(o.llmContent), /Exit Code:\s*(-?\d+)/);
    if (code !== undefined && code !== 0) return { outcome: 'failed', reason: `exit code ${code}`, exitCode: code };
    return { outcome: 'ok' };
  }
  if (c.cli === 'codex' && typeof r === 'string') {
    // Codex gives the output text only; apply_patch's says `Exit code: N` (a shell command's exit code comes to
    // the audit from the run's --json, see the runner).
    const code = exitCodeIn(r, /^Exit code:\s*(-?\d+)/m);
    if (code !== undefined && code !== 0) return { outcome: 'failed', reason: `exit code ${code}`, exitCode: code };
    return { outcome: 'ok' };
  }
  const o = r as { is_error?: unknown; error?: unknown; interrupted?: unknown } | undefined;
  const failed =
    !!o &&
    typeof o === 'object' &&
    (o.is_error === true || (typeof o.error === 'string' && o.error !== '') || o.interrupted === true);
  return failed
    ? { outcome: 'error', reason: typeof o.error === 'string' ? clip(o.error, 300) : undefined }
    : { outcome: 'ok' };
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function exitCodeIn(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Appends the audit record of a call (an after-tool event, or a pre-tool decision given as `decided`). */
export function auditCall(c: HookContext, decided?: Pick<AuditRecord, 'outcome' | 'reason'>): void {
  const o = decided ?? outcomeOf(c);
  const cwd = typeof c.call.cwd === 'string' ? c.call.cwd : undefined;
  const record: AuditRecord = {
    ts: new Date().toISOString(),
    agent: c.agent,
    cli: c.cli,
    session: typeof c.call.session_id === 'string' ? c.call.session_id : undefined,
    tool: c.call.tool_name,
    toolUseId: typeof c.call.tool_use_id === 'string' ? c.call.tool_use_id : undefined,
    input: summarizeCall(c.call.tool_name, c.call.tool_input, (t) => c.redactor.redact(t)),
    ...o,
    durationMs: typeof c.call.duration_ms === 'number' ? c.call.duration_ms : undefined,
    cwd: cwd && path.resolve(cwd) !== c.root ? cwd : undefined,
  };
  const broker = brokerOf(c.io.env);
  if (broker) auditViaBroker(broker, record, c.redactor);
  else
    try {
      appendAudit(c.root, record, c.redactor);
    } catch {
      // The audit must never take a tool call down with it.
    }
  if (c.settings.auditWebhook)
    deliverInBackground(
      c.settings.auditWebhook,
      webhookPayload({ ...record, input: c.redactor.redact(record.input) }),
      c.io.self,
    );
}

/**
 * Inside a run with a broker, the broker appends the record (`.fmes/audit/` is out of the run's reach) and
 * stamps the run's agent on it. Sent without waiting: the hook has answered by the time it lands, and the
 * process stays until the broker has it (or 2 s pass). An unreachable broker loses the record, as a full disk
 * would: the audit never takes a tool call down with it.
 */
function auditViaBroker(broker: { socket: string; token: string }, record: AuditRecord, redactor: Redactor): void {
  const { agent: _agent, ...rest } = record;
  const clean = {
    ...rest,
    input: redactor.redact(rest.input),
    reason: rest.reason === undefined ? undefined : redactor.redact(rest.reason),
  };
  const args = Object.fromEntries(Object.entries(clean).filter(([, v]) => v !== undefined));
  void brokerCall(broker, 'audit.append', { record: args }, 2_000).catch(() => undefined);
}

/** Hands the webhook post to a detached process: the agent never waits for the network. */
function deliverInBackground(url: string, payload: unknown, self: string): void {
  try {
    const file = path.join(nodeOs().tmpdir(), `fmes-webhook-${process.pid}-${Date.now()}.json`);
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
      const res = await fetch(job.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job.payload),
        signal: AbortSignal.timeout(3000),
      });
      if (res.ok) return;
    } catch {
      // Retry below.
    }
    await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
  }
}
