import * as fs from 'node:fs';
import * as path from 'node:path';
import { localDay } from '../cost/costLedger';
import type { Redactor } from '../agents/redact';

/** One JSONL file per local day: `.fmes/audit/<YYYY-MM-DD>.jsonl`. */
export const AUDIT_DIR = '.fmes/audit';

export interface AuditRecord {
  ts: string;
  agent: string;
  session?: string;
  tool: string;
  toolUseId?: string;
  /** What the call did, in one line, secrets redacted (a command, a file path; never file contents). */
  input: string;
  outcome: 'ok' | 'error' | 'denied' | 'asked';
  /** Why it was denied or asked, or the error. */
  reason?: string;
  durationMs?: number;
  /** Set when the call ran in a shadow worktree or elsewhere than the workspace root. */
  cwd?: string;
}

function clip(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A one-line summary of a tool's input: the command, the path, the pattern; sizes instead of contents. */
export function summarizeInput(tool: string, input: Record<string, unknown>): string {
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k]) : undefined);
  if (tool === 'Bash') return clip(str('command') ?? '');
  const file = str('file_path') ?? str('notebook_path') ?? str('path');
  if (file !== undefined) {
    const size = str('content')?.length ?? str('new_string')?.length ?? (Array.isArray(input.edits) ? input.edits.length : undefined);
    return size !== undefined ? `${file} (${tool === 'MultiEdit' ? `${size} edits` : `${size} chars`})` : file;
  }
  for (const k of ['pattern', 'url', 'query', 'prompt', 'description']) if (str(k) !== undefined) return clip(`${k}: ${str(k)!}`);
  const keys = Object.keys(input);
  return keys.length ? `{${keys.join(', ')}}` : '';
}

/**
 * Appends one record (one `write` on an O_APPEND file: concurrent agents never interleave lines). Secrets in
 * the summary and the reason are redacted first.
 */
export function appendAudit(root: string, record: AuditRecord, redactor: Redactor): string {
  const file = path.join(root, AUDIT_DIR, `${localDay(Date.parse(record.ts))}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const clean: AuditRecord = { ...record, input: redactor.redact(record.input), reason: record.reason === undefined ? undefined : redactor.redact(record.reason) };
  fs.appendFileSync(file, `${JSON.stringify(clean)}\n`);
  return file;
}

/** The webhook body: Slack-compatible (`text`), with the record attached for other consumers. */
export function webhookPayload(r: AuditRecord): { text: string; record: AuditRecord } {
  const icon = r.outcome === 'denied' ? '⛔' : r.outcome === 'asked' ? '❓' : r.outcome === 'error' ? '✘' : '✔';
  return { text: `${icon} ${r.agent} ${r.tool} ${r.input}${r.reason ? ` — ${r.reason}` : ''}`, record: r };
}
