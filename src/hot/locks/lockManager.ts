import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { isErrnoException, LockError } from '../errors';
import { isoTime } from '../isoTime';
import { nodeCrypto, shortId, uniqueId } from '../ids';
import type { Logger } from '../../core/log';
import type { WorkspacePath, WorkspacePaths } from '../paths/workspacePath';
import { AGENT_ID, isAgentId } from './agentId';
import type { LockRecord } from '../../core/schemas/lock';
import { LOCK_VERSION } from './lockRecord';
import { backoffDelay } from './backoff';
import { Breaker, type BreakRecord } from './breaker';
import { withGenerationGuard } from './guard';
import { describeHolder, HolderReader, type Holder } from './holders';
import { hostName, processStartId } from './liveness';
import { LockHandle, type CreationProof } from './lockHandle';
import { readLockFile } from './lockFile';
import { PathMemo } from './pathMemo';
import { assertNoControl } from './printable';
import { LOCK_DIR, LockView, sameAgent, type HolderStatus } from './lockView';
import { hostTag, SparePool } from './spares';
import { needsGuard, type Staleness } from './staleness';
import { WaitQueue, watchOnce, type Ticket } from './waitQueue';

export { LOCK_DIR };

export interface LockConfig {
  /** TTL of a lock bound to a process (renewed by its heartbeat). */
  processTtlMs: number;
  /** TTL of a lock with no process (taken by `fmes lock acquire`). */
  detachedTtlMs: number;
  /** An empty lock file older than this is a dead writer's trace and may be broken as stale. */
  invalidGraceMs: number;
  /** Release and renewal take the generation guard when expiry is closer than this. */
  guardMarginMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How long a waiter lets the head of the line keep a free lock untaken before it tries anyway. */
  stallMs: number;
  /** How long a holder that got the lock through the line may take it again at once while others wait. */
  batchMs: number;
  /** How many acquisitions such a turn holds at most. */
  batchMax: number;
}

export const defaultLockConfig: LockConfig = {
  processTtlMs: 5 * 60_000,
  detachedTtlMs: 30 * 60_000,
  invalidGraceMs: 5_000,
  guardMarginMs: 2_000,
  backoffBaseMs: 2,
  backoffCapMs: 200,
  stallMs: 500,
  batchMs: 25,
  batchMax: 128,
};

export interface LockOwner {
  agent: string;
  intent?: string;
  /**
   * The process whose life bounds the lock: 'self' (default) for this process, a pid, or null for a lock
   * bounded by its TTL only.
   */
  pid?: number | 'self' | null;
  ttlMs?: number;
}

export interface AcquireOptions extends LockOwner {
  /** How long to keep trying while another holder covers the path (0: try once). */
  waitMs?: number;
  signal?: AbortSignal;
  /** Called once, when the first attempt finds the path held and a wait begins. */
  onWait?: (holders: readonly Holder[]) => void;
}

export type AttemptResult = { ok: true; handle: LockHandle; reentered: boolean } | { ok: false; holders: Holder[] };

/**
 * Who asks to release or renew a lock: its agent (the caller's own identity; the CLI and MCP check that), the
 * generation `token` on top (internal: handles), or the secret `key` handed out once when a lock not bound
 * to its taker's process was acquired (it alone suffices, whatever the agent).
 */
export type LockClaim =
  { agent: string; token?: string; key?: undefined } | { key: string; agent?: undefined; token?: undefined };

/** The hash a lock record keeps of its release key. */
export function hashKey(key: string): string {
  return nodeCrypto().createHash('sha256').update(key).digest('hex');
}

export type { HolderStatus };

