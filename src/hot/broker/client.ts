import type * as net from 'node:net';
import { FmesError, LockError, type LockErrorReason } from '../errors';
import { BROKER_VERSION, MAX_LINE_BYTES, type BrokerErrorCode, type BrokerOp, type BrokerResponse } from './protocol';

export type BrokerCallReason = BrokerErrorCode | 'unavailable';

/**
 * A broker request that failed: `unavailable` when the broker could not be reached or went away (inside a run
 * that fails closed: nothing was done), else the broker's own code.
 */
export class BrokerCallError extends FmesError<BrokerCallReason> {
  readonly kind = 'broker';
  constructor(
    reason: BrokerCallReason,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(reason, message);
  }
  static is(e: unknown, reason?: BrokerCallReason): e is BrokerCallError {
    return e instanceof BrokerCallError && (reason === undefined || e.reason === reason);
  }
}

const LOCK_REASONS: readonly string[] = ['held', 'notHolder', 'notHeld', 'busy', 'invalidAgent'];

/** The broker's lock failures as the LockError core would have thrown, so callers report them as always. */
export function asLockError(e: unknown): unknown {
  if (!BrokerCallError.is(e) || !LOCK_REASONS.includes(e.reason)) return e;
  const d = e.details ?? {};
  return new LockError(e.reason as LockErrorReason, typeof d.path === 'string' ? d.path : '', e.message, {
    holders: Array.isArray(d.holders) ? d.holders.map(holderFromJson) : [],
  });
}

/** holders.ts holderJson, read back: `{kind:'lock', file, ...record}` → `{kind, path, file, record}`. */
export function holderFromJson(j: unknown): unknown {
  if (!j || typeof j !== 'object') return j;
  const o = j as Record<string, unknown>;
  if (o.kind !== 'lock') return { ...o, path: o.path ?? undefined };
  const { kind, file, ...record } = o;
  return { kind, path: record.path, file, record };
}

/**
 * One connection to the run's broker. Requests go one at a time in order; each has a timeout. The connection
 * is what connection-bound locks are bound to: closing it (or this process dying) releases them.
 */
export class BrokerClient {
  private socket: net.Socket | undefined;
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: BrokerResponse) => void; reject: (e: Error) => void }>();
  private closedWith: BrokerCallError | undefined;

  constructor(
    private readonly socketPath: string,
    private readonly token: string,
  ) {}

  private connect(): Promise<net.Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      // Required here, not imported: net (with the streams under it) is a measurable part of a hook's start,
      // and only a call inside a brokered run connects.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const s = (require('node:net') as typeof net).createConnection(this.socketPath);
      const onError = (e: Error) => {
        reject(unavailable(this.socketPath, e));
      };
      s.once('error', onError);
      s.once('connect', () => {
        s.off('error', onError);
        this.socket = s;
        s.setEncoding('utf8');
        s.on('data', (chunk: string) => this.onData(chunk));
        s.on('error', (e) => this.fail(unavailable(this.socketPath, e)));
        s.on('close', () =>
          this.fail(new BrokerCallError('unavailable', `the F-MES broker (${this.socketPath}) closed the connection`)),
        );
        resolve(s);
      });
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE_BYTES * 4) {
      this.fail(new BrokerCallError('tooLarge', 'the F-MES broker sent an answer too large to read'));
      this.close();
      return;
    }
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let r: BrokerResponse;
      try {
        r = JSON.parse(line) as BrokerResponse;
      } catch {
        continue;
      }
      const id = typeof r.id === 'number' ? r.id : -1;
      const p = this.pending.get(id);
      if (!p) {
        // An answer to no request (the broker refused the line before reading an id): it ends everything waiting.
        if (!r.ok) this.fail(new BrokerCallError(r.error.code, r.error.message, r.error.details));
        continue;
      }
      this.pending.delete(id);
      p.resolve(r);
    }
  }

  private fail(e: BrokerCallError): void {
    this.closedWith ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Sends one request and waits for its answer; throws BrokerCallError for an error answer or no answer. */
  async call(op: BrokerOp, args: Record<string, unknown>, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    if (this.closedWith) throw this.closedWith;
    const s = await this.connect();
    const id = this.nextId++;
    const answer = new Promise<BrokerResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BrokerCallError('timeout', `the F-MES broker did not answer ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    s.write(`${JSON.stringify({ v: BROKER_VERSION, id, token: this.token, op, args })}\n`);
    const r = await answer;
    if (!r.ok) throw new BrokerCallError(r.error.code, r.error.message, r.error.details);
    return r.result;
  }

  /** Closes the connection: the broker releases the locks bound to it. */
  close(): void {
    this.socket?.end();
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** Lets the process exit while the connection is open (it is closed by the exit). */
  unref(): void {
    this.socket?.unref();
  }
}

function unavailable(socket: string, e: Error): BrokerCallError {
  const code = (e as NodeJS.ErrnoException).code;
  return new BrokerCallError(
    'unavailable',
    `cannot reach the F-MES broker of this run at ${socket}${code ? ` (${code})` : ''}: inside an agent run, locks, approvals and the audit log go through it, so nothing was done`,
  );
}

/** One request on a connection of its own, closed afterwards. */
export async function brokerCall(
  broker: { socket: string; token: string },
  op: BrokerOp,
  args: Record<string, unknown>,
  timeoutMs?: number,
): Promise<Record<string, unknown>> {
  const c = new BrokerClient(broker.socket, broker.token);
  try {
    return await c.call(op, args, timeoutMs);
  } finally {
    c.close();
  }
}
