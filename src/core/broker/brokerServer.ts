import { createHash, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { BROKER_VERSION, MAX_LINE_BYTES, type BrokerFault, type BrokerResponse } from '../../hot/broker/protocol';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import { faultOf, type BrokerOps } from './brokerOps';
import { envelopeSchema, requestSchema } from './brokerSchema';

export interface BrokerLimits {
  /** A started line must end within this long (slow-loris), and a new connection must send its first one. */
  lineTimeoutMs: number;
  /** Connections open at once; more are refused. */
  maxConnections: number;
  /** Requests queued on one connection; a client that sends more is cut off. */
  maxQueued: number;
}

export const DEFAULT_LIMITS: BrokerLimits = { lineTimeoutMs: 5_000, maxConnections: 64, maxQueued: 32 };

export interface BrokerServerOptions {
  socketPath: string;
  token: string;
  ops: BrokerOps;
  log: Logger;
  limits?: Partial<BrokerLimits>;
}

/**
 * The broker's socket: JSON lines in, one answer per request, in order per connection
 * (src/hot/broker/protocol.ts). Every line is size-limited and validated; anything wrong gets a typed error, and
 * nothing a client sends can throw out of here. A connection's close releases the locks bound to it.
 */
export class BrokerServer {
  private readonly server: net.Server;
  private readonly sockets = new Map<number, net.Socket>();
  private nextConn = 1;
  private readonly limits: BrokerLimits;
  private readonly tokenHash: Buffer;

  constructor(private readonly o: BrokerServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.tokenHash = sha(o.token);
    this.server = net.createServer((s) => this.accept(s));
    this.server.on('error', (e) => o.log.error(`broker ${o.socketPath}: ${errorMessage(e)}`));
  }

  /** Listens on the socket path, readable and writable by this user only. */
  listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const old = process.umask(0o177);
      this.server.once('error', reject);
      this.server.listen(this.o.socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
      process.umask(old);
    }).then(() => fs.chmodSync(this.o.socketPath, 0o600));
  }

  /** Stops listening and closes every connection (which releases their locks). */
  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets.values()) s.destroy();
    await closed;
  }

  private accept(s: net.Socket): void {
    const conn = this.nextConn++;
    if (this.sockets.size >= this.limits.maxConnections) {
      s.end(
        line(null, { code: 'busy', message: `the broker serves at most ${this.limits.maxConnections} connections` }),
      );
      return;
    }
    this.sockets.set(conn, s);
    const abort = new AbortController();
    let chunks: Buffer[] = [];
    let size = 0;
    let queue = Promise.resolve();
    let queued = 0;
    let lineTimer: NodeJS.Timeout | undefined;
    let closing = false;
    const armTimer = () => {
      lineTimer ??= setTimeout(() => {
        this.reply(s, null, {
          code: 'timeout',
          message: `a request must arrive within ${this.limits.lineTimeoutMs} ms`,
        });
        closing = true;
        s.end();
      }, this.limits.lineTimeoutMs);
    };
    const disarm = () => {
      if (lineTimer) clearTimeout(lineTimer);
      lineTimer = undefined;
    };
    armTimer(); // the first request
    s.on('data', (data: Buffer) => {
      if (closing) return;
      let start = 0;
      for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
        const part = data.subarray(start, nl);
        start = nl + 1;
        if (size + part.length > MAX_LINE_BYTES) return this.tooLarge(s, () => (closing = true));
        const text = Buffer.concat([...chunks, part]).toString('utf8');
        chunks = [];
        size = 0;
        disarm();
        if (++queued > this.limits.maxQueued) {
          closing = true;
          this.reply(s, null, {
            code: 'busy',
            message: `at most ${this.limits.maxQueued} requests may wait on one connection`,
          });
          s.end();
          return;
        }
        queue = queue
          .then(() => this.serve(s, conn, text, abort.signal, () => (closing = true)))
          .finally(() => queued--);
        if (closing) return;
      }
      const rest = data.subarray(start);
      if (rest.length) {
        size += rest.length;
        if (size > MAX_LINE_BYTES) return this.tooLarge(s, () => (closing = true));
        chunks.push(rest);
        armTimer();
      }
    });
    s.on('error', () => undefined); // a client that vanished mid-write: its close follows
    s.on('close', () => {
      disarm();
      abort.abort(new Error('the client closed the connection'));
      this.sockets.delete(conn);
      // After the requests in flight: a lock taken by one of them is bound to this connection too.
      void queue.then(() => this.o.ops.dropConnection(conn));
    });
  }

  private tooLarge(s: net.Socket, markClosing: () => void): void {
    markClosing();
    this.reply(s, null, { code: 'tooLarge', message: `a request line may hold at most ${MAX_LINE_BYTES} bytes` });
    s.end();
  }

  private async serve(s: net.Socket, conn: number, text: string, signal: AbortSignal, markClosing: () => void) {
    if (s.destroyed) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.reply(s, null, { code: 'badRequest', message: 'the request is not JSON' });
    }
    const env = envelopeSchema.safeParse(json);
    if (!env.success)
      return this.reply(s, idOf(json), {
        code: 'badRequest',
        message: `the request needs v, id, token, op and args: ${issuesText(env.error.issues)}`,
      });
    const { id, v, token } = env.data;
    if (v !== BROKER_VERSION)
      return this.reply(s, id, {
        code: 'badVersion',
        message: `this broker speaks version ${BROKER_VERSION}, not ${v}`,
      });
    if (!timingSafeEqual(sha(token), this.tokenHash)) {
      this.o.log.warn(`broker: a request with a wrong token (connection ${conn})`);
      markClosing();
      this.reply(s, id, {
        code: 'badToken',
        message: 'this token is not the run’s: the broker serves its own run only',
      });
      s.end();
      return;
    }
    const req = requestSchema.safeParse({ op: env.data.op, args: env.data.args });
    if (!req.success) {
      const known = requestSchema.options.some((o) => o.shape.op.value === env.data.op);
      return this.reply(
        s,
        id,
        known
          ? { code: 'badRequest', message: `${env.data.op}: ${issuesText(req.error.issues)}` }
          : { code: 'unknownOp', message: `no operation ${JSON.stringify(env.data.op).slice(0, 80)} on the broker` },
      );
    }
    try {
      const result = await this.o.ops.handle(req.data, conn, signal);
      if (!s.destroyed)
        s.write(`${JSON.stringify({ v: BROKER_VERSION, id, ok: true, result } satisfies BrokerResponse)}\n`);
    } catch (e) {
      const fault = faultOf(e);
      if (!fault) this.o.log.error(`broker ${req.data.op}: ${errorMessage(e)}`);
      this.reply(s, id, fault ?? { code: 'internal', message: `the broker failed: ${errorMessage(e).slice(0, 300)}` });
    }
  }

  private reply(s: net.Socket, id: number | string | null, error: BrokerFault): void {
    if (!s.destroyed && s.writable) s.write(line(id, error));
  }
}

function line(id: number | string | null, error: BrokerFault): string {
  return `${JSON.stringify({ v: BROKER_VERSION, id, ok: false, error } satisfies BrokerResponse)}\n`;
}

function sha(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function idOf(json: unknown): number | string | null {
  const id = json && typeof json === 'object' ? (json as { id?: unknown }).id : undefined;
  return typeof id === 'number' || (typeof id === 'string' && id.length <= 64) ? id : null;
}

function issuesText(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(request)'}: ${i.message}`)
    .join('; ');
}