/** The lock protocol over `.locks/` (see guard.ts for the break protocol and its correctness argument). */
export class LockManager {
  readonly dir: string;
  readonly reader: HolderReader;
  /** @internal the acquire hot path's memo of path resolution (see pathMemo.ts) */
  readonly memo: PathMemo;
  /** The read-only queries (status, staleness, blockers), shared with the PreToolUse hook. */
  readonly view: LockView;
  private readonly breaker: Breaker;
  private readonly host = hostName();
  private readonly config: LockConfig;
  private readonly clock: Clock;
  private dirReady = false;
  /** Prepared lock files for locks bound to this process (spares.ts); made on first need. */
  private spares: SparePool | undefined;
  /** The waiting lines of acquire (waitQueue.ts); made on first wait. */
  private queue: WaitQueue | undefined;
  /** This manager's turns (see acquire), by lock file. */
  private readonly turns = new Map<string, Turn>();

  constructor(
    readonly paths: WorkspacePaths,
    private readonly log: Logger,
    options: { clock?: Clock; config?: Partial<LockConfig> } = {},
  ) {
    this.dir = path.join(paths.root, LOCK_DIR);
    this.reader = new HolderReader(paths, this.dir);
    this.memo = new PathMemo(paths);
    this.breaker = new Breaker(this.dir);
    this.clock = options.clock ?? systemClock;
    this.config = { ...defaultLockConfig, ...options.config };
    this.view = new LockView(paths, this.reader, {
      host: this.host,
      clock: this.clock,
      invalidGraceMs: this.config.invalidGraceMs,
    });
  }

  normalize(p: string): WorkspacePath {
    return this.paths.normalize(p);
  }

  /** One attempt, without waiting and without breaking anything. Synchronous: a few microseconds. */
  tryAcquire(input: string, owner: LockOwner): AttemptResult {
    const { path: p, kind, markerFreeBelowRoot } = this.memo.resolve(input);
    const agent = owner.agent;
    if (!isAgentId(agent))
      throw new LockError('invalidAgent', p, `The agent id ${JSON.stringify(agent)} ${AGENT_ID.message}.`, {
        agent: agent,
      });
    assertNoControl('path', p);
    if (owner.intent) assertNoControl('intent', owner.intent);
    const pid = owner.pid === undefined || owner.pid === 'self' ? process.pid : owner.pid;
    // A lock not bound to this process is released later by another process: it gets a key, shown once.
    const key = pid === process.pid ? undefined : nodeCrypto().randomBytes(24).toString('base64url');
    const file = this.reader.lockFile(p);
    const now = this.clock.now();
    const ttl = owner.ttlMs ?? (pid === null ? this.config.detachedTtlMs : this.config.processTtlMs);
    // The identity fields first: every record of this process then starts with the same bytes (spares.ts).
    const record: LockRecord = {
      version: LOCK_VERSION,
      pid,
      pidStart: pid === null ? null : (processStartId(pid) ?? null),
      host: this.host,
      path: p,
      agent,
      intent: owner.intent ?? '',
      acquiredAt: isoTime(now),
      expiresAt: isoTime(now + ttl),
      token: uniqueId(),
    };
    if (key !== undefined) record.keyHash = hashKey(key);
    const proof = this.createLockFile(file, JSON.stringify(record), pid === process.pid);
    if (proof === undefined) {
      const existing = this.reader.exact(p);
      if (!existing) return this.tryAcquire(input, owner); // released between our create and read
      if (
        existing.kind === 'lock' &&
        existing.record.agent === agent &&
        existing.record.pid === pid &&
        existing.record.host === this.host
      ) {
        // Re-entry by the same holder refreshes the expiry and hands back the same generation.
        const renewed = this.renewRecord(existing.record, ttl);
        return { ok: true, handle: new LockHandle(this, renewed, file, undefined), reentered: true };
      }
      return { ok: false, holders: [existing] };
    }
    const conflicts = this.conflictsAfterCreate(p, kind, markerFreeBelowRoot, record);
    if (conflicts.length > 0) {
      fs.rmSync(file, { force: true }); // our own fresh generation: no breaker can be acting on it
      this.dropProof(proof, false);
      return { ok: false, holders: conflicts };
    }
    return { ok: true, handle: new LockHandle(this, record, file, proof, key), reentered: false };
  }

