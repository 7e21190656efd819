import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { TopLevelIdScanner } from './topLevelId';

/** The largest message the server reads (the SDK's own stdio limit); a larger one gets an error reply. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

type Id = string | number | null;

/**
 * MCP's stdio framing (one JSON-RPC message per line) that survives what a client may send. The SDK's
 * StdioServerTransport closes, and so ends the server, on a message over its 10 MiB buffer, and drops
 * invalid lines without a word. Here an over-long line is skipped as it streams (never held whole) and
 * answered with an Invalid Request error carrying its id when the top-level `id` could be found (else null);
 * a line that is not JSON gets a Parse error, one that is not JSON-RPC an Invalid Request; the server goes
 * on with the next line either way.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while the rest of an over-long line is skipped. */
  private skipping: TopLevelIdScanner | undefined;
  private closed = false;

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    private readonly maxBytes = MAX_MESSAGE_BYTES,
  ) {}

  start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('error', this.onInputError);
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once('drain', resolve);
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('error', this.onInputError);
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.chunks = [];
    this.skipping = undefined;
    this.onclose?.();
    return Promise.resolve();
  }

  private readonly onInputError = (e: Error): void => this.onerror?.(e);

  private readonly onData = (chunk: Buffer | string): void => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let start = 0; start < buf.length;) {
      const nl = buf.indexOf(0x0a, start);
      const piece = buf.subarray(start, nl === -1 ? buf.length : nl);
      this.take(piece);
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  };

  private take(piece: Buffer): void {
    if (this.skipping) {
      this.skipping.feed(piece);
      return;
    }
    if (this.size + piece.length <= this.maxBytes) {
      this.chunks.push(piece);
      this.size += piece.length;
      return;
    }
    this.skipping = new TopLevelIdScanner();
    for (const c of this.chunks) this.skipping.feed(c);
    this.skipping.feed(piece);
    this.chunks = [];
    this.size = 0;
  }

  private endLine(): void {
    if (this.skipping) {
      const id = this.skipping.id;
      this.skipping = undefined;
      this.reply(
        id,
        ErrorCode.InvalidRequest,
        `Message too large: over ${this.maxBytes} bytes (${Math.round(this.maxBytes / 1024 / 1024)} MiB); it was not read. Send less in one message (smaller arguments).`,
      );
      return;
    }
    const line = Buffer.concat(this.chunks).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.size = 0;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.reply(null, ErrorCode.ParseError, 'Parse error: the line is not JSON.');
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.reply(idOf(json), ErrorCode.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 message.');
      return;
    }
    try {
      this.onmessage?.(parsed.data);
    } catch (e) {
      this.onerror?.(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private reply(id: Id, code: number, message: string): void {
    this.onerror?.(new Error(`${message} (id ${JSON.stringify(id)})`));
    if (this.closed) return;
    // A raw JSON-RPC error: `id: null` is what the spec prescribes when the id cannot be known, which the SDK's types do not allow.
    this.output.write(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } })}\n`);
  }
}

function idOf(json: unknown): Id {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const id = (json as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}
