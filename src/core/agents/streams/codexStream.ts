import { z } from 'zod';
import type { AgentEvent, Usage } from '../types';
import { parseStreamLine, type StreamParser } from './common';

// Codex `exec --json`: thread/turn/item events. It reports tokens per turn and no cost, and prints no final
// "result" line, so the parser makes one from `turn.completed` / `turn.failed`.

const count = z.number().int().nonnegative().catch(0);
const item = z.looseObject({
  id: z.string(),
  type: z.string(),
  text: z.string().optional(),
  command: z.string().optional(),
  aggregated_output: z.string().optional(),
  exit_code: z.number().nullable().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  changes: z.array(z.looseObject({ path: z.string(), kind: z.string().optional() })).optional(),
  server: z.string().optional(),
  tool: z.string().optional(),
});
const usage = z.looseObject({
  input_tokens: count.optional(),
  cached_input_tokens: count.optional(),
  output_tokens: count.optional(),
});

const lineSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('thread.started'), thread_id: z.string() }),
  z.looseObject({ type: z.literal('turn.started') }),
  z.looseObject({ type: z.literal('turn.completed'), usage: usage.optional() }),
  z.looseObject({ type: z.literal('turn.failed'), error: z.looseObject({ message: z.string() }).optional() }),
  z.looseObject({ type: z.enum(['item.started', 'item.updated', 'item.completed']), item }),
  z.looseObject({ type: z.literal('error'), message: z.string() }),
]);

/**
 * Notices Codex prints as `error` items that are not failures: `--dangerously-bypass-hook-trust` (which F-MES
 * passes to give a run its hooks) prints two at the start of every `--json` stream.
 */
export function isCodexNotice(message: string): boolean {
  return message.startsWith('`--dangerously-bypass-hook-trust` is enabled');
}

/** Items that are the model acting (as opposed to reasoning summaries and to-do lists). */
const ACTIONS = new Set(['command_execution', 'file_change', 'mcp_tool_call', 'web_search', 'agent_message']);

function codexUsage(u: z.infer<typeof usage>): Usage {
  const cached = u.cached_input_tokens ?? 0;
  // OpenAI counts cached tokens inside input_tokens.
  return {
    inputTokens: Math.max(0, (u.input_tokens ?? 0) - cached),
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
}

export class CodexStreamParser implements StreamParser {
  private turns = 0;
  private inReply = false;
  private sessionId: string | undefined;
  private lastText: string | undefined;
  private readonly errors: string[] = [];
  private readonly started = new Set<string>();

  constructor(private readonly model?: string) {}

  parseLine(line: string): AgentEvent[] {
    return parseStreamLine(lineSchema, line, (v) => this.onLine(v));
  }

  private onLine(v: z.output<typeof lineSchema>): AgentEvent[] {
    switch (v.type) {
      case 'thread.started':
        this.sessionId = v.thread_id;
        return [{ type: 'init', sessionId: v.thread_id, model: this.model }];
      case 'turn.started':
        return [];
      case 'turn.completed': {
        const u = v.usage ? codexUsage(v.usage) : undefined;
        return [
          ...(u ? [{ type: 'usage' as const, usage: u, model: this.model }] : []),
          {
            type: 'result',
            result: {
              ok: true,
              sessionId: this.sessionId,
              turns: this.turns,
              usage: u,
              modelUsage: u ? { [this.model ?? 'codex']: u } : undefined,
              subtype: 'success',
              text: this.lastText,
              denials: [],
            },
          },
        ];
      }
      case 'turn.failed':
        return [
          {
            type: 'result',
            result: {
              ok: false,
              sessionId: this.sessionId,
              turns: this.turns,
              subtype: 'turn_failed',
              text: v.error?.message ?? this.errors.join('\n'),
              denials: [],
            },
          },
        ];
      case 'error':
        if (isCodexNotice(v.message)) return [];
        this.errors.push(v.message);
        return [{ type: 'text', text: `[error] ${v.message}` }];
      default:
        return this.onItem(v.type, v.item);
    }
  }

  private onItem(phase: 'item.started' | 'item.updated' | 'item.completed', it: z.infer<typeof item>): AgentEvent[] {
    const out: AgentEvent[] = [];
    if (ACTIONS.has(it.type) && phase !== 'item.updated' && !this.inReply) {
      this.inReply = true;
      out.push({ type: 'turn', n: ++this.turns });
    }
    switch (it.type) {
      case 'agent_message':
        if (phase === 'item.completed' && it.text) {
          this.lastText = it.text;
          out.push({ type: 'text', text: it.text });
        }
        break;
      case 'command_execution':
        if (phase === 'item.started' || (phase === 'item.completed' && !this.started.has(it.id))) {
          this.started.add(it.id);
          out.push({ type: 'toolUse', id: it.id, tool: 'shell', input: { command: it.command } });
        }
        if (phase === 'item.completed') {
          // Codex may report a fast command only on completion: the call is shown above then.
          out.push({
            type: 'toolResult',
            id: it.id,
            ok: it.exit_code === 0,
            output: it.aggregated_output ?? '',
            exitCode: it.exit_code ?? undefined,
          });
          this.inReply = false;
        }
        break;
      case 'file_change':
        if (phase === 'item.completed') {
          out.push({ type: 'toolUse', id: it.id, tool: 'apply_patch', input: { changes: it.changes } });
          out.push({
            type: 'toolResult',
            id: it.id,
            ok: it.status !== 'failed',
            output: (it.changes ?? []).map((c) => `${c.kind ?? 'update'} ${c.path}`).join('\n'),
          });
          this.inReply = false;
        }
        break;
      case 'mcp_tool_call':
        if (phase === 'item.started')
          out.push({ type: 'toolUse', id: it.id, tool: `${it.server ?? 'mcp'}.${it.tool ?? '?'}`, input: undefined });
        if (phase === 'item.completed') {
          out.push({ type: 'toolResult', id: it.id, ok: it.status !== 'failed', output: '' });
          this.inReply = false;
        }
        break;
      case 'error':
        if (it.message && !isCodexNotice(it.message)) {
          this.errors.push(it.message);
          out.push({ type: 'text', text: `[error] ${it.message}` });
        }
        break;
    }
    return out;
  }
}