  /**
   * Create first, check second: of two conflicting creators, the later one always sees the earlier one. Above:
   * a stat of each folder's lock file. Below: a folder's lock reads the lock folder for locks inside it, and so
   * does a lock on a path that does not exist (or is not a regular file), since nothing on disk says whether
   * it will be a folder. A folder being created, removed or replaced in between changes nothing: the check is
   * by name, so a lock on `nx` and one on `nx/sub/f.txt` always conflict, and of two racing creators at least
   * the later checker sees the other's file (it was created before that check began). Only an existing regular
   * file skips the read (the hot path); a lock inside a file's path still sees the file's lock above it.
   *
   * Both racing creators may see each other. Backing off both is safe but can repeat; so a creator whose
   * conflicts are all younger lock claims (later acquiredAt, then token: a total order everyone computes the
   * same) re-checks a few times before giving up, while the younger ones back off at once. Two claims never
   * both enter (each enters only after a check that found nothing), and in a collision the older one wins.
   */
  private conflictsAfterCreate(
    p: WorkspacePath,
    kind: string,
    markerFreeBelowRoot: boolean,
    mine: LockRecord,
  ): Holder[] {
    const check = () =>
      this.reader
        .covering(p, { isDir: kind !== 'file', skipSelf: true, markerFreeBelowRoot })
        .filter((h) => !sameAgent(h, mine.agent));
    let conflicts = check();
    for (
      let i = 0;
      i < YIELD_RECHECKS &&
      conflicts.length > 0 &&
      conflicts.every((h) => h.kind === 'lock' && isYounger(h.record, mine));
      i++
    ) {
      pause(1);
      conflicts = check();
    }
    return conflicts;
  }

  /**
   * Acquires `input`, waiting with backoff and jitter while others hold it, and breaking holders that are
   * stale (dead process on this host, expired TTL, or a dead writer's empty file) on the way.
   * Throws LockError('held') with the holders when `waitMs` runs out.
   */
  async acquire(input: string, options: AcquireOptions): Promise<LockHandle> {
    const deadline = this.clock.now() + (options.waitMs ?? 0);
    if ((options.waitMs ?? 0) > 0) {
      const p = this.memo.resolve(input).path;
      const file = this.reader.lockFile(p);
      const turn = this.turns.get(file);
      if (turn) {
        // A turn lasts batchMax acquisitions or batchMs, whichever ends first: within it the holder takes the
        // lock again at once, keeping its ticket at the head of the line (a tight loop keeps its throughput and
        // wakes nobody); after it, or when someone took the lock in between, it queues like everyone else.
        if (turn.end) clearImmediate(turn.end);
        turn.end = undefined;
        if (++turn.taken <= this.config.batchMax && this.clock.now() - turn.since < this.config.batchMs) {
          const r = this.tryAcquire(input, options);
          if (r.ok) return r.handle;
        }
        this.endTurn(file);
      }
      // Others wait in line (this process took it a moment ago, or came late): queue behind them, unless it is a
      // re-entry (this agent holds it already), which must not wait for the waiters that wait for it.
      if (this.line.othersWaiting(file) && !this.heldBy(p, options.agent))
        return this.waitInLine(input, options, deadline, []);
    }
    const first = this.tryAcquire(input, options);
    if (first.ok) return first.handle;
    if (this.breakStale(first.holders, options.agent) > 0) return this.acquire(input, options);
    if (deadline - this.clock.now() > 0) options.onWait?.(first.holders);
    return this.waitInLine(input, options, deadline, first.holders);
  }

  /** Ends a turn: its ticket leaves the line, which wakes the waiter behind it. */
  private endTurn(file: string): void {
    const turn = this.turns.get(file);
    if (!turn) return;
    if (turn.end) clearImmediate(turn.end);
    this.turns.delete(file);
    turnsOpen.delete(turn);
    this.line.leave(turn.ticket);
  }

