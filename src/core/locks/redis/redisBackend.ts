import { LockError } from '../../../hot/errors';
import { nodeCrypto, uniqueId } from '../../../hot/ids';
import { AGENT_ID, isAgentId } from '../../../hot/locks/agentId';
import { backoffDelay, sleep } from '../../../hot/locks/backoff';
import { LockBackendError, type RedisSpec } from '../../../hot/locks/backendSpec';
import type { BreakRecord } from '../../../hot/locks/breaker';
import { describeHolder, type Holder } from '../../../hot/locks/holders';
import { hostName, processStartId } from '../../../hot/locks/liveness';
import type { BackendHealth, LockBackend } from '../../../hot/locks/lockBackend';
import { hashKey, type LockClaim } from '../../../hot/locks/lockClaim';
import type { HolderStatus } from '../../../hot/locks/lockManager';
import type { AcquireOptions, LockOwner } from '../../../hot/locks/lockOptions';
import { LOCK_VERSION } from '../../../hot/locks/lockRecord';
import { sameAgent } from '../../../hot/locks/lockView';
import { assertNoControl } from '../../../hot/locks/printable';
import { ancestorsOf, covers, type WorkspacePath, type WorkspacePaths } from '../../../hot/paths/workspacePath';
import type { Logger } from '../../log';
import type { LockRecord } from '../../schemas/lock';
import { backendError, connectLockClient, namespaceKeys, waiterKey, wakeKey, type LockClient } from './redisClient';
import { watchLockChannel } from './redisWatch';
import { RedisLease } from './redisLease';
import { RedisTurns } from './redisTurns';
import { PathMemo } from '../../../hot/locks/pathMemo';
import { holderOf, parseStored, remoteStaleness } from './redisRecords';
import { refusal } from './redisRefusal';
import { defer, sendAllDeferred, undefer, type Deferring } from './redisDeferred';

/** A release inside a turn, deferred to the end of the tick (redisDeferred.ts). */
interface DeferredRelease {
  /** The lease it releases (its record names the path, agent and token): taken back as it is by the same
   * process's next acquire of the path that fits it. */
  lease: RedisLease;
  /** The waiter id of the turn it is quiet for. */
  waiter: string;
  onLate?: (e: unknown) => void;
}

export interface RedisBackendOptions {
  paths: WorkspacePaths;
  spec: RedisSpec;
  namespace: string;
  /** The lease of a lock bound to a process, renewed by its heartbeat (default 10 s). */
  leaseMs?: number;
  /** The TTL of a lock with no process (`fmes lock acquire`; default 30 min). */
  detachedTtlMs?: number;
  connectTimeoutMs?: number;
  longLived?: boolean;
  /** The longest turn of a process that takes a path again and again (RedisTurns; default 25 ms). */
  turnMs?: number;
  /** The name this machine carries in its locks (FMES_LOCK_HOST, else the host name). */
  host?: string;
  log?: Logger;
}

/**
 * How long a waiter blocks before it tries again with no wake-up (a lease that ran out unseen): well inside the
 * line's STALE_MS (3 s, redisScripts.ts), which each try renews. 250 ms cost 31 waiters of a 32-process line
 * about 120 wake-ups a second between them, each a Node process scheduled on a busy machine, for nothing.
 */
const WAKE_FALLBACK_MS = 1000;

/** Longest intent the lock record schema accepts. */
const MAX_INTENT = 500;

/** The Redis lock backend (redisScripts.ts holds the protocol; this is its client side). */
export class RedisLockBackend implements LockBackend, Deferring {
  readonly kind = 'redis';
  readonly where: string;
  readonly host: string;
  readonly leaseMs: number;
  readonly detachedTtlMs: number;
  private readonly keys: string[];
  private readonly channel: string;
  private client: Promise<LockClient> | undefined;
  /** The client of `client` once connected. */
  private ready: LockClient | undefined;
  /** The connection waiters block on (BLPOP), made on the first wait. */
  private blocker: Promise<LockClient> | undefined;
  private readonly turns: RedisTurns;
  /** Path resolution of the acquire hot path without an lstat per segment on each call (pathMemo.ts). */
  private readonly memo: PathMemo;
  /** This backend's release waiting for the end of the tick, if any (at most one). */
  private deferred: DeferredRelease | undefined;

