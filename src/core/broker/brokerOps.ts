import * as path from 'node:path';
import type { BrokerFault } from '../../hot/broker/protocol';
import { statusLine } from '../../hot/broker/lockText';
import { ControlCharacterError } from '../../hot/locks/printable';
import { holderJson, holderStatusJson, type Holder } from '../../hot/locks/holders';
import { LockBackendError } from '../../hot/locks/backendSpec';
import type { LockBackend, LockLease } from '../../hot/locks/lockBackend';
import type { WorkspacePaths } from '../../hot/paths/workspacePath';
import { appendAudit } from '../../hot/safety/audit';
import type { Redactor } from '../../hot/safety/redact';
import { submitReport } from '../artifacts/outbox';
import { FmesError, LockError, PathError, formatIssues } from '../errors';
import type { Logger } from '../log';
import { ApprovalStore, type Approval } from '../safety/approvals';
import type { BrokerRequest } from './brokerSchema';

/** Who the run is: fixed when F-MES starts it, never taken from a request. */
export interface RunIdentity {
  agent: string;
  runId: string;
  taskId: string;
}

export interface BrokerOpsOptions {
  root: string;
  run: RunIdentity;
  paths: WorkspacePaths;
  /**
   * The workspace's lock backend (the file backend, or Redis), opened on first need: a backend that cannot be
   * opened (a bad or unconfirmed locks.backend) fails each lock request, never falls back to another.
   */
  locks: () => LockBackend;
  log: Logger;
  redactor: Redactor;
  now?: () => number;
}

/** A lock this run took through the broker: the lease, and the connections it is bound to. */
interface Held {
  handle: LockLease;
  /** The release key of a detached lock (the broker keeps it: the run may release by path alone). */
  key: string | undefined;
  /** Connections holding it; a lock bound to none of them is detached (its TTL bounds it). */
  bound: Set<number>;
  detached: boolean;
}

/** A request refused with a typed error; the server turns it into the response's `error`. */
export class BrokerOpError extends FmesError<BrokerFault['code']> {
  readonly kind = 'brokerOp';
  constructor(
    code: BrokerFault['code'],
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(code, message);
  }
  static is(e: unknown): e is BrokerOpError {
    return e instanceof BrokerOpError;
  }
}

/**
 * What a run may do through its broker, each as the run's own agent: take, renew and release its own locks,
 * read the lock table, append to the audit log, file an approval request and read its decision, submit a
 * report. There is no operation to approve, reject, break a lock, confirm configuration or act as anyone else.
 */
export class BrokerOps {
  private readonly held = new Map<string, Held>();
  private readonly approvals: ApprovalStore;
  private disposed = false;

  constructor(private readonly o: BrokerOpsOptions) {
    this.approvals = new ApprovalStore(o.root);
  }

  async handle(req: BrokerRequest, conn: number, signal: AbortSignal): Promise<Record<string, unknown>> {
    switch (req.op) {
      case 'whoami':
        return { ...this.o.run, workspace: this.o.root };
      case 'lock.acquire':
        return this.acquire(req.args, conn, signal);
      case 'lock.release':
        return this.release(req.args, conn);
      case 'lock.renew':
        return this.renew(req.args);
      case 'lock.status': {
        const all = await this.backend.status({ markers: req.args.markers === true });
        return { locks: all.map(holderStatusJson), lines: all.map((s) => statusLine(s)) };
      }
      case 'audit.append': {
        const file = appendAudit(this.o.root, { ...req.args.record, agent: this.o.run.agent }, this.o.redactor);
        return { file: path.relative(this.o.root, file).split(path.sep).join('/') };
      }
      case 'approval.gate':
        return this.gate(req.args);
      case 'approval.status':
        return this.approvalStatus(req.args.id, (req.args.waitSec ?? 0) * 1000, signal);
      case 'report.submit':
        return this.submit(req.args.report);
    }
  }

  /** The backend, opened on first need; one that cannot be opened is the request's typed error. */
  private get backend(): LockBackend {
    return this.o.locks();
  }

  /** The connection closed: the locks bound to it alone are released. */
  dropConnection(conn: number): void {
    for (const [p, h] of this.held) {
      if (!h.bound.delete(conn) || h.bound.size > 0 || h.detached) continue;
      this.held.delete(p);
      void this.releaseQuietly(h);
    }
  }

  /**
   * The run ended: every lock bound to one of its connections is released; detached ones keep their TTL.
   * Settles when the releases did (a remote backend answers them over the network).
   */
  dispose(): Promise<void> {
    this.disposed = true;
    const releases: Promise<void>[] = [];
    for (const [p, h] of this.held) {
      h.handle.stopHeartbeat();
      if (h.bound.size > 0 && !h.detached) releases.push(this.releaseQuietly(h));
      this.held.delete(p);
    }
    return Promise.all(releases).then(() => undefined);
  }