  /**
   * After a release: a turn ends unless this process takes the lock again before it returns to the event loop
   * (a loop of acquire → work → release does; a process that is done does not). At exit, every turn ends.
   */
  private afterRelease(file: string): void {
    const turn = this.turns.get(file);
    if (turn && !turn.end) turn.end = setImmediate(() => this.endTurn(file));
  }

  private heldBy(p: WorkspacePath, agent: string): boolean {
    const h = this.reader.exact(p);
    return h?.kind === 'lock' && h.record.agent === agent;
  }

  /**
   * The wait of `acquire` (see waitQueue.ts): take a ticket; the head tries whenever the file that blocked it
   * goes away, the others sleep until the ticket ahead of theirs does. Exclusion is still tryAcquire's.
   */
  private async waitInLine(
    input: string,
    options: AcquireOptions,
    deadline: number,
    holders: Holder[],
  ): Promise<LockHandle> {
    const fail = () => {
      const p = this.paths.normalize(input);
      return new LockError('held', p, `${p} is locked: ${holders.map((h) => describeHolder(h)).join('; ')}`, {
        holders,
      });
    };
    if (deadline - this.clock.now() <= 0) throw fail();
    const lockFile = this.reader.lockFile(this.memo.resolve(input).path);
    const ticket = this.line.join(lockFile);
    let kept = false;
    try {
      let first: string | undefined;
      let since = this.clock.now();
      let watch = lockFile;
      let woke: 'event' | 'timer' | undefined;
      for (let attempt = 0; ;) {
        options.signal?.throwIfAborted();
        const pos = this.line.position(ticket);
        if (pos.first !== first) {
          first = pos.first;
          since = this.clock.now();
        }
        // The line stands still while the lock is free: its head does not take it (stopped, or a ticket of
        // another host that no one can judge). After stallMs anyone may try.
        const stalled =
          pos.ahead !== undefined && this.clock.now() - since > this.config.stallMs && !fs.existsSync(lockFile);
        // Woken by the file it watched while that file is still there (rewritten, or taken again): watch on.
        if ((pos.ahead === undefined || stalled) && !(woke === 'event' && fs.existsSync(watch))) {
          const r = this.tryAcquire(input, options);
          if (r.ok) {
            // The ticket stays at the head of the line for this turn (see acquire).
            const turn: Turn = { ticket, since: this.clock.now(), taken: 1, end: undefined, manager: this };
            this.turns.set(lockFile, turn);
            turnsOpen.add(turn);
            hookExit();
            kept = true;
            return r.handle;
          }
          holders = r.holders;
          if (this.breakStale(holders, options.agent) > 0) continue;
          watch = holders[0]?.file ?? lockFile;
        } else if (pos.ahead !== undefined) watch = pos.ahead;
        const left = deadline - this.clock.now();
        if (left <= 0) throw fail();
        // The watch wakes the waiter when it may act; the timer is the fallback (events lost, other hosts).
        // Behind others, the watch of the ticket ahead is what wakes a waiter; its timer only looks for stalls.
        const fallback =
          pos.ahead === undefined
            ? backoffDelay(attempt++, { baseMs: this.config.backoffBaseMs, capMs: this.config.backoffCapMs })
            : this.config.stallMs / 2 + Math.random() * (this.config.stallMs / 2);
        woke = await watchOnce(watch, Math.min(left, fallback), options.signal);
      }
    } finally {
      if (!kept) this.line.leave(ticket);
    }
  }

  private get line(): WaitQueue {
    return (this.queue ??= new WaitQueue(this.dir, {
      pid: process.pid,
      pidStart: processStartId(process.pid) ?? null,
      hostTag: hostTag(this.host),
    }));
  }

