import { LockError } from '../../../hot/errors';
import { nodeCrypto, uniqueId } from '../../../hot/ids';
import { AGENT_ID, isAgentId } from '../../../hot/locks/agentId';
import { backoffDelay, sleep } from '../../../hot/locks/backoff';
import { LockBackendError, type RedisSpec } from '../../../hot/locks/backendSpec';
import type { BreakRecord } from '../../../hot/locks/breaker';
import { describeHolder, type Holder } from '../../../hot/locks/holders';
import { hostName, processStartId } from '../../../hot/locks/liveness';
import type { BackendHealth, LockBackend } from '../../../hot/locks/lockBackend';
import type { AcquireOptions, HolderStatus, LockClaim, LockOwner } from '../../../hot/locks/lockManager';
import { hashKey } from '../../../hot/locks/lockManager';
import { LOCK_VERSION } from '../../../hot/locks/lockRecord';
import { sameAgent } from '../../../hot/locks/lockView';
import { assertNoControl } from '../../../hot/locks/printable';
import { ancestorsOf, covers, type WorkspacePath, type WorkspacePaths } from '../../../hot/paths/workspacePath';
import type { Logger } from '../../log';
import type { LockRecord } from '../../schemas/lock';
import { backendError, connectLockClient, namespaceKeys, wakeKey, type LockClient } from './redisClient';
import { watchLockChannel } from './redisWatch';
import { RedisLease } from './redisLease';
import { RedisTurns } from './redisTurns';
import { PathMemo } from '../../../hot/locks/pathMemo';
import { holderOf, parseStored, remoteStaleness } from './redisRecords';

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
  /** The name this machine carries in its locks (FMES_LOCK_HOST, else the host name). */
  host?: string;
  log?: Logger;
}

/** How long a waiter blocks before it tries again with no wake-up (a lease that ran out unseen). */
const WAKE_FALLBACK_MS = 250;

/**
 * How long an acquire right after this process's turn waits for a waiter to take the path first: a woken
 * waiter on an idle machine takes it well within this; on a loaded one, a waiter that is not scheduled in time is
 * overtaken rather than leaving the path idle (a 50 ms wait here cut 32-process throughput by about a third).
 */
const YIELD_MS = 5;

/** Longest intent the lock record schema accepts. */
const MAX_INTENT = 500;

/** The Redis lock backend (redisScripts.ts holds the protocol; this is its client side). */
export class RedisLockBackend implements LockBackend {
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
  private readonly turns = new RedisTurns((p) => void this.wake(p));
  /** Path resolution of the acquire hot path without an lstat per segment on each call (pathMemo.ts). */
  private readonly memo: PathMemo;

  constructor(private readonly o: RedisBackendOptions) {
    this.where = o.spec.where;
    this.host = o.host || hostName();
    this.leaseMs = o.leaseMs ?? 10_000;
    this.detachedTtlMs = o.detachedTtlMs ?? 30 * 60_000;
    ({ keys: this.keys, channel: this.channel } = namespaceKeys(o.namespace));
    this.memo = new PathMemo(o.paths);
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
  private async run(script: 'fmesAcquire' | 'fmesReleaseOrRenew' | 'fmesBreak' | 'fmesStatus', args: string[]) {
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
    return this.attempt(this.normalize(input), owner);
  }

  private async attempt(
    p: WorkspacePath,
    owner: LockOwner,
  ): Promise<{ ok: true; lease: RedisLease; reentered: boolean } | { ok: false; holders: Holder[] }> {
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
    const args = [p, JSON.stringify(record), String(Math.round(ttl)), owner.agent, pid === null ? '' : String(pid)];
    const [verdict, ...values] = await this.run('fmesAcquire', [...args, this.host, ...ancestorsOf(p)]);
    const now = Date.now();
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
    const deadline = Date.now() + (options.waitMs ?? 0);
    const p = this.normalize(input);
    let announced = false;
    if ((options.waitMs ?? 0) > 0 && this.turns.shouldYield(p)) await this.waitForRelease(p, YIELD_MS, options.signal);
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted();
      this.turns.asking(p);
      const r = await this.attempt(p, options).finally(() => this.turns.settled(p));
      if (r.ok) {
        this.turns.taken(r.lease.path);
        return r.lease;
      }
      if ((await this.breakStale(r.holders, options.agent)) > 0) continue;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new LockError('held', p, `${p} is held: ${r.holders.map((h) => describeHolder(h)).join('; ')}`, {
          holders: r.holders,
        });
      if (!announced) options.onWait?.(r.holders);
      announced = true;
      const first = r.holders.find((h) => h.path !== undefined)?.path;
      if (first === undefined)
        await sleep(Math.min(left, backoffDelay(attempt, { baseMs: 2, capMs: 100 })), options.signal);
      else await this.waitForRelease(first, Math.min(left, WAKE_FALLBACK_MS), options.signal);
    }
  }