  constructor(private readonly o: RedisBackendOptions) {
    this.where = o.spec.where;
    this.host = o.host || hostName();
    this.leaseMs = o.leaseMs ?? 10_000;
    this.detachedTtlMs = o.detachedTtlMs ?? 30 * 60_000;
    ({ keys: this.keys, channel: this.channel } = namespaceKeys(o.namespace));
    this.memo = new PathMemo(o.paths);
    this.turns = new RedisTurns((p, owner) => void this.leave(p, owner), undefined, undefined, o.turnMs);
  }

  get namespace(): string {
    return this.o.namespace;
  }
  /** The channel each change is published on (the editor subscribes to it). */
  get changes(): string {
    return this.channel;
  }

  /** Calls `onChange` on each change to this namespace's locks (a subscription to the scripts' channel). */
  watch(onChange: () => void): { dispose(): void } {
    return watchLockChannel(this.o.spec, this.channel, onChange);
  }

  normalize(input: string): WorkspacePath {
    return this.memo.resolve(input).path;
  }

  /** Runs one script; any failure to talk to the server becomes LockBackendError naming it. */
  private async run(
    script: 'fmesAcquire' | 'fmesReleaseAcquire' | 'fmesReleaseOrRenew' | 'fmesBreak' | 'fmesStatus' | 'fmesLeave',
    args: string[],
  ) {
    sendAllDeferred(); // a release that returned goes first
    // The connection made, this awaits nothing but the reply (one microtask less per call).
    const c = this.ready ?? (await this.connection());
    try {
      return await c[script](...this.keys, this.channel, ...args);
    } catch (e) {
      // The next call connects afresh: a connection that failed a command is not trusted again.
      if (this.client !== undefined) {
        this.client = undefined;
        this.ready = undefined;
        c.disconnect();
      }
      throw backendError(this.o.spec, e);
    }
  }

  private connection(): Promise<LockClient> {
    const c = (this.client ??= connectLockClient(this.o.spec, {
      connectTimeoutMs: this.o.connectTimeoutMs,
      longLived: this.o.longLived,
    }));
    c.then(
      (client) => {
        if (this.client === c) this.ready = client;
      },
      () => {
        if (this.client === c) this.client = undefined; // the next call tries again
      },
    );
    return c;
  }

  /** One attempt, without waiting. */
  async tryAcquire(
    input: string,
    owner: LockOwner,
  ): Promise<{ ok: true; lease: RedisLease; reentered: boolean } | { ok: false; holders: Holder[] }> {
    const r = await this.attempt(this.normalize(input), owner, '');
    return r.ok ? r : { ok: false, holders: r.holders };
  }

