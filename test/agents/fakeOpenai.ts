/** OpenAI Responses API wire format for the fake model API (Codex). */
import type { Conversation, Reply, ToolIntent } from './fakeScenarios';

interface Ids {
  next: number;
}

type Obj = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Obj[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n');
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  const o = (output ?? {}) as Obj;
  if (typeof o.content === 'string') return o.content;
  return Array.isArray(output) ? textOf(output) : JSON.stringify(output);
}

export function openaiConversation(body: Obj): Conversation {
  const input =
    typeof body.input === 'string'
      ? [{ type: 'message', role: 'user', content: body.input }]
      : Array.isArray(body.input)
        ? (body.input as Obj[])
        : [];
  const userTexts: string[] = [];
  const all: string[] = [typeof body.instructions === 'string' ? body.instructions : ''];
  for (const item of input) {
    if (item.type !== undefined && item.type !== 'message') continue;
    const text = textOf(item.content);
    all.push(text);
    if (item.role === 'user') {
      if (typeof item.content === 'string') userTexts.push(item.content);
      else if (Array.isArray(item.content))
        for (const p of item.content as Obj[]) if (typeof p.text === 'string') userTexts.push(p.text);
    }
  }
  const last = input.at(-1);
  const lastToolResult =
    last && typeof last.type === 'string' && last.type.endsWith('_call_output')
      ? { text: outputText(last.output), isError: (last.output as Obj | undefined)?.success === false }
      : undefined;
  const toolResults = input.filter(
    (item) => typeof item.type === 'string' && item.type.endsWith('_call_output'),
  ).length;
  return { userTexts, allText: all.join('\n'), toolResults, lastToolResult, agentTurn: toolNames(body).length > 0 };
}

/**
 * Names of the tools a request offers: in `tools`, and (Codex 0.169, "responses lite") in `additional_tools` input
 * items, where they sit in namespaces.
 */
function toolNames(body: Obj): string[] {
  const names: string[] = [];
  const walk = (tools: unknown): void => {
    if (!Array.isArray(tools)) return;
    for (const t of tools as Obj[]) {
      if (t.type === 'namespace') walk(t.tools);
      else names.push(String(t.name ?? t.type));
    }
  };
  walk(body.tools);
  if (Array.isArray(body.input))
    for (const item of body.input as Obj[]) if (item.type === 'additional_tools') walk(item.tools);
  return names;
}

/** The output item that calls the CLI's shell tool, whichever of its shell tools the request offers. */
function shellCall(tool: ToolIntent, body: Obj, callId: string, id: string): Obj {
  const call = (name: string, args: Obj): Obj => ({
    type: 'function_call',
    id,
    call_id: callId,
    name,
    arguments: JSON.stringify(args),
    status: 'completed',
  });
  // Codex's name for an MCP tool is assumed to be mcp__<server>__<tool>; not exercised by a test yet.
  if (tool.kind === 'mcp') return call(`mcp__${tool.server}__${tool.tool}`, tool.args);
  // Files change through apply_patch, a freeform (custom) tool whose input is the patch text; its paths are
  // relative to the working directory. Codex 0.169 runs a direct call though it offers the tool only inside exec.
  if (tool.kind === 'write' || tool.kind === 'edit') {
    const change =
      tool.kind === 'write'
        ? `*** Add File: ${tool.relativePath}\n${patchLines('+', tool.content)}`
        : `*** Update File: ${tool.relativePath}\n@@\n-${tool.old}\n+${tool.new}\n`;
    return {
      type: 'custom_tool_call',
      id,
      call_id: callId,
      name: 'apply_patch',
      input: `*** Begin Patch\n${change}*** End Patch\n`,
      status: 'completed',
    };
  }
  const command = tool.command;
  const names = toolNames(body);
  if (names.includes('shell_command')) return call('shell_command', { command });
  if (names.includes('shell')) return call('shell', { command: ['bash', '-lc', command] });
  if (names.includes('local_shell') && !names.includes('exec'))
    return {
      type: 'local_shell_call',
      id,
      call_id: callId,
      status: 'completed',
      action: { type: 'exec', command: ['bash', '-lc', command] },
    };
  // Codex 0.169 offers only its JavaScript `exec` tool (which calls tools.exec_command), yet runs a direct
  // exec_command call as a command_execution item: simpler than scripting JS, and what its output records show.
  return call('exec_command', { cmd: command });
}

function patchLines(prefix: string, text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${prefix}${l}\n`)
    .join('');
}

function usage(input: number, output: number): Obj {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** response.created, then each output item added/done (text deltas in between), then response.completed with usage. */
export function openaiSse(
  reply: Exclude<Reply, { kind: 'error' }>,
  model: string,
  body: Obj,
  ids: Ids,
): { event: string; data: unknown }[] {
  const n = ++ids.next;
  const responseId = `resp_fake_${n}`;
  const response = {
    id: responseId,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model,
    status: 'in_progress',
    output: [] as Obj[],
  };
  const events: { event: string; data: unknown }[] = [];
  let seq = 0;
  const push = (event: string, data: Obj): void =>
    void events.push({ event, data: { type: event, sequence_number: seq++, ...data } });
  push('response.created', { response });
  push('response.in_progress', { response });
  const items: Obj[] = [];
  const text = reply.kind === 'text' ? reply.text : undefined;
  if (text !== undefined) {
    const id = `msg_fake_${n}`;
    const done = {
      type: 'message',
      id,
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text, annotations: [] }],
    };
    push('response.output_item.added', { output_index: 0, item: { ...done, status: 'in_progress', content: [] } });
    push('response.content_part.added', {
      output_index: 0,
      item_id: id,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
    const cut = Math.ceil(text.length / 2);
    for (const delta of [text.slice(0, cut), text.slice(cut)])
      push('response.output_text.delta', { output_index: 0, item_id: id, content_index: 0, delta });
    push('response.output_text.done', { output_index: 0, item_id: id, content_index: 0, text });
    push('response.content_part.done', { output_index: 0, item_id: id, content_index: 0, part: done.content[0] });
    push('response.output_item.done', { output_index: 0, item: done });
    items.push(done);
  } else if (reply.kind === 'tool') {
    const item = shellCall(reply.tool, body, `call_fake_${n}`, `fc_fake_${n}`);
    push('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress' } });
    if (typeof item.arguments === 'string') {
      push('response.function_call_arguments.delta', { output_index: 0, item_id: item.id, delta: item.arguments });
      push('response.function_call_arguments.done', { output_index: 0, item_id: item.id, arguments: item.arguments });
    }
    if (typeof item.input === 'string') {
      push('response.custom_tool_call_input.delta', { output_index: 0, item_id: item.id, delta: item.input });
      push('response.custom_tool_call_input.done', { output_index: 0, item_id: item.id, input: item.input });
    }
    push('response.output_item.done', { output_index: 0, item });
    items.push(item);
  }
  push('response.completed', {
    response: { ...response, status: 'completed', output: items, usage: usage(reply.usage.input, reply.usage.output) },
  });
  return events;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'rate_limit_exceeded',
};

export function openaiError(status: number, message: string): Obj {
  return {
    error: {
      message,
      type: ERROR_TYPES[status] ?? 'server_error',
      param: null,
      code: status === 429 ? 'rate_limit_exceeded' : null,
    },
  };
}

export function openaiModels(): Obj {
  return { object: 'list', data: [{ id: 'gpt-fake', object: 'model', created: 1_700_000_000, owned_by: 'fake' }] };
}