  private async releaseQuietly(h: Held): Promise<void> {
    try {
      if (h.key !== undefined) await this.backend.release(h.handle.path, { key: h.key });
      else await h.handle.release();
    } catch (e) {
      // Released by the run another way, or broken by a person: nothing of ours is left to release. A backend
      // that is down keeps the lock until its lease (a connection-bound one) or its TTL runs out.
      if (!LockError.is(e)) this.o.log.warn(`releasing ${h.handle.path}: ${String(e)}`);
    }
  }

  private checkAgent(claimed: string | undefined, what: string): void {
    if (claimed !== undefined && claimed !== this.o.run.agent)
      throw new BrokerOpError(
        'refused',
        `${what} as ${claimed}: this runs inside run ${this.o.run.runId} of ${this.o.run.agent}, and an agent acts only as itself (${this.o.run.agent}), never as ${claimed}`,
      );
  }

  /** As the CLI's pathArg: relative to the caller's folder when that is inside the workspace. */
  private pathOf(p: string, cwd: string | undefined): string {
    const paths = this.o.paths;
    if (path.isAbsolute(p) || cwd === undefined || !path.isAbsolute(cwd)) return p;
    for (const root of [paths.root, paths.realRoot]) {
      const rel = path.relative(root, cwd);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.resolve(cwd, p);
    }
    return p;
  }

  private async acquire(
    a: Extract<BrokerRequest, { op: 'lock.acquire' }>['args'],
    conn: number,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    this.checkAgent(a.agent, 'locking');
    const input = this.pathOf(a.path, a.cwd);
    const backend = this.backend;
    const p = backend.normalize(input);
    // A connection-bound lock on a remote backend holds the backend's short lease, renewed by the heartbeat
    // below, so the lock frees within that lease for every machine when this process dies: a TTL asked for
    // applies to detached locks only there.
    const leased = a.bind === 'connection' && backend.kind !== 'file';
    const ttlMs = a.ttlSec === undefined || leased ? undefined : a.ttlSec * 1000;
    const mine = this.held.get(p);
    if (mine) {
      // Taken already in this run: a re-entry renews it and binds it to this connection too.
      let record;
      try {
        record = await mine.handle.renew(ttlMs);
      } catch (e) {
        if (!LockError.is(e)) throw e;
        this.held.delete(p); // broken by a person, or expired and taken over: take it anew
      }
      if (record) {
        if (a.bind === 'connection') mine.bound.add(conn);
        else mine.detached = true;
        return { lock: { file: mine.handle.file, ...record }, key: null, reentered: true };
      }
    }
    const handle = await backend.acquire(input, {
      agent: this.o.run.agent,
      intent: a.intent ?? '',
      // A connection-bound lock is this process's (the F-MES process that started the run): it dies with it.
      pid: a.bind === 'connection' ? 'self' : null,
      ttlMs,
      waitMs: (a.waitSec ?? 0) * 1000,
      signal,
    });
    if (this.disposed) {
      // The run ended while this waited: nobody is left to release it.
      await this.releaseQuietly({ handle, key: handle.key, bound: new Set(), detached: false });
      throw new BrokerOpError('ended', `run ${this.o.run.runId} has ended`);
    }
    const held: Held = {
      handle,
      key: handle.key,
      bound: new Set(a.bind === 'connection' ? [conn] : []),
      detached: a.bind === 'detached',
    };
    if (a.bind === 'connection') {
      const ttl = Date.parse(handle.record.expiresAt) - Date.parse(handle.record.acquiredAt);
      handle.startHeartbeat(Math.max(1000, ttl / 3), (e) =>
        this.o.log.warn(`run ${this.o.run.runId} lost the lock on ${handle.path}: ${String(e)}`),
      );
    } else handle.forget();
    this.held.set(handle.path, held);
    return {
      lock: { file: handle.file, ...handle.record },
      key: handle.key ?? null,
      ...(handle.fence !== undefined ? { fence: handle.fence } : {}),
      reentered: false,
    };
  }

  /**
   * Which lock a release or renewal may touch: one this run took (by path), or one held by this run's agent
   * whose key the caller has. Never another agent's, key or not.
   */
  private async claimOf(a: { path: string; cwd?: string; key?: string; agent?: string }, what: string) {
    this.checkAgent(a.agent, what);
    const backend = this.backend;
    const p = backend.normalize(this.pathOf(a.path, a.cwd));
    const mine = this.held.get(p);
    if (mine) return { p, mine };
    const holder = (await backend.blockersFor(p, undefined)).find((h) => h.path === p);
    if (!holder) throw new LockError('notHeld', p, `${p} is not locked.`);
    if (holder.kind !== 'lock' || holder.record.agent !== this.o.run.agent)
      throw new BrokerOpError(
        'refused',
        `${what} ${p}: it is held by ${holder.kind === 'lock' ? holder.record.agent : 'an invalid lock file or marker'}, and run ${this.o.run.runId} of ${this.o.run.agent} releases and renews only its own locks`,
        { path: p, holders: [holderJson(holder)] },
      );
    if (a.key === undefined)
      throw new LockError(
        'notHolder',
        p,
        `${p} is held by ${this.o.run.agent}, but not through this run: release it with its --token (printed when it was taken).`,
        { holders: [holder] },
      );
    return { p, mine: undefined, key: a.key };
  }

