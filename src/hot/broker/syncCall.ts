import type * as WorkerThreads from 'node:worker_threads';
import { BROKER_VERSION, MAX_LINE_BYTES, type BrokerOp, type BrokerResponse } from './protocol';

/**
 * One broker request from synchronous code (the hook decides a tool call synchronously): a worker thread
 * does the socket work while this thread waits on shared memory. Only the hook's rare paths use it (an
 * approval request); the worker costs a few milliseconds to start.
 */

/** The answer's room in shared memory: larger answers are an error. */
const ANSWER_BYTES = 256 * 1024;

// Plain JavaScript for the worker (eval): connect, send one line, read one line, hand it back.
const WORKER = `
const { workerData } = require('node:worker_threads');
const net = require('node:net');
const { socket, line, shared } = workerData;
const state = new Int32Array(shared, 0, 2);
const bytes = new Uint8Array(shared, 8);
function done(code, text) {
  if (Atomics.load(state, 0) !== 0) return;
  const b = Buffer.from(text, 'utf8');
  if (b.length > bytes.length) { code = 3; b.fill(0); }
  else bytes.set(b);
  state[1] = code === 1 ? b.length : 0;
  Atomics.store(state, 0, code);
  Atomics.notify(state, 0);
  s.destroy();
}
const s = net.createConnection(socket);
let buf = '';
s.setEncoding('utf8');
s.on('connect', () => s.write(line));
s.on('data', (d) => {
  buf += d;
  const nl = buf.indexOf('\\n');
  if (nl >= 0) done(1, buf.slice(0, nl));
  else if (buf.length > bytes.length) done(3, '');
});
s.on('error', (e) => done(2, String(e && e.code || e)));
s.on('close', () => { if (Atomics.load(state, 0) === 0) done(2, 'closed'); });
`;

export type SyncAnswer =
  | { ok: true; result: Record<string, unknown> }
  | { ok: false; code: string; message: string; details?: Record<string, unknown> };

export function brokerCallSync(
  broker: { socket: string; token: string },
  op: BrokerOp,
  args: Record<string, unknown>,
  timeoutMs = 3_000,
): SyncAnswer {
  const line = `${JSON.stringify({ v: BROKER_VERSION, id: 1, token: broker.token, op, args })}\n`;
  if (Buffer.byteLength(line) > MAX_LINE_BYTES)
    return {
      ok: false,
      code: 'tooLarge',
      message: `the request to the F-MES broker is larger than ${MAX_LINE_BYTES} bytes`,
    };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only on this rare path
  const { Worker } = require('node:worker_threads') as typeof WorkerThreads;
  const shared = new SharedArrayBuffer(8 + ANSWER_BYTES);
  const state = new Int32Array(shared, 0, 2);
  const worker = new Worker(WORKER, { eval: true, workerData: { socket: broker.socket, line, shared } });
  worker.unref();
  const waited = Atomics.wait(state, 0, 0, timeoutMs);
  const code = Atomics.load(state, 0);
  void worker.terminate();
  if (waited === 'timed-out' || code === 0)
    return { ok: false, code: 'timeout', message: `the F-MES broker did not answer ${op} within ${timeoutMs} ms` };
  if (code === 2)
    return {
      ok: false,
      code: 'unavailable',
      message: `cannot reach the F-MES broker of this run at ${broker.socket}`,
    };
  if (code === 3) return { ok: false, code: 'tooLarge', message: 'the F-MES broker’s answer is too large' };
  const text = Buffer.from(new Uint8Array(shared, 8, state[1])).toString('utf8');
  let r: BrokerResponse;
  try {
    r = JSON.parse(text) as BrokerResponse;
  } catch {
    return { ok: false, code: 'badRequest', message: 'the F-MES broker’s answer is not JSON' };
  }
  return r.ok
    ? { ok: true, result: r.result }
    : { ok: false, code: r.error.code, message: r.error.message, details: r.error.details };
}
