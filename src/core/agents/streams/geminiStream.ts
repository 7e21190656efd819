import { z } from 'zod';
import type { AgentEvent, Denial, Usage } from '../types';
import { outputText, parseStreamLine, type StreamParser } from './common';

// Gemini CLI `-p … -o stream-json`. It reports tokens per model at the end and no cost.

const count = z.number().int().nonnegative().catch(0);
const tokenStats = z.looseObject({
  input_tokens: count.optional(),
  output_tokens: count.optional(),
  cached: count.optional(),
  input: count.optional(),
});

const lineSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('init'), session_id: z.string(), model: z.string().optional() }),
  z.looseObject({ type: z.literal('message'), role: z.string(), content: z.string() }),
  z.looseObject({
    type: z.literal('tool_use'),
    tool_name: z.string(),
    tool_id: z.string(),
    parameters: z.unknown().optional(),
  }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_id: z.string(),
    status: z.string(),
    output: z.unknown().optional(),
    error: z.unknown().optional(),
  }),
  z.looseObject({ type: z.literal('error'), severity: z.string().optional(), message: z.string() }),
  z.looseObject({
    type: z.literal('result'),
    status: z.string(),
    error: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
    stats: tokenStats
      .extend({ tool_calls: count.optional(), models: z.record(z.string(), tokenStats).optional() })
      .optional(),
  }),
]);

function geminiUsage(s: z.infer<typeof tokenStats>): Usage {
  const cached = s.cached ?? 0;
  // `input` is the prompt without cached tokens when present; `input_tokens` includes them.
  const input = s.input ?? Math.max(0, (s.input_tokens ?? 0) - cached);
  return { inputTokens: input, outputTokens: s.output_tokens ?? 0, cacheReadTokens: cached, cacheWriteTokens: 0 };
}

export class GeminiStreamParser implements StreamParser {
  private turns = 0;
  /** True once the model has spoken since the last tool result: a new reply starts a new turn. */
  private inReply = false;
  private sessionId: string | undefined;
  private readonly errors: string[] = [];
  private readonly calls = new Map<string, { tool: string; input: unknown }>();
  private readonly denials: Denial[] = [];
  /** The assistant's text since the last tool result: its final answer once the run ends (the result line has none). */
  private replyText = '';

  parseLine(line: string): AgentEvent[] {
    return parseStreamLine(lineSchema, line, (v) => this.onLine(v));
  }

  private onLine(v: z.output<typeof lineSchema>): AgentEvent[] {
    switch (v.type) {
      case 'init':
        this.sessionId = v.session_id;
        return [{ type: 'init', sessionId: v.session_id, model: v.model }];
      case 'message': {
        if (v.role !== 'assistant') return [];
        const turn = this.startReply();
        if (turn.length) this.replyText = '';
        this.replyText += v.content;
        return [...turn, { type: 'text', text: v.content }];
      }
      case 'tool_use':
        this.calls.set(v.tool_id, { tool: v.tool_name, input: v.parameters });
        return [...this.startReply(), { type: 'toolUse', id: v.tool_id, tool: v.tool_name, input: v.parameters }];
      case 'tool_result': {
        this.inReply = false;
        const out: AgentEvent[] = [
          { type: 'toolResult', id: v.tool_id, ok: v.status === 'success', output: outputText(v.output ?? v.error) },
        ];
        const denial =
          v.status === 'error' ? this.denialOf(v.tool_id, v.error, outputText(v.output ?? v.error)) : undefined;
        if (denial) {
          this.denials.push(denial);
          out.push({ type: 'denial', denial });
        }
        return out;
      }
      case 'error':
        this.errors.push(v.message);
        return [{ type: 'text', text: `[${v.severity ?? 'error'}] ${v.message}` }];
      case 'result': {
        const models = v.stats?.models ?? {};
        const modelUsage = Object.fromEntries(Object.entries(models).map(([m, s]) => [m, geminiUsage(s)]));
        return [
          {
            type: 'result',
            result: {
              ok: v.status === 'success',
              sessionId: this.sessionId,
              turns: this.turns,
              usage: v.stats ? geminiUsage(v.stats) : undefined,
              modelUsage,
              subtype: v.status === 'success' ? 'success' : (v.error?.type ?? 'error'),
              text:
                v.error?.message ??
                (this.errors.length ? this.errors.join('\n') : undefined) ??
                (v.status === 'success' && this.replyText ? this.replyText : undefined),
              denials: [...this.denials],
            },
          },
        ];
      }
    }
  }

  /**
   * A refused call, from its error: a BeforeTool hook's denial (`policy_violation`, "Tool execution blocked: …"),
   * the policy engine's ("Tool execution denied by policy."), or a tool the approval mode withholds from a
   * headless run (`tool_not_registered`). Other errors are failures of calls that ran.
   */
  private denialOf(id: string, error: unknown, text: string): Denial | undefined {
    const e = typeof error === 'object' && error !== null ? (error as { type?: unknown; message?: unknown }) : {};
    const message = typeof e.message === 'string' ? e.message : text;
    let source: string;
    if (e.type === 'policy_violation') source = message.startsWith('Tool execution blocked:') ? 'hook' : 'policy';
    else if (e.type === 'tool_not_registered') source = 'unavailable';
    else return undefined;
    const call = this.calls.get(id);
    return { tool: call?.tool ?? 'unknown', toolUseId: id, input: call?.input, source, reason: message };
  }

  private startReply(): AgentEvent[] {
    if (this.inReply) return [];
    this.inReply = true;
    return [{ type: 'turn', n: ++this.turns }];
  }
}