  /** Breaks those holders that are stale; returns how many it broke. */
  breakStale(holders: readonly Holder[], by: string): number {
    let broken = 0;
    for (const h of holders) {
      const s = this.staleness(h);
      if (!s.stale) continue;
      const out = this.breaker.break({
        holder: h,
        kind: 'stale',
        staleReason: s.reason,
        by,
        reason: `stale: ${s.reason}`,
        stillStale: (again) => this.staleness(again).stale,
        now: this.clock.now(),
      });
      if (out.done) {
        broken++;
        this.log.info(`broke stale lock ${describeHolder(h)} (${s.reason})`);
      }
    }
    return broken;
  }

  staleness(h: Holder): Staleness {
    return this.view.staleness(h);
  }

  /**
   * Releases the lock on `input` held by `agent` (and `token`, when given), or whose key is `key`. Who may
   * claim which agent is the caller's business (the CLI and MCP allow only the caller's own identity).
   */
  release(input: string, who: LockClaim): LockRecord {
    return this.releasePath(this.paths.normalize(input), who);
  }

  /**
   * @internal Release by the handle that created the lock. While the handle's proof (the creation fd, or the
   * open spare) pins the inode, it cannot be freed and reused, so "the file at the lock path has our inode"
   * proves the file is still our generation without reading it.
   *
   * An O_EXCL fd is closed after that comparison and before the unlink: it only has to pin the inode while
   * the two are compared, and from the stat on, the window until the unlink is the one guard.ts describes
   * for the fast release either way. Unlinking a closed file is measurably cheaper.
   */
  releaseHandle(handle: LockHandle, proof: CreationProof | undefined): void {
    try {
      this.releaseByHandle(handle, proof);
    } finally {
      this.afterRelease(handle.file);
    }
  }

  private releaseByHandle(handle: LockHandle, proof: CreationProof | undefined): void {
    const record = handle.record;
    const p = record.path as WorkspacePath;
    const usable = proof !== undefined && !(proof.kind === 'spare' && proof.spare.retired);
    if (!usable || needsGuard(record, this.clock.now(), this.host, this.config.guardMarginMs)) {
      if (proof) this.dropProof(proof, true);
      this.releasePath(p, { agent: record.agent, token: record.token });
      return;
    }
    let ours: boolean;
    try {
      const mine = proof.kind === 'fd' ? fs.fstatSync(proof.fd) : proof.spare;
      const there = fs.statSync(handle.file, { throwIfNoEntry: false });
      ours = there !== undefined && there.ino === mine.ino && there.dev === mine.dev;
    } finally {
      if (proof.kind === 'fd') fs.closeSync(proof.fd);
    }
    if (!ours) {
      if (proof.kind === 'spare') this.spares?.retire(proof.spare); // it may be an archive in .broken/ now
      throw new LockError('notHolder', p, `${p} was broken or taken over before it could be released.`);
    }
    try {
      fs.unlinkSync(handle.file);
    } finally {
      if (proof.kind === 'spare') this.spares?.giveBack(proof.spare);
    }
  }

  /**
   * @internal A handle no longer needs its proof. `stillLinked`: the lock file may still be the spare's inode
   * (a lock kept past this handle), so the spare is retired rather than reused.
   */
  dropProof(proof: CreationProof, stillLinked: boolean): void {
    if (proof.kind === 'fd') fs.closeSync(proof.fd);
    else if (stillLinked) this.spares?.retire(proof.spare);
    else this.spares?.giveBack(proof.spare);
  }

  /** Removes this manager's spares' names and closes them (at exit this happens by itself). Held locks stay. */
  dispose(): void {
    for (const file of [...this.turns.keys()]) this.endTurn(file);
    this.spares?.close();
  }