  /** One try; `waiter` is the id of a waiting acquire in the path's line ('' for a one-shot try). */
  private async attempt(
    p: WorkspacePath,
    owner: LockOwner,
    waiter: string,
  ): Promise<{ ok: true; lease: RedisLease; reentered: boolean } | { ok: false; holders: Holder[]; queued?: boolean }> {
    if (!isAgentId(owner.agent))
      throw new LockError('invalidAgent', p, `The agent id ${JSON.stringify(owner.agent)} ${AGENT_ID.message}.`, {
        agent: owner.agent,
      });
    assertNoControl('path', p);
    const intent = owner.intent ?? '';
    assertNoControl('intent', intent);
    if (intent.length > MAX_INTENT)
      throw new LockBackendError('invalid', `the intent is ${intent.length} characters long; at most ${MAX_INTENT}`);
    const pid = owner.pid === undefined || owner.pid === 'self' ? process.pid : owner.pid;
    const key = pid === process.pid ? undefined : nodeCrypto().randomBytes(24).toString('base64url');
    const ttl = owner.ttlMs ?? (pid === null ? this.detachedTtlMs : this.leaseMs);
    const record: Omit<LockRecord, 'acquiredAt' | 'expiresAt'> = {
      version: LOCK_VERSION,
      pid,
      pidStart: pid === null ? null : (processStartId(pid) ?? null),
      host: this.host,
      path: p,
      agent: owner.agent,
      intent,
      token: uniqueId(),
      ...(key === undefined ? {} : { keyHash: hashKey(key) }),
    };
    const json = JSON.stringify(record);
    const [ttlText, pidText] = [String(Math.round(ttl)), pid === null ? '' : String(pid)];
    // This waiter's release of p, if it waits for the end of the tick, goes with this acquire in one script; or,
    // when the lock it releases is the one asked for, the release is dropped and the lock taken back as it is.
    const r = waiter === '' ? undefined : this.takeDeferred(p, waiter, owner.agent);
    if (r !== undefined && key === undefined && pid === process.pid && this.fits(r.lease, intent, ttl))
      return { ok: true, lease: r.lease.takenBack(), reentered: false };
    let reply: string[];
    if (r === undefined) {
      const args = [p, json, ttlText, owner.agent, pidText, this.host, waiter, ...ancestorsOf(p)];
      reply = (await this.run('fmesAcquire', args)) as string[];
    } else {
      const { agent, token } = r.lease.record;
      const args = [p, agent, token, waiter, json, ttlText, pidText, this.host, ...ancestorsOf(p)];
      let both: string[];
      try {
        both = (await this.run('fmesReleaseAcquire', args)) as string[];
      } catch (e) {
        this.late(r, e);
        throw e;
      }
      const [released, held, ...rest] = both;
      if (released !== 'ok')
        this.late(r, refusal(this.where, p, released, held || undefined, { agent, token }, 'release'));
      reply = rest;
    }
    const [verdict, ...values] = reply;
    const now = Date.now();
    if (verdict === 'queued') return { ok: false, holders: [], queued: true };
    if (verdict === 'held') return { ok: false, holders: values.map((v) => holderOf(v, this.where, now)) };
    if (verdict === 'ok') {
      // A new lock is the record sent, with the server's times and fence: nothing to parse.
      const [fence = '', at, exp] = values;
      const { keyHash, ...rest } = record;
      const full: LockRecord = {
        ...rest,
        acquiredAt: new Date(Number(at)).toISOString(),
        expiresAt: new Date(Number(exp)).toISOString(),
        ...(keyHash === undefined ? {} : { keyHash }),
      };
      return { ok: true, lease: new RedisLease(this, full, fence, key), reentered: false };
    }
    const s = parseStored(values[0] ?? '');
    if (!('record' in s))
      throw new LockBackendError('invalid', `${this.where} returned a lock record F-MES cannot read`);
    return {
      ok: true,
      lease: new RedisLease(this, s.record, s.fence, verdict === 'ok' ? key : undefined),
      reentered: verdict === 'reentered',
    };
  }

  async acquire(input: string, options: AcquireOptions): Promise<RedisLease> {
    const waits = (options.waitMs ?? 0) > 0;
    const deadline = Date.now() + (options.waitMs ?? 0);
    const p = this.normalize(input);
    // A waiting acquire goes by one waiter id in the path's line (see redisScripts.ts): its turn's, else a new one.
    const waiter = waits ? this.turns.waiterFor(p) : '';
    let announced = false;
    let holders: Holder[] = [];
    let inLine = false;
    try {
      for (let attempt = 0; ; attempt++) {
        options.signal?.throwIfAborted();
        this.turns.asking(p);
        const r = await this.attempt(p, options, waiter).finally(() => this.turns.settled(p));
        if (r.ok) {
          if (waits) this.turns.taken(r.lease.path, waiter);
          inLine = false;
          return r.lease;
        }
        if (waits && attempt === 0) this.turns.lost(p); // someone else has it now: this process's turn is over
        inLine = waits;
        if (!r.queued) holders = r.holders;
        if ((await this.breakStale(r.holders, options.agent)) > 0) continue;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new LockError('held', p, `${p} is held: ${holders.map((h) => describeHolder(h)).join('; ')}`, {
            holders,
          });
        if (!announced) options.onWait?.(holders);
        announced = true;
        const other = r.holders.find((h) => h.path !== undefined && h.path !== p)?.path;
        if (r.queued || r.holders.some((h) => h.path !== undefined))
          await this.waitForWake(waiter, other, Math.min(left, WAKE_FALLBACK_MS), options.signal);
        else await sleep(Math.min(left, backoffDelay(attempt, { baseMs: 2, capMs: 100 })), options.signal);
      }
    } finally {
      // A waiter that gives up (time out, abort, an error) leaves the line at once rather than after STALE_MS.
      if (inLine) void this.leave(p, waiter);
    }
  }

