import { z } from 'zod';
import type { AgentEvent, Denial, Usage } from '../types';
import { outputText, parseStreamLine, type StreamParser } from './common';

// Claude Code `-p --output-format stream-json --verbose`. Schemas are loose: only the fields F-MES reads are
// checked, and new fields in newer CLI versions pass through untouched.

const count = z.number().int().nonnegative().catch(0);
const usageSchema = z.looseObject({
  input_tokens: count.optional(),
  output_tokens: count.optional(),
  cache_read_input_tokens: count.optional(),
  cache_creation_input_tokens: count.optional(),
});

const denialSchema = z.looseObject({
  tool_name: z.string(),
  tool_use_id: z.string().optional(),
  tool_input: z.unknown().optional(),
});

const contentBlock = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.unknown().optional(),
    is_error: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal('thinking') }),
  z.looseObject({ type: z.literal('redacted_thinking') }),
  z.looseObject({ type: z.literal('image') }),
]);

const lineSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('system'),
    subtype: z.string(),
    session_id: z.string().optional(),
    model: z.string().optional(),
    cwd: z.string().optional(),
  }),
  z.looseObject({
    type: z.literal('assistant'),
    message: z.looseObject({
      id: z.string(),
      model: z.string().optional(),
      content: z.array(contentBlock),
      usage: usageSchema.optional(),
    }),
  }),
  z.looseObject({
    type: z.literal('user'),
    message: z.looseObject({ content: z.union([z.string(), z.array(contentBlock)]) }),
    tool_result_meta: z
      .array(
        z.looseObject({
          id: z.string(),
          permission_decision: z.looseObject({ decision: z.string(), source: z.string().optional() }).optional(),
        }),
      )
      .optional(),
  }),
  z.looseObject({
    type: z.literal('result'),
    subtype: z.string(),
    is_error: z.boolean(),
    session_id: z.string().optional(),
    num_turns: count.optional(),
    total_cost_usd: z.number().nonnegative().optional(),
    usage: usageSchema.optional(),
    modelUsage: z.record(z.string(), z.unknown()).optional(),
    permission_denials: z.array(denialSchema).optional(),
    terminal_reason: z.string().optional(),
    api_error_status: z.number().nullable().optional(),
    result: z.string().optional(),
    errors: z.array(z.string()).optional(),
  }),
  // Events F-MES does not use (stream_event with --include-partial-messages, rate limit notices, …).
  z.looseObject({
    type: z.enum(['stream_event', 'rate_limit_event', 'control_request', 'control_response', 'keep_alive']),
  }),
]);

export function claudeUsage(u: z.infer<typeof usageSchema> | undefined): Usage {
  return {
    inputTokens: u?.input_tokens ?? 0,
    outputTokens: u?.output_tokens ?? 0,
    cacheReadTokens: u?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u?.cache_creation_input_tokens ?? 0,
  };
}

export class ClaudeStreamParser implements StreamParser {
  private turns = 0;
  // The CLI prints one `assistant` line per content block, each repeating its message's usage: count once.
  private readonly seenMessages = new Set<string>();
  private readonly toolNames = new Map<string, { tool: string; input: unknown }>();

  parseLine(line: string): AgentEvent[] {
    return parseStreamLine(lineSchema, line, (v) => this.onLine(v));
  }

  private onLine(v: z.output<typeof lineSchema>): AgentEvent[] {
    switch (v.type) {
      case 'system':
        return v.subtype === 'init' && v.session_id
          ? [{ type: 'init', sessionId: v.session_id, model: v.model, cwd: v.cwd }]
          : [];
      case 'assistant': {
        const out: AgentEvent[] = [];
        const m = v.message;
        // The CLI writes API errors as a "<synthetic>" assistant message: not a model turn, no usage.
        if (!this.seenMessages.has(m.id) && m.model !== '<synthetic>') {
          this.seenMessages.add(m.id);
          out.push({ type: 'turn', n: ++this.turns });
          if (m.usage) out.push({ type: 'usage', usage: claudeUsage(m.usage), model: m.model });
        }
        for (const b of m.content) {
          if (b.type === 'text' && b.text) out.push({ type: 'text', text: b.text });
          else if (b.type === 'tool_use') {
            this.toolNames.set(b.id, { tool: b.name, input: b.input });
            out.push({ type: 'toolUse', id: b.id, tool: b.name, input: b.input });
          }
        }
        return out;
      }
      case 'user': {
        if (typeof v.message.content === 'string') return [];
        const out: AgentEvent[] = [];
        // `permission_decision.source` says who refused: `hook` (a PreToolUse hook), `config` (permission rules).
        const rejected = new Map(
          (v.tool_result_meta ?? [])
            .filter((m) => m.permission_decision && m.permission_decision.decision !== 'accept')
            .map((m) => [m.id, m.permission_decision?.source]),
        );
        for (const b of v.message.content) {
          if (b.type !== 'tool_result') continue;
          const output = outputText(b.content);
          out.push({ type: 'toolResult', id: b.tool_use_id, ok: !b.is_error, output });
          if (rejected.has(b.tool_use_id)) {
            const call = this.toolNames.get(b.tool_use_id);
            out.push({
              type: 'denial',
              denial: {
                tool: call?.tool ?? 'unknown',
                toolUseId: b.tool_use_id,
                input: call?.input,
                source: rejected.get(b.tool_use_id),
                reason: output,
              },
            });
          }
        }
        return out;
      }
      case 'result': {
        const denials: Denial[] = (v.permission_denials ?? []).map((d) => ({
          tool: d.tool_name,
          toolUseId: d.tool_use_id,
          input: d.tool_input,
        }));
        return [
          {
            type: 'result',
            result: {
              // `subtype` says "success" even when the API failed: `is_error` decides.
              ok: !v.is_error,
              sessionId: v.session_id,
              turns: v.num_turns,
              totalCostUsd: v.total_cost_usd,
              usage: v.usage ? claudeUsage(v.usage) : undefined,
              model: v.modelUsage ? Object.keys(v.modelUsage)[0] : undefined,
              subtype: v.subtype,
              terminalReason: v.terminal_reason,
              apiErrorStatus: v.api_error_status ?? undefined,
              text: v.result ?? v.errors?.join('\n'),
              denials,
            },
          },
        ];
      }
      default:
        return [];
    }
  }
}