  /** @internal release of an already normalised path. */
  releasePath(p: WorkspacePath, who: LockClaim): LockRecord {
    const file = this.reader.lockFile(p);
    const record = this.ownedRecord(p, file, who);
    if (!needsGuard(record, this.clock.now(), this.host, this.config.guardMarginMs)) {
      fs.rmSync(file, { force: true });
      return record;
    }
    return this.guarded(p, file, record, () => {
      const again = readLockFile(file);
      if (again.state !== 'valid' || again.record.token !== record.token)
        throw new LockError('notHolder', p, `${p} was broken or taken over before it could be released.`);
      fs.rmSync(file, { force: true });
      return record;
    });
  }

  /** Moves the expiry of the lock on `input` held by `agent` (or whose key is `key`) to now + ttl. */
  renew(input: string, who: LockClaim & { ttlMs?: number }): LockRecord {
    const p = this.paths.normalize(input);
    const file = this.reader.lockFile(p);
    const record = this.ownedRecord(p, file, who);
    const ttl = who.ttlMs ?? Math.max(1000, Date.parse(record.expiresAt) - Date.parse(record.acquiredAt));
    return this.renewRecord(record, ttl);
  }

  /** Explicitly breaks whatever holds exactly `input` (a lock file, an invalid one, or an `.agent_lock` marker). */
  forceBreak(input: string, who: { by: string; reason: string }): BreakRecord {
    const p = this.paths.normalize(input);
    const holders = [
      this.reader.exact(p),
      ...this.reader.above(p).filter((h) => h.kind === 'marker' && h.path === p),
    ].filter((h): h is Holder => h !== undefined);
    if (holders.length === 0) throw new LockError('notHeld', p, `${p} is not locked.`);
    let last: BreakRecord | undefined;
    for (const h of holders) {
      for (let i = 0; i < 50; i++) {
        const out = this.breaker.break({
          holder: h,
          kind: 'forced',
          by: who.by,
          reason: who.reason,
          now: this.clock.now(),
        });
        if (out.done) {
          last = out.record;
          this.log.warn(`${who.by} force-broke ${describeHolder(h)}: ${who.reason}`);
          break;
        }
        if (out.why !== 'busy') break;
        pause(2);
      }
    }
    if (!last) throw new LockError('busy', p, `${p} changed while it was being broken; try again.`);
    return last;
  }

  /** Every lock file with its staleness, plus `.agent_lock` markers when asked. */
  status(options: { markers?: boolean } = {}): HolderStatus[] {
    return this.view.status(options);
  }

  /** Holders that make `input` unwritable for `agent` (locks at or above it held by someone else). */
  blockersFor(input: string, agent: string | undefined): Holder[] {
    return this.view.blockersFor(input, agent);
  }

  private ownedRecord(p: WorkspacePath, file: string, who: LockClaim): LockRecord {
    const r = readLockFile(file);
    if (r.state === 'absent') throw new LockError('notHeld', p, `${p} is not locked.`);
    if (r.state === 'invalid')
      throw new LockError('notHolder', p, `${p} has an invalid lock file (${file}); break it with a reason instead.`);
    if (who.key !== undefined) {
      const holders = [{ kind: 'lock', path: r.record.path, file, record: r.record }];
      if (r.record.keyHash === undefined) {
        throw new LockError(
          'notHolder',
          p,
          `${p} has no release token (a lock bound to a process, or taken before tokens): its agent releases it, or a person breaks it with fmes lock break.`,
          { holders },
        );
      }
      if (!nodeCrypto().timingSafeEqual(Buffer.from(hashKey(who.key), 'hex'), Buffer.from(r.record.keyHash, 'hex'))) {
        throw new LockError('notHolder', p, `${p} is held by ${r.record.agent}, and that is not its token.`, {
          holders,
        });
      }
      return r.record;
    }
    if (r.record.agent !== who.agent || (who.token !== undefined && r.record.token !== who.token)) {
      throw new LockError(
        'notHolder',
        p,
        `${p} is held by ${r.record.agent}, not ${who.agent}${who.token ? ' with that token' : ''}.`,
        {
          holders: [{ kind: 'lock', path: r.record.path, file, record: r.record }],
        },
      );
    }
    return r.record;
  }

