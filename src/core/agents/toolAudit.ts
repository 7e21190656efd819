import * as path from 'node:path';
import { appendAudit, summarizeInput, type AuditRecord } from '../../hot/safety/audit';
import type { Redactor } from '../../hot/safety/redact';
import type { AgentEvent, AgentKind, Denial } from './types';

/** What the runner records: calls F-MES's hook never sees end (the hook records everything else). */
export type RunnerAuditOutcome = 'refused' | 'failed';

export interface ToolAuditOptions {
  root: string;
  cli: AgentKind;
  agent: string;
  /** Where the agent works; recorded when it is not the workspace root. */
  cwd: string;
  session: () => string | undefined;
  redactor: Redactor;
  /** Reports a record that could not be written (the run goes on). */
  onError: (e: unknown) => void;
  now?: () => Date;
}

/**
 * Audit records for tool calls that F-MES's hook cannot record, taken from the CLI's own stream:
 * - calls the CLI's own permission system refused (Claude's permission rules, Gemini's policy engine or a tool
 *   its approval mode withholds): no PreToolUse hook decided them, no PostToolUse hook fires;
 * - Codex shell commands that exited non-zero: Codex's PostToolUse input carries no exit code.
 * Denials by a hook (F-MES's own, which records them) are left out, and each call is recorded once.
 */
export class ToolAudit {
  private readonly calls = new Map<string, { tool: string; input: unknown }>();
  private readonly done = new Set<string>();

  constructor(private readonly o: ToolAuditOptions) {}

  onEvent(e: AgentEvent): void {
    switch (e.type) {
      case 'toolUse':
        this.calls.set(e.id, { tool: e.tool, input: e.input });
        break;
      case 'denial':
        this.onDenial(e.denial);
        break;
      case 'toolResult':
        if (this.o.cli === 'codex' && e.exitCode !== undefined && e.exitCode !== 0) {
          const call = this.calls.get(e.id);
          this.record(e.id, { tool: 'Bash', input: call?.input }, 'failed', `exit code ${e.exitCode}`, e.exitCode);
        }
        break;
      case 'result':
        // Claude lists every refused call again in its result; one not seen as a tool_result is recorded here.
        for (const d of e.result.denials) this.onDenial(d);
        break;
      default:
        break;
    }
  }

  private onDenial(d: Denial): void {
    if (d.source === 'hook' || (d.source === undefined && /^PreToolUse:\S+ hook/.test(d.reason ?? ''))) {
      if (d.toolUseId) this.done.add(d.toolUseId);
      return;
    }
    // A denial the result repeats without saying who refused it: recorded only when no earlier event did.
    if (d.source === undefined && d.reason === undefined && d.toolUseId && this.done.has(d.toolUseId)) return;
    const why = d.reason ? `: ${oneLine(d.reason)}` : '';
    this.record(
      d.toolUseId,
      { tool: d.tool, input: d.input },
      'refused',
      `refused by ${this.o.cli}'s permissions${why}`,
    );
  }

  private record(
    id: string | undefined,
    call: { tool: string; input: unknown },
    outcome: RunnerAuditOutcome,
    reason: string,
    exitCode?: number,
  ): void {
    if (id !== undefined) {
      if (this.done.has(id)) return;
      this.done.add(id);
    }
    const record: AuditRecord = {
      ts: (this.o.now?.() ?? new Date()).toISOString(),
      agent: this.o.agent,
      session: this.o.session(),
      tool: call.tool,
      toolUseId: id,
      input: inputSummary(call.tool, call.input),
      outcome,
      reason,
      exitCode,
      cli: this.o.cli,
      cwd: path.resolve(this.o.cwd) !== path.resolve(this.o.root) ? this.o.cwd : undefined,
    };
    try {
      appendAudit(this.o.root, record, this.o.redactor);
    } catch (e) {
      this.o.onError(e);
    }
  }
}

/** The audit log's one-line input: the command for any shell tool (Codex's unwrapped from `bash -lc '…'`). */
export function inputSummary(tool: string, input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const o = input as Record<string, unknown>;
  if (typeof o.command === 'string') return clip(unwrapShell(o.command));
  return summarizeInput(tool, o);
}

/** `/bin/bash -lc 'cmd'` (how Codex reports a command) → `cmd`. */
export function unwrapShell(command: string): string {
  const m = /^(?:\/usr)?(?:\/bin\/)?(?:ba|z)?sh -l?c '((?:[^']|'\\'')*)'$/.exec(command);
  return m ? m[1].replace(/'\\''/g, "'") : command;
}

function oneLine(s: string): string {
  return clip(s.replace(/\s+/g, ' ').trim(), 300);
}

function clip(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