  /**
   * Blocks (on a connection of its own, BLPOP) until the lock on `path` goes or `ms` pass. Waiting costs no CPU
   * and no polling; the timeout covers what pushes no wake-up (a lease running out unseen, another holder).
   */
  private async waitForRelease(path: string, ms: number, signal?: AbortSignal): Promise<void> {
    const blocker = await (this.blocker ??= connectLockClient(this.o.spec, {
      connectTimeoutMs: this.o.connectTimeoutMs,
    }));
    const abort = () => blocker.disconnect();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await blocker.blpop(wakeKey(this.o.namespace, path), Math.max(0.01, ms / 1000));
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

  /** @internal A lease's own release: its path is normalised already and its record is not wanted back. */
  async releaseLease(p: string, agent: string, token: string): Promise<void> {
    const quiet = this.turns.quietRelease(p) ? 'quiet' : '';
    const [v] = await this.run('fmesReleaseOrRenew', [p, 'agent', agent, token, 'release', '', quiet]);
    if (v !== 'ok') await this.releaseOrRenew(p, { agent, token }, 'release'); // words the refusal
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
    const h = json === undefined ? undefined : holderOf(json, this.where, Date.now());
    const holders = h ? [h] : [];
    const what = op === 'release' ? 'released' : 'renewed';
    switch (v) {
      case 'ok':
        if (h?.kind !== 'lock')
          throw new LockBackendError('invalid', `${this.where} holds a lock record for ${p} F-MES cannot read`);
        return h.record;
      case 'notHeld':
        throw new LockError('notHeld', p, `${p} is not locked (on ${this.where}).`);
      case 'noKey':
        throw new LockError(
          'notHolder',
          p,
          `${p} has no release token (a lock bound to a process): its agent releases it, or a person breaks it with fmes lock break.`,
          { holders },
        );
      default: {
        const agent = h?.kind === 'lock' ? h.record.agent : 'an invalid record';
        throw new LockError(
          'notHolder',
          p,
          who.key !== undefined
            ? `${p} is held by ${agent}, and that is not its token.`
            : `${p} is held by ${agent}, not ${who.agent}${who.token ? ' with that token' : ''}; it could not be ${what}.`,
          { holders },
        );
      }
    }
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
  async status(): Promise<HolderStatus[]> {
    const [nowText, ...values] = await this.run('fmesStatus', []);
    const now = Number(nowText) || Date.now();
    return values
      .map((v) => holderOf(v, this.where, now))
      .map((holder) => ({ holder, staleness: remoteStaleness(holder, this.host) }))
      .sort((a, b) => (a.holder.path ?? '').localeCompare(b.holder.path ?? ''));
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

  /** Closes the connection after the replies still due (a release in flight completes first). */
  /** Wakes the longest waiter of `path` (a turn that ended without a release that woke one). */
  private async wake(path: string): Promise<void> {
    const c = await this.client?.catch(() => undefined);
    const k = wakeKey(this.o.namespace, path);
    await c
      ?.multi()
      .rpush(k, '1')
      .pexpire(k, 1000)
      .exec()
      .catch(() => undefined);
  }

  dispose(): void {
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
