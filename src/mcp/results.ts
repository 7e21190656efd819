import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ArtifactError, type ArtifactIssue, FmesError, LockError, errorMessage, formatIssue } from '../core/errors';
import { holderJson, type Holder } from '../hot/locks/holders';
import type { Logger } from '../core/log';

/**
 * A tool's answer: a summary for the model, the same data as JSON text (for clients that ignore structured
 * content, as the MCP spec asks; `json: false` where the summary already is the data) and as `structuredContent`.
 */
export function toolResult(
  summary: string,
  data: Record<string, unknown>,
  options: { json?: boolean } = {},
): CallToolResult {
  const content = options.json === false ? [text(summary)] : [text(summary), text(JSON.stringify(data, null, 2))];
  return { content, structuredContent: data };
}

/** A failed call the model can act on: `isError` with one clear message; never a protocol error. */
export function toolError(message: string, data: Record<string, unknown> = {}): CallToolResult {
  return { content: [text(message)], structuredContent: { ok: false, error: message, ...data }, isError: true };
}

/** Invalid input named by field, prefixed with the tool argument it sits in (`report.tests.passed`). */
export function issuesError(what: string, prefix: string, issues: readonly ArtifactIssue[]): CallToolResult {
  const named = issues.map((i) => ({ field: [prefix, i.field].filter(Boolean).join('.'), message: i.message }));
  return toolError(`${what}: ${named.map(formatIssue).join('; ')}`, { issues: named });
}

/** Turns what a tool threw into a tool error: F-MES's typed errors by their message, anything else logged. */
export function errorResult(tool: string, e: unknown, log: Logger): CallToolResult {
  if (ArtifactError.is(e)) return toolError(e.message, { file: e.file, issues: e.issues });
  if (LockError.is(e))
    return toolError(e.message, {
      reason: e.reason,
      path: e.path,
      holders: ((e.details?.holders ?? []) as Holder[]).map(holderJson),
    });
  if (e instanceof FmesError) return toolError(e.message, { reason: e.reason });
  log.error(`${tool} failed: ${e instanceof Error && e.stack ? e.stack : String(e)}`);
  return toolError(`${tool} failed: ${errorMessage(e)}`);
}

/** Wraps a tool handler so that nothing it throws reaches the SDK as anything but a tool error. */
export function guarded<A, X>(
  tool: string,
  log: Logger,
  fn: (args: A, extra: X) => Promise<CallToolResult>,
): (args: A, extra: X) => Promise<CallToolResult> {
  return async (args, extra) => {
    try {
      return await fn(args, extra);
    } catch (e) {
      return errorResult(tool, e, log);
    }
  };
}

function text(t: string): { type: 'text'; text: string } {
  return { type: 'text', text: t };
}