  /** @internal used by LockHandle and re-entry */
  renewRecord(record: LockRecord, ttlMs: number): LockRecord {
    const p = record.path as WorkspacePath;
    const file = this.reader.lockFile(p);
    const next: LockRecord = { ...record, expiresAt: new Date(this.clock.now() + ttlMs).toISOString() };
    const write = () => {
      const again = readLockFile(file);
      if (again.state !== 'valid' || again.record.token !== record.token)
        throw new LockError('notHolder', p, `${p} was broken or taken over before it could be renewed.`);
      const tmp = `${file}.${process.pid}.${shortId()}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(next), { flag: 'wx' });
      fs.renameSync(tmp, file);
      return next;
    };
    return needsGuard(record, this.clock.now(), this.host, this.config.guardMarginMs)
      ? this.guarded(p, file, record, write)
      : write();
  }

  private guarded<T>(p: WorkspacePath, file: string, record: LockRecord, fn: () => T): T {
    for (let i = 0; i < 50; i++) {
      const g = withGenerationGuard(file, record.token, fn);
      if (g.ok) return g.value;
      pause(2);
    }
    throw new LockError('busy', p, `${p} is being broken by another process.`);
  }

  /**
   * Creates the lock file with `json` in it, or returns undefined if it exists. A lock bound to this process
   * is linked into place from a spare (spares.ts); anything else, or where hard links are not available,
   * is created with O_EXCL.
   */
  private createLockFile(file: string, json: string, boundToMe: boolean): CreationProof | undefined {
    if (boundToMe) {
      const spares = (this.spares ??= this.newSparePool());
      const spare = spares.prepare(json);
      if (spare) {
        const linked = spares.link(spare, file);
        if (linked !== undefined) return linked ? { kind: 'spare', spare } : undefined;
      }
    }
    const fd = this.createExclusive(file, json);
    return fd === undefined ? undefined : { kind: 'fd', fd };
  }

  private newSparePool(): SparePool {
    const owner = { pid: process.pid, pidStart: processStartId(process.pid) ?? null, host: this.host };
    return new SparePool(this.dir, owner, SparePool.prefixOf({ version: LOCK_VERSION, ...owner }));
  }

  /** Creates the lock file with O_EXCL and writes its JSON; returns the open fd, or undefined if it exists. */
  private createExclusive(file: string, json: string): number | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (e) {
      if (isErrnoException(e, 'EEXIST')) return undefined;
      if (isErrnoException(e, 'ENOENT') && !this.dirReady) {
        fs.mkdirSync(this.dir, { recursive: true });
        this.dirReady = true;
        return this.createExclusive(file, json);
      }
      throw e;
    }
    try {
      fs.writeSync(fd, json);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw e;
    }
    return fd;
  }
}

/** A turn on a lock (see acquire): the ticket kept at the head of the line while it lasts. */
interface Turn {
  ticket: Ticket;
  since: number;
  taken: number;
  /** The end scheduled by a release, cancelled when the lock is taken again first. */
  end: NodeJS.Immediate | undefined;
  manager: LockManager;
}

/** Turns of every manager in this process, ended at exit so that no ticket outlives its process. */
const turnsOpen = new Set<Turn>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const t of [...turnsOpen]) t.manager.dispose();
  });
}

/** How many times a creator whose conflicts are all younger claims re-checks before backing off (1 ms apart). */
const YIELD_RECHECKS = 3;

/** True when `other` was claimed after `mine` in the order every acquirer computes alike. */
function isYounger(other: LockRecord, mine: LockRecord): boolean {
  const a = Date.parse(other.acquiredAt);
  const b = Date.parse(mine.acquiredAt);
  return a !== b ? a > b : other.token > mine.token;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A short synchronous pause inside a retry of a microsecond-long critical section. */
function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
