/**
 * A fake model API on 127.0.0.1 that the real agent CLIs (Claude Code, Gemini CLI, Codex) talk to offline.
 * It speaks three wire protocols (Anthropic Messages, Gemini generateContent, OpenAI Responses) and answers from
 * scripted scenarios chosen by a `FAKE:` directive in the user's prompt (see fakeScenarios.ts).
 * FAKE_DEBUG=1 appends every request and reply to FAKE_DEBUG_FILE (default: <tmpdir>/fake-model-api.log).
 */
import { appendFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import { anthropicConversation, anthropicError, anthropicMessage, anthropicSse } from './fakeAnthropic';
import { geminiConversation, geminiError, geminiGenerate, geminiSchemaAnswer, geminiSse } from './fakeGemini';
import { openaiConversation, openaiError, openaiModels, openaiSse } from './fakeOpenai';
import { planReply, scenarioOf, type Reply, type Scenario } from './fakeScenarios';

export type Provider = 'anthropic' | 'gemini' | 'openai';

export interface RecordedRequest {
  method: string;
  /** Path with query, as sent (`/v1/messages?beta=true`). */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  provider: Provider;
  /** The scenario the conversation asked for; undefined for requests that carry no conversation. */
  scenario?: Scenario;
  /** What the fake answered: `sse(<event count>)`, `json`, or the HTTP status of an error (`529`). */
  reply: string;
  /** The model the request asked for, when it named one. */
  model?: string;
}

export interface FakeModelApi {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** Every request the fake served, in arrival order. */
  requests: RecordedRequest[];
  /** Hosts a CLI tried to reach through the fake as an HTTP(S) proxy (`host:port` for CONNECT, `host` for plain HTTP): each was refused. */
  strayConnections: string[];
  close(): Promise<void>;
}

export interface FakeModelApiOptions {
  /** Milliseconds to wait before answering each model request (default 0). */
  delayMs?: number;
}

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  body: unknown;
}

const DEBUG = process.env.FAKE_DEBUG === '1';
const DEBUG_FILE = process.env.FAKE_DEBUG_FILE ?? path.join(os.tmpdir(), 'fake-model-api.log');

function debug(line: string): void {
  if (DEBUG) appendFileSync(DEBUG_FILE, `${new Date().toISOString()} ${line}\n`);
}

