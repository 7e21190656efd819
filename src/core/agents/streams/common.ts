import type { z } from 'zod';
import type { AgentEvent } from '../types';

/**
 * Turns an agent CLI's stdout, one line at a time, into AgentEvents. Stateful (turn counting, message
 * de-duplication), so one parser serves one process.
 */
export interface StreamParser {
  parseLine(line: string): AgentEvent[];
}

/** JSON.parse that reports instead of throwing: agent CLIs print banners and warnings among their JSON. */
export function parseJsonLine(line: string): { ok: true; value: unknown } | { ok: false; event: AgentEvent } {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { ok: false, event: { type: 'unknown', line, why: 'not a JSON object' } };
  try {
    return { ok: true, value: JSON.parse(trimmed) as unknown };
  } catch {
    return { ok: false, event: { type: 'unknown', line, why: 'not valid JSON' } };
  }
}

export function unknownLine(line: string, error: z.ZodError): AgentEvent {
  const i = error.issues[0];
  return { type: 'unknown', line, why: i ? `${i.path.join('.') || '(line)'}: ${i.message}` : 'unexpected shape' };
}

/** Tool output as one string, whatever shape the CLI gave it (string, content blocks, objects). */
export function outputText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return (v as unknown[]).map((b) => (isTextBlock(b) ? b.text : JSON.stringify(b))).join('\n');
  if (v === undefined || v === null) return '';
  return JSON.stringify(v);
}

function isTextBlock(b: unknown): b is { text: string } {
  return typeof b === 'object' && b !== null && typeof (b as { text?: unknown }).text === 'string';
}

/**
 * The shared front of every parser: JSON, then the CLI's line schema, then `handle`. Blank lines are
 * skipped; anything else that fails becomes one `unknown` event saying why.
 */
export function parseStreamLine<S extends z.ZodType>(
  schema: S,
  line: string,
  handle: (value: z.output<S>) => AgentEvent[],
): AgentEvent[] {
  const json = parseJsonLine(line);
  if (!json.ok) return line.trim() ? [json.event] : [];
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) return [unknownLine(line, parsed.error)];
  return handle(parsed.data);
}
