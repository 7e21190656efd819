import * as fs from 'node:fs';
import * as path from 'node:path';
import { redactInline, type Redactor } from './redact';
import { isErrnoException } from '../errors';

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
  /**
   * ok: ran; error / failed: ran and failed (failed carries `exitCode` when the CLI tells it); denied / asked: stopped
   * by F-MES; refused: stopped by the agent CLI's own permission system.
   */
  outcome: 'ok' | 'error' | 'failed' | 'denied' | 'asked' | 'refused';
  /** Why it was denied, asked or refused, or the error. */
  reason?: string;
  /** The exit code of a failed shell command, where the CLI reports it. */
  exitCode?: number;
  /** The agent CLI that made the call (claude, gemini, codex). */
  cli?: string;
  durationMs?: number;
  /** Set when the call ran in a shadow worktree or elsewhere than the workspace root. */
  cwd?: string;
}

function clip(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Redacts, then clips: no more than 8× the clip is looked at, so a huge command costs the hook nothing. */
function clipRedacted(s: string, redact: (text: string) => string): string {
  return clip(redact(s.length > 4_000 ? s.slice(0, 4_000) : s));
}

/**
 * A one-line summary of a tool's input: the command, the path, the pattern; sizes instead of contents.
 * Redacted before it is clipped (`redact`, by default the inline-credential patterns; pass the run's
 * Redactor to catch its environment's values too): a secret cut at the clip would no longer match.
 */
export function summarizeInput(
  tool: string,
  input: Record<string, unknown>,
  redact: (text: string) => string = redactInline,
): string {
  const str = (k: string) => (typeof input[k] === 'string' ? input[k] : undefined);
  if (tool === 'Bash') return clipRedacted(str('command') ?? '', redact);
  const file = str('file_path') ?? str('notebook_path') ?? str('path');
  if (file !== undefined) {
    const size =
      str('content')?.length ??
      str('new_string')?.length ??
      (Array.isArray(input.edits) ? input.edits.length : undefined);
    return redact(size !== undefined ? `${file} (${tool === 'MultiEdit' ? `${size} edits` : `${size} chars`})` : file);
  }
  for (const k of ['pattern', 'url', 'query', 'prompt', 'description'])
    if (str(k) !== undefined) return clipRedacted(`${k}: ${str(k)!}`, redact);
  const keys = Object.keys(input);
  return keys.length ? `{${keys.join(', ')}}` : '';
}

/**
 * Appends one record (one `write` on an O_APPEND file: concurrent agents never interleave lines). Secrets in
 * the summary and the reason are redacted first.
 */
export function appendAudit(root: string, record: AuditRecord, redactor: Redactor): string {
  const file = path.join(root, AUDIT_DIR, `${localDay(Date.parse(record.ts))}.jsonl`);
  const clean: AuditRecord = {
    ...record,
    input: redactor.redact(record.input),
    reason: record.reason === undefined ? undefined : redactor.redact(record.reason),
  };
  appendLine(file, `${JSON.stringify(clean)}\n`);
  return file;
}

/**
 * Appends one line (O_APPEND, one write for a regular file), creating the folder only when it is missing: what
 * appendFileSync with a mkdir before it did, with the calls the hook has made already (their first run compiles
 * code of Node's, bench/hook.mjs).
 */
function appendLine(file: string, line: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'a');
  } catch (e) {
    if (!isErrnoException(e, 'ENOENT')) throw e;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fd = fs.openSync(file, 'a');
  }
  try {
    const buf = Buffer.from(line);
    for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off);
  } finally {
    fs.closeSync(fd);
  }
}

/** The webhook body: Slack-compatible (`text`), with the record attached for other consumers. */
export function webhookPayload(record: AuditRecord): { text: string; record: AuditRecord } {
  // Inline credentials leave neither the input nor the reason (a denial may quote the command).
  const r: AuditRecord = {
    ...record,
    input: redactInline(record.input),
    reason: record.reason === undefined ? undefined : redactInline(record.reason),
  };
  const icon = r.outcome === 'denied' ? '⛔' : r.outcome === 'asked' ? '❓' : r.outcome === 'error' ? '✘' : '✔';
  return { text: `${icon} ${r.agent} ${r.tool} ${r.input}${r.reason ? ` — ${r.reason}` : ''}`, record: r };
}

/** The local calendar day of an instant, as used in audit and cost log file names (costLedger.ts re-exports it). */
export function localDay(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
