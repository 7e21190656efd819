import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunBroker, type RunBrokerOptions } from '../../../src/core/broker/runBroker';
import type { BrokerLimits } from '../../../src/core/broker/brokerServer';
import { createLogger, nullSink } from '../../../src/core/log';
import { Redactor } from '../../../src/hot/safety/redact';
import { CLI } from '../../fixtures/cli';

/** A private folder for the brokers' sockets (as $XDG_RUNTIME_DIR/fmes would be). */
export function privateDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-brk-'));
  fs.chmodSync(d, 0o700);
  return d;
}

export function openBroker(
  root: string,
  run: { agent: string; runId: string; taskId?: string },
  baseDir: string,
  limits?: Partial<BrokerLimits>,
  more: Pick<RunBrokerOptions, 'lockBackend' | 'env'> = {},
): RunBroker {
  return RunBroker.open({
    root,
    run: { taskId: 't-1', ...run },
    log: createLogger(nullSink),
    redactor: () => new Redactor({}),
    baseDir,
    limits,
    ...more,
  });
}

/** A broker answer as a test reads it: the fields it checks, loosely typed. */
export interface Answer {
  v: number;
  id: number | string | null;
  ok: boolean;
  result: Record<string, unknown> & { lock: Record<string, unknown>; id: string; file: string; status: string };
  error: { code: string; message: string; details: Record<string, unknown> & { holders: { agent: string }[] } };
}

/** A raw connection that speaks lines: what an attacker inside the run can do with the socket. */
export class RawConn {
  readonly socket: net.Socket;
  private buf = '';
  private lines: string[] = [];
  private waiters: ((l: string | undefined) => void)[] = [];
  closed = false;
  constructor(socketPath: string) {
    this.socket = net.createConnection(socketPath);
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.buf += d;
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        const l = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const w = this.waiters.shift();
        if (w) w(l);
        else this.lines.push(l);
      }
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    });
  }
  ready(): Promise<void> {
    return new Promise((r) => (this.socket.connecting ? this.socket.once('connect', () => r()) : r()));
  }
  send(x: unknown): void {
    this.socket.write(typeof x === 'string' ? x : `${JSON.stringify(x)}\n`);
  }
  /** The next answer, parsed; undefined once the broker closed the connection. */
  next(): Promise<Answer | undefined> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(JSON.parse(l) as Answer);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((r) => this.waiters.push((x) => r(x === undefined ? undefined : (JSON.parse(x) as Answer))));
  }
  waitClosed(): Promise<void> {
    return new Promise((r) => (this.closed ? r() : this.socket.once('close', () => r())));
  }
  async call(token: string, op: string, args: Record<string, unknown> = {}, id = 1) {
    this.send({ v: 1, id, token, op, args });
    return this.next();
  }
  close(): void {
    this.socket.destroy();
  }
}

/** `fmes <args>` as a process inside the run (async: the broker lives in this process). */
export function fmesIn(
  broker: RunBroker,
  args: string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; script?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [o.script ?? CLI, ...args], {
      cwd: o.cwd,
      env: { ...process.env, ...broker.env, FMES_RUN_ID: 'run-1', FMES_AGENT: 'claude', ...o.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(o.input ?? '');
  });
}

/** Polls until `f` is true (the broker acts on a closed connection asynchronously). */
export async function until(f: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function lockFiles(root: string): string[] {
  try {
    return fs.readdirSync(path.join(root, '.locks')).filter((n) => n.endsWith('.lock'));
  } catch {
    return [];
  }
}
