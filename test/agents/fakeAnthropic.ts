/** Anthropic Messages API wire format for the fake model API (Claude Code). */
import type { Conversation, Reply, ToolIntent } from './fakeScenarios';

interface Ids {
  next: number;
}

type Block = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[])
    .map((b) =>
      b.type === 'text' && typeof b.text === 'string' ? b.text : b.type === 'tool_result' ? textOf(b.content) : '',
    )
    .join('\n');
}

export function anthropicConversation(body: Record<string, unknown>): Conversation {
  const messages = Array.isArray(body.messages) ? (body.messages as Block[]) : [];
  const userTexts: string[] = [];
  const all: string[] = [textOf(body.system)];
  for (const m of messages) {
    all.push(textOf(m.content));
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') userTexts.push(m.content);
    else if (Array.isArray(m.content))
      for (const b of m.content as Block[]) if (b.type === 'text' && typeof b.text === 'string') userTexts.push(b.text);
  }
  // Claude Code appends system notes (e.g. "USD budget: …" under --max-budget-usd) after a tool result.
  const last = messages.filter((m) => m.role !== 'system').at(-1);
  let lastToolResult: Conversation['lastToolResult'];
  if (last?.role === 'user' && Array.isArray(last.content)) {
    const results = (last.content as Block[]).filter((b) => b.type === 'tool_result');
    if (results.length)
      lastToolResult = {
        text: results.map((r) => textOf(r.content)).join('\n'),
        isError: results.some((r) => r.is_error === true),
      };
  }
  const toolResults = messages.reduce(
    (n, m) =>
      n + (Array.isArray(m.content) ? (m.content as Block[]).filter((x) => x.type === 'tool_result').length : 0),
    0,
  );
  return {
    userTexts,
    allText: all.join('\n'),
    toolResults,
    lastToolResult,
    agentTurn: Array.isArray(body.tools) && body.tools.length > 0,
  };
}

function toolUse(tool: ToolIntent): { name: string; input: Record<string, unknown> } {
  switch (tool.kind) {
    case 'write':
      return { name: 'Write', input: { file_path: tool.path, content: tool.content } };
    case 'edit':
      return { name: 'Edit', input: { file_path: tool.path, old_string: tool.old, new_string: tool.new } };
    case 'shell':
      return { name: 'Bash', input: { command: tool.command, description: tool.description } };
    case 'mcp':
      // Claude Code names an MCP tool mcp__<server>__<tool>.
      return { name: `mcp__${tool.server}__${tool.tool}`, input: tool.args };
  }
}

function usage(input: number, output: number): Record<string, number> {
  return { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function nextId(ids: Ids, prefix: string): string {
  return `${prefix}_fake_${String(++ids.next).padStart(4, '0')}`;
}

/** The SSE events of a streamed reply: message_start, one block per text or tool_use, message_delta, message_stop. */
export function anthropicSse(
  reply: Exclude<Reply, { kind: 'error' }>,
  model: string,
  ids: Ids,
): { event: string; data: unknown }[] {
  const events: { event: string; data: unknown }[] = [];
  const push = (event: string, data: Record<string, unknown>): void =>
    void events.push({ event, data: { type: event, ...data } });
  push('message_start', {
    message: {
      id: nextId(ids, 'msg'),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(reply.usage.input, 1),
    },
  });
  const tool = reply.kind === 'tool' ? toolUse(reply.tool) : undefined;
  // Like the real models, announce a tool call in a text block first.
  const text = tool ? `I will use ${tool.name}.` : reply.kind === 'text' ? reply.text : '';
  push('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  push('ping', {});
  // Two deltas, so a client that only keeps the last one would show a broken text.
  const cut = Math.ceil(text.length / 2);
  push('content_block_delta', { index: 0, delta: { type: 'text_delta', text: text.slice(0, cut) } });
  push('content_block_delta', { index: 0, delta: { type: 'text_delta', text: text.slice(cut) } });
  push('content_block_stop', { index: 0 });
  if (tool) {
    const { name, input } = tool;
    const json = JSON.stringify(input);
    const half = Math.ceil(json.length / 2);
    push('content_block_start', {
      index: 1,
      content_block: { type: 'tool_use', id: nextId(ids, 'toolu'), name, input: {} },
    });
    push('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } });
    push('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } });
    push('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: json.slice(half) } });
    push('content_block_stop', { index: 1 });
  }
  push('message_delta', {
    delta: { stop_reason: reply.kind === 'tool' ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: reply.usage.output },
  });
  push('message_stop', {});
  return events;
}

/** A complete (non-streamed) message. */
export function anthropicMessage(
  reply: Exclude<Reply, { kind: 'error' }>,
  model: string,
  ids: Ids,
): Record<string, unknown> {
  const tool = reply.kind === 'tool' ? toolUse(reply.tool) : undefined;
  const content: Block[] = [
    { type: 'text', text: tool ? `I will use ${tool.name}.` : reply.kind === 'text' ? reply.text : '' },
  ];
  if (tool) content.push({ type: 'tool_use', id: nextId(ids, 'toolu'), ...tool });
  return {
    id: nextId(ids, 'msg'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: reply.kind === 'tool' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: usage(reply.usage.input, reply.usage.output),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicError(status: number, message: string, requestId: string): Record<string, unknown> {
  return {
    type: 'error',
    error: { type: ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
    request_id: requestId,
  };
}
