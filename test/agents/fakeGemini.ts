/** Gemini API (generateContent / streamGenerateContent) wire format for the fake model API (Gemini CLI). */
import type { Conversation, Reply, ToolIntent } from './fakeScenarios';

interface Ids {
  next: number;
}

type Obj = Record<string, unknown>;

function partsOf(content: unknown): Obj[] {
  const parts = (content as Obj | undefined)?.parts;
  return Array.isArray(parts) ? (parts as Obj[]) : [];
}

function textOfParts(parts: Obj[]): string {
  return parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n');
}

function functionResultText(response: unknown): string {
  const r = (response ?? {}) as Obj;
  if (typeof r.output === 'string') return r.output;
  if (typeof r.error === 'string') return r.error;
  return JSON.stringify(response);
}

export function geminiConversation(body: Obj): Conversation {
  const contents = Array.isArray(body.contents) ? (body.contents as Obj[]) : [];
  const userTexts: string[] = [];
  const all: string[] = [textOfParts(partsOf(body.systemInstruction))];
  for (const c of contents) {
    const parts = partsOf(c);
    all.push(textOfParts(parts));
    if (c.role === 'user') for (const p of parts) if (typeof p.text === 'string') userTexts.push(p.text);
  }
  const lastParts = partsOf(contents.at(-1));
  const results = lastParts.filter((p) => p.functionResponse !== undefined).map((p) => p.functionResponse as Obj);
  const lastToolResult = results.length
    ? {
        text: results.map((r) => functionResultText(r.response)).join('\n'),
        isError: results.some((r) => typeof (r.response as Obj | undefined)?.error === 'string'),
      }
    : undefined;
  const toolResults = contents.reduce(
    (n, c) => n + partsOf(c).filter((p) => p.functionResponse !== undefined).length,
    0,
  );
  return {
    userTexts,
    allText: all.join('\n'),
    toolResults,
    lastToolResult,
    agentTurn: toolNames(body).length > 0 && geminiSchemaOf(body) === undefined,
  };
}

function toolNames(body: Obj): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Obj[]) : [];
  return tools.flatMap((t) =>
    Array.isArray(t.functionDeclarations) ? (t.functionDeclarations as Obj[]).map((f) => String(f.name)) : [],
  );
}

function functionCall(tool: ToolIntent, body: Obj): { name: string; args: Obj } {
  // Gemini CLI 0.61 names an MCP tool mcp_<server>_<tool> (generateValidName in its bundle); not exercised by a test yet.
  if (tool.kind === 'mcp') return { name: `mcp_${tool.server}_${tool.tool}`, args: tool.args };
  if (tool.kind === 'write' && toolNames(body).includes('write_file'))
    return { name: 'write_file', args: { file_path: tool.path, content: tool.content } };
  if (tool.kind === 'edit')
    return {
      name: 'replace',
      args: {
        file_path: tool.path,
        instruction: `Replace ${tool.old} by ${tool.new}`,
        old_string: tool.old,
        new_string: tool.new,
      },
    };
  const command =
    tool.kind === 'write' ? `printf '%s' ${shellQuote(tool.content)} > ${shellQuote(tool.path)}` : tool.command;
  return {
    name: 'run_shell_command',
    args: { command, description: tool.kind === 'write' ? 'Write the file' : tool.description },
  };
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function geminiSchemaOf(body: Obj): Obj | undefined {
  const config = (body.generationConfig ?? {}) as Obj;
  const schema = config.responseJsonSchema ?? config.responseSchema;
  if (schema && typeof schema === 'object') return schema as Obj;
  return config.responseMimeType === 'application/json' ? {} : undefined;
}

/**
 * A value that fits a JSON schema: the first enum value (`user` when offered, so a next-speaker check hands back),
 * numbers at their minimum, else 1 (the router's complexity_score must be 1..100), but 0 for a `confidence` (the
 * LLM loop check stops the run at a high confidence).
 */
function fill(schema: Obj, key = ''): unknown {
  const type = (typeof schema.type === 'string' ? schema.type : schema.properties ? 'object' : 'string').toLowerCase();
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum.includes('user') ? 'user' : schema.enum[0];
  switch (type) {
    case 'object': {
      const out: Obj = {};
      for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, Obj>))
        out[name] = fill(sub, name);
      return out;
    }
    case 'array':
      return [];
    case 'number':
    case 'integer':
      if (typeof schema.minimum === 'number') return schema.minimum;
      return /confidence/i.test(key) ? 0 : 1;
    case 'boolean':
      return false;
    default:
      return 'fake';
  }
}

/** For a request that asks for JSON (the router, the next-speaker check), the JSON text to answer; else undefined. */
export function geminiSchemaAnswer(body: Obj): string | undefined {
  const schema = geminiSchemaOf(body);
  return schema === undefined ? undefined : JSON.stringify(fill(schema));
}

function usageMetadata(input: number, output: number): Obj {
  return { promptTokenCount: input, candidatesTokenCount: output, totalTokenCount: input + output };
}

function candidate(parts: Obj[], finish: boolean): Obj {
  return { content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: 'STOP' } : {}) };
}

function partsFor(reply: Exclude<Reply, { kind: 'error' }>, body: Obj): Obj[] {
  return reply.kind === 'text' ? [{ text: reply.text }] : [{ functionCall: functionCall(reply.tool, body) }];
}

/** A streamed reply: text split over two chunks, or one functionCall chunk; the last chunk has finishReason and usage. */
export function geminiSse(
  reply: Exclude<Reply, { kind: 'error' }>,
  model: string,
  body: Obj,
  ids: Ids,
): { data: unknown }[] {
  const responseId = `resp_fake_${++ids.next}`;
  const base = { modelVersion: model, responseId };
  if (reply.kind === 'text') {
    const cut = Math.ceil(reply.text.length / 2);
    return [
      {
        data: {
          candidates: [candidate([{ text: reply.text.slice(0, cut) }], false)],
          usageMetadata: usageMetadata(reply.usage.input, 1),
          ...base,
        },
      },
      {
        data: {
          candidates: [candidate([{ text: reply.text.slice(cut) }], true)],
          usageMetadata: usageMetadata(reply.usage.input, reply.usage.output),
          ...base,
        },
      },
    ];
  }
  return [
    {
      data: {
        candidates: [candidate(partsFor(reply, body), true)],
        usageMetadata: usageMetadata(reply.usage.input, reply.usage.output),
        ...base,
      },
    },
  ];
}

export function geminiGenerate(reply: Exclude<Reply, { kind: 'error' }>, model: string, ids: Ids, body: Obj = {}): Obj {
  return {
    candidates: [candidate(partsFor(reply, body), true)],
    usageMetadata: usageMetadata(reply.usage.input, reply.usage.output),
    modelVersion: model,
    responseId: `resp_fake_${++ids.next}`,
  };
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function geminiError(status: number, message: string): Obj {
  return {
    error: { code: status, message, status: STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION') },
  };
}