  /**
   * Blocks (on a connection of its own, BLPOP) until this waiter reaches the head of its line with the path free
   * (its own list), or the lock on `other` goes (a folder lock that covers the path), or `ms` pass. Waiting costs
   * no CPU and no polling; the timeout covers what pushes no wake-up (a lease running out unseen).
   */
  private async waitForWake(waiter: string, other: string | undefined, ms: number, signal?: AbortSignal) {
    const blocker = await (this.blocker ??= connectLockClient(this.o.spec, {
      connectTimeoutMs: this.o.connectTimeoutMs,
    }));
    const abort = () => blocker.disconnect();
    signal?.addEventListener('abort', abort, { once: true });
    const keys = [waiterKey(this.o.namespace, waiter)];
    if (other !== undefined) keys.push(wakeKey(this.o.namespace, other));
    try {
      await blocker.blpop(...keys, Math.max(0.01, ms / 1000));
    } catch (e) {
      signal?.throwIfAborted();
      this.blocker = undefined;
      throw backendError(this.o.spec, e);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    signal?.throwIfAborted();
  }

  /** Breaks the holders bound to a dead process on this machine (recorded as stale); returns how many. */
  private async breakStale(holders: readonly Holder[], by: string): Promise<number> {
    let n = 0;
    for (const h of holders) {
      const s = remoteStaleness(h, this.host);
      if (!s.stale || h.kind !== 'lock') continue;
      const [v] = await this.run('fmesBreak', [h.path, by, `stale: ${s.reason}`, 'stale', h.record.token]);
      if (v === 'ok') {
        n++;
        this.o.log?.info(`broke stale lock ${describeHolder(h)} (${s.reason})`);
      }
    }
    return n;
  }

  release(input: string, who: LockClaim): Promise<LockRecord> {
    return this.releaseOrRenew(input, who, 'release');
  }

  renew(input: string, who: LockClaim & { ttlMs?: number }): Promise<LockRecord> {
    return this.releaseOrRenew(input, who, 'renew', who.ttlMs);
  }

  /**
   * @internal A lease's own release: its path is normalised already and its record is not wanted back.
   * Inside a turn, from its second acquisition on (RedisTurns.pipelined), the release is not waited for: it waits
   * for the end of this tick (redisDeferred.ts), so that this process's next acquire of the path, if it comes
   * within the tick, carries it in one script; else it is sent then. Either way it reaches the server before
   * anything this process sends after it returned. A refusal (the lock was lost before it) goes to `onLate` and
   * the log.
   */
  async releaseLease(lease: RedisLease, onLate?: (e: unknown) => void): Promise<void> {
    const { path: p, agent, token } = lease.record;
    const inLoop = this.ready !== undefined && this.turns.pipelined(p);
    const quiet = this.turns.quietRelease(p);
    if (inLoop && quiet !== '') {
      this.sendDeferred(); // at most one waits
      this.deferred = { lease, waiter: quiet, onLate };
      defer(this);
      return;
    }
    await this.sendRelease(p, agent, token, quiet);
  }

  /** Sends a lease's release; a refusal is the LockError that words it. */
  private async sendRelease(p: string, agent: string, token: string, quiet: string): Promise<void> {
    const [v, json] = await this.run('fmesReleaseOrRenew', [p, 'agent', agent, token, 'release', '', quiet]);
    if (v !== 'ok') throw refusal(this.where, p, v, json, { agent, token }, 'release');
  }

  /** @internal (redisDeferred.ts) Sends this backend's deferred release, if any. */
  sendDeferred(): void {
    const r = this.deferred;
    if (r === undefined) return;
    this.deferred = undefined;
    undefer(this);
    const { path, agent, token } = r.lease.record;
    this.sendRelease(path, agent, token, r.waiter).catch((e: unknown) => this.late(r, e));
  }

  /**
   * Whether a lock whose release waits for the end of the tick may be taken back as it is, without the server:
   * same intent and lease length, and confirmed by the server well within its lease (a turn lasts milliseconds,
   * so a lease half gone means this process was stalled: ask the server). For everyone else the lock was held for
   * the whole turn, as if the loop had kept it; a break in between is heard when the turn's release is refused
   * (as a lost lock, as a heartbeat would report it), and the fence tells a store to refuse the holder's writes.
   */
  private fits(lease: RedisLease, intent: string, ttl: number): boolean {
    const { ttlMs, confirmedAt } = lease.leaseState;
    return lease.record.intent === intent && ttlMs === Math.max(1000, ttl) && Date.now() - confirmedAt < ttlMs / 2;
  }

  /** The deferred release of `p` by `agent` in the turn of `waiter`, taken to travel with its next acquire. */
  private takeDeferred(p: string, waiter: string, agent: string): DeferredRelease | undefined {
    const r = this.deferred;
    if (r === undefined || r.lease.path !== p || r.waiter !== waiter || r.lease.record.agent !== agent)
      return undefined;
    this.deferred = undefined;
    undefer(this);
    return r;
  }

  /** A deferred release failed after it returned: the lease hears it as a lost lock. */
  private late(r: DeferredRelease, e: unknown): void {
    this.o.log?.warn(`the release of ${r.lease.path} was refused after it returned: ${(e as Error).message ?? e}`);
    r.onLate?.(e);
  }

  private async releaseOrRenew(input: string, who: LockClaim, op: 'release' | 'renew', ttlMs?: number) {
    const p = this.normalize(input);
    const claim = who.key !== undefined ? ['key', hashKey(who.key), ''] : ['agent', who.agent, who.token ?? ''];
    const [v, json] = await this.run('fmesReleaseOrRenew', [
      p,
      ...claim,
      op,
      ttlMs === undefined ? '' : String(Math.round(ttlMs)),
    ]);
    if (v !== 'ok') throw refusal(this.where, p, v, json, who, op);
    const h = json === undefined ? undefined : holderOf(json, this.where, Date.now());
    if (h?.kind !== 'lock')
      throw new LockBackendError('invalid', `${this.where} holds a lock record for ${p} F-MES cannot read`);
    return h.record;
  }

  async forceBreak(input: string, who: { by: string; reason: string }): Promise<BreakRecord> {
    const p = this.normalize(input);
    const [v, json, id] = await this.run('fmesBreak', [p, who.by, who.reason, 'forced', '']);
    if (v !== 'ok' || json === undefined) throw new LockError('notHeld', p, `${p} is not locked (on ${this.where}).`);
    const h = holderOf(json, this.where, Date.now());
    this.o.log?.warn(`${who.by} force-broke ${describeHolder(h)}: ${who.reason}`);
    return {
      at: new Date().toISOString(),
      path: p,
      file: `${this.where} ${p}`,
      archivedAs: `${this.keys[4]} ${id ?? ''}`.trim(),
      kind: 'forced',
      by: who.by,
      reason: who.reason,
      holder:
        h.kind === 'lock'
          ? {
              agent: h.record.agent,
              pid: h.record.pid,
              host: h.record.host,
              intent: h.record.intent,
              token: h.record.token,
            }
          : null,
    };
  }

  /** Every live lock, in one round trip. `.agent_lock` markers are files in each clone: the file backend's. */
  async status(options: { unsorted?: boolean } = {}): Promise<HolderStatus[]> {
    const [nowText, ...values] = await this.run('fmesStatus', []);
    const now = Number(nowText) || Date.now();
    const out = values
      .map((v) => holderOf(v, this.where, now))
      .map((holder) => ({ holder, staleness: remoteStaleness(holder, this.host) }));
    return options.unsorted ? out : out.sort((a, b) => (a.holder.path ?? '').localeCompare(b.holder.path ?? ''));
  }

  async blockersFor(input: string, agent: string | undefined): Promise<Holder[]> {
    const p = this.normalize(input);
    return (await this.status())
      .map((s) => s.holder)
      .filter((h) => h.path !== undefined && covers(h.path, p))
      .filter((h) => agent === undefined || !sameAgent(h, agent));
  }

  async health(): Promise<BackendHealth> {
    try {
      await (await this.connection()).ping();
      return { ok: true };
    } catch (e) {
      return { ok: false, message: backendError(this.o.spec, e).message };
    }
  }

  /**
   * `waiter` leaves the line of `path` (a waiter that gave up, or a turn that ended without a release saying so).
   * Only over a live connection: with the server gone, the line forgets a silent waiter by itself (STALE_MS), and a
   * new connection here would only keep a failing CLI alive for its timeout.
   */
  private async leave(path: string, waiter: string): Promise<void> {
    if (this.ready === undefined) return;
    await this.run('fmesLeave', [path, waiter]).catch(() => undefined);
  }

  /** Closes the connection after the replies still due (a release in flight completes first). */
  dispose(): void {
    this.sendDeferred();
    this.turns.dispose();
    void this.blocker?.then(
      (b) => b.disconnect(),
      () => undefined,
    );
    this.blocker = undefined;
    const c = this.client;
    this.client = undefined;
    this.ready = undefined;
    void c?.then(
      (client) => client.quit().catch(() => client.disconnect()),
      () => undefined,
    );
  }
}