  private async release(
    a: Extract<BrokerRequest, { op: 'lock.release' }>['args'],
    conn: number,
  ): Promise<Record<string, unknown>> {
    if (a.hold === 'connection') {
      // `fmes lock run` ending: its hold goes; the lock stays while another command or a detached hold has it.
      this.checkAgent(a.agent, 'releasing');
      const p = this.backend.normalize(this.pathOf(a.path, a.cwd));
      const mine = this.held.get(p);
      if (!mine?.bound.has(conn)) return { path: p, released: false };
      mine.bound.delete(conn);
      if (mine.bound.size > 0 || mine.detached) return { path: p, released: false };
      this.held.delete(p);
      await this.releaseQuietly(mine);
      return { path: p, released: true };
    }
    const c = await this.claimOf(a, 'releasing');
    if (c.mine) {
      this.held.delete(c.p);
      const h = c.mine;
      h.handle.stopHeartbeat();
      if (h.key !== undefined) {
        const record = await this.backend.release(c.p, { key: h.key });
        return { path: record.path, agent: record.agent };
      }
      await h.handle.release();
      return { path: h.handle.record.path, agent: h.handle.record.agent };
    }
    const record = await this.backend.release(c.p, { key: c.key });
    return { path: record.path, agent: record.agent };
  }

  private async renew(a: Extract<BrokerRequest, { op: 'lock.renew' }>['args']): Promise<Record<string, unknown>> {
    const c = await this.claimOf(a, 'renewing');
    const ttlMs = a.ttlSec === undefined ? undefined : a.ttlSec * 1000;
    if (c.mine) {
      // A lock on a lease (connection-bound, remote) keeps its lease: the heartbeat renews it.
      const leased = c.mine.bound.size > 0 && !c.mine.detached && this.backend.kind !== 'file';
      const record =
        c.mine.key !== undefined
          ? await this.backend.renew(c.p, { key: c.mine.key, ttlMs })
          : await c.mine.handle.renew(leased ? undefined : ttlMs);
      return { path: record.path, expiresAt: record.expiresAt };
    }
    const record = await this.backend.renew(c.p, { key: c.key, ttlMs });
    return { path: record.path, expiresAt: record.expiresAt };
  }

  private gate(a: Extract<BrokerRequest, { op: 'approval.gate' }>['args']): Record<string, unknown> {
    const { agent, runId, taskId } = this.o.run;
    const seen = this.approvals.find(agent, a.tool, a.toolInput);
    if (seen?.status === 'approved') {
      this.approvals.use(seen);
      return decision(seen, 'approved');
    }
    if (seen?.status === 'rejected') return decision(seen, 'rejected');
    const r =
      seen ??
      this.approvals.request({
        agent,
        runId,
        taskId,
        session: a.session,
        tool: a.tool,
        toolInput: a.toolInput,
        summary: this.o.redactor.redact(a.summary),
        reason: this.o.redactor.redact(a.reason),
        ruleId: a.ruleId,
      });
    return decision(r, 'pending');
  }

  private async approvalStatus(id: string, waitMs: number, signal: AbortSignal): Promise<Record<string, unknown>> {
    const end = Date.now() + waitMs;
    for (;;) {
      const a = this.approvals.get(id);
      if (!a || a.agent !== this.o.run.agent)
        throw new BrokerOpError('refused', `approval ${id}: no request of ${this.o.run.agent} has that id`);
      if (a.status !== 'pending' || Date.now() >= end || signal.aborted) return decision(a, a.status);
      await new Promise((r) => setTimeout(r, Math.min(250, end - Date.now())));
    }
  }

  private async submit(report: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.checkAgent(typeof report.agent === 'string' ? report.agent : undefined, 'reporting');
    const r = await submitReport(this.o.root, { ...report, agent: this.o.run.agent }, this.o.now?.());
    if (!r.ok)
      throw new BrokerOpError('invalid', `report not written: ${formatIssues(r.issues)}`, { issues: r.issues });
    return { file: r.file, report: r.report };
  }
}

function decision(a: Approval, status: string): Record<string, unknown> {
  return { id: a.id, status, decidedBy: a.decidedBy ?? null, note: a.note ?? null };
}

/** A failure of an operation as the response's typed error; undefined for a bug (reported as `internal`). */
export function faultOf(e: unknown): BrokerFault | undefined {
  if (BrokerOpError.is(e)) return { code: e.reason, message: e.message, details: e.details };
  if (LockError.is(e))
    return {
      code: e.reason,
      message: e.message,
      details: { path: e.path, holders: ((e.details?.holders ?? []) as Holder[]).map(holderJson) },
    };
  if (PathError.is(e)) return { code: 'invalidPath', message: e.message, details: { reason: e.reason } };
  // The lock server is down or the backend cannot be used: nothing was locked; the client exits 69 with it.
  if (LockBackendError.is(e)) return { code: 'unavailable', message: e.message, details: { reason: e.reason } };
  if (ControlCharacterError.is(e)) return { code: 'invalid', message: e.message, details: { field: e.field } };
  return undefined;
}