export async function startFakeModelApi(options: FakeModelApiOptions = {}): Promise<FakeModelApi> {
  const requests: RecordedRequest[] = [];
  const strayConnections: string[] = [];
  const ids = { next: 0 };
  let port = 0;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      debug(`handler failed: ${String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake model api: ${String(err)}` } });
      else res.destroy();
    });
  });
  // Clients keep connections alive between turns; a server that drops them first makes them retry on a dead socket.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  // Proxy requests (the env points HTTPS_PROXY here) are refused and recorded, so a stray call cannot leave the machine.
  server.on('connect', (req: http.IncomingMessage, socket: Duplex) => {
    strayConnections.push(req.url ?? '');
    debug(`CONNECT ${req.url ?? ''} refused`);
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const text = raw.length ? raw.toString('utf8') : '';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.host !== `127.0.0.1:${port}`) {
      // An absolute URL to another host is a plain-HTTP proxy request: refuse it.
      strayConnections.push(url.host);
      debug(`proxy ${req.method ?? ''} ${req.url ?? ''} refused`);
      sendJson(res, 403, { error: { message: 'fake model api: no network' } });
      return;
    }
    const exchange: Exchange = { req, res, url, body };
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers: req.headers,
      body,
      provider: providerOf(req, url),
      reply: '',
    };
    requests.push(record);
    const reply = await route(exchange, record);
    record.reply = reply;
    if (DEBUG)
      debug(
        `${record.method} ${record.path} [${record.provider}${record.scenario ? ` ${record.scenario.kind}` : ''}] -> ${reply}\n  headers: ${JSON.stringify(req.headers)}\n  body: ${text}`,
      );
  }

  async function route(x: Exchange, record: RecordedRequest): Promise<string> {
    const { req, res, url, body } = x;
    const pathname = url.pathname;
    const post = req.method === 'POST';
    const json = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;

    // Anthropic Messages API.
    if (post && /\/v1\/messages\/count_tokens$/.test(pathname)) return sendJson(res, 200, { input_tokens: 1000 });
    if (post && /\/v1\/messages$/.test(pathname)) {
      const conversation = anthropicConversation(json);
      const model = typeof json.model === 'string' ? json.model : 'claude-fake';
      record.model = model;
      record.scenario = scenarioOf(conversation, 'anthropic');
      const reply = planReply(conversation, record.scenario);
      await delay(options.delayMs);
      const requestId = `req_fake_${++ids.next}`;
      res.setHeader('request-id', requestId);
      if (reply.kind === 'error')
        return sendJson(res, reply.status, anthropicError(reply.status, reply.message, requestId));
      if (json.stream === true) return sendSse(res, anthropicSse(reply, model, ids));
      return sendJson(res, 200, anthropicMessage(reply, model, ids));
    }

    // Gemini API: /v1beta/models/<model>:generateContent | :streamGenerateContent | :countTokens.
    const gemini = /\/models\/([^/:]+):(\w+)$/.exec(pathname);
    if (post && gemini) {
      const [, model = 'gemini-fake', method] = gemini;
      record.model = decodeURIComponent(model);
      if (method === 'countTokens') return sendJson(res, 200, { totalTokens: 1000 });
      if (method === 'embedContent') return sendJson(res, 200, { embedding: { values: [0, 0, 0] } });
      const conversation = geminiConversation(json);
      record.scenario = scenarioOf(conversation, 'gemini');
      await delay(options.delayMs);
      const schema = geminiSchemaAnswer(json);
      if (schema !== undefined)
        return sendJson(
          res,
          200,
          geminiGenerate({ kind: 'text', text: schema, usage: { input: 10, output: 5 } }, record.model, ids),
        );
      const reply: Reply = planReply(conversation, record.scenario);
      if (reply.kind === 'error') return sendJson(res, reply.status, geminiError(reply.status, reply.message));
      if (method === 'streamGenerateContent') return sendSse(res, geminiSse(reply, record.model, json, ids));
      return sendJson(res, 200, geminiGenerate(reply, record.model, ids, json));
    }

    // OpenAI Responses API.
    if (post && /\/v1\/responses$/.test(pathname)) {
      const conversation = openaiConversation(json);
      const model = typeof json.model === 'string' ? json.model : 'gpt-fake';
      record.model = model;
      record.scenario = scenarioOf(conversation, 'openai');
      const reply = planReply(conversation, record.scenario);
      await delay(options.delayMs);
      if (reply.kind === 'error') return sendJson(res, reply.status, openaiError(reply.status, reply.message));
      return sendSse(res, openaiSse(reply, model, json, ids));
    }

    if (req.method === 'GET' && /\/models$/.test(pathname)) {
      if (record.provider === 'anthropic') {
        const models = ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'].map((id) => ({
          type: 'model',
          id,
          display_name: id,
          created_at: '2025-01-01T00:00:00Z',
        }));
        return sendJson(res, 200, {
          data: models,
          has_more: false,
          first_id: models[0]?.id,
          last_id: models.at(-1)!.id,
        });
      }
      if (record.provider === 'gemini')
        return sendJson(res, 200, {
          models: [
            { name: 'models/gemini-fake', displayName: 'gemini-fake', supportedGenerationMethods: ['generateContent'] },
          ],
        });
      return sendJson(res, 200, openaiModels());
    }
    // Anything else (telemetry, feature flags, profile look-ups): answer at once so nothing retries or hangs.
    if (record.provider === 'anthropic')
      return sendJson(
        res,
        404,
        anthropicError(404, `fake model api: no route ${req.method ?? ''} ${pathname}`, 'req_fake_404'),
      );
    if (record.provider === 'gemini')
      return sendJson(res, 404, geminiError(404, `fake model api: no route ${pathname}`));
    return sendJson(res, 404, openaiError(404, `fake model api: no route ${req.method ?? ''} ${pathname}`));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  debug(`listening on ${url}`);
  return {
    url,
    port,
    requests,
    strayConnections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function providerOf(req: http.IncomingMessage, url: URL): Provider {
  const p = url.pathname;
  if (/\/v1beta\/|\/v1alpha\/|:(stream)?[gG]enerateContent$/.test(p) || req.headers['x-goog-api-key'] !== undefined)
    return 'gemini';
  if (
    p.startsWith('/v1/messages') ||
    req.headers['anthropic-version'] !== undefined ||
    req.headers['x-api-key'] !== undefined ||
    p.startsWith('/api/')
  )
    return 'anthropic';
  return 'openai';
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  switch (req.headers['content-encoding']) {
    case 'gzip':
      return zlib.gunzipSync(raw);
    case 'br':
      return zlib.brotliDecompressSync(raw);
    case 'deflate':
      return zlib.inflateSync(raw);
    default:
      return raw;
  }
}

function delay(ms: number | undefined): Promise<void> {
  return ms && ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): string {
  const data = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
  res.end(data);
  return status === 200 ? 'json' : String(status);
}

/** Writes server-sent events: each is `event: <name>` (when named) and one `data:` line, ended by a blank line. */
function sendSse(res: http.ServerResponse, events: { event?: string; data: unknown }[]): string {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  for (const { event, data } of events)
    res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  res.end();
  return `sse(${events.length})`;
}
