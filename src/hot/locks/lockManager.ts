// The lock protocol's entry point: acquire, release and renew over `.locks/`. Its parts live beside it:
// lockOptions.ts (settings and call options), lockClaim.ts (who may release), conflictCheck.ts (the check after a
// create), fairWaiting.ts (the line and turns), lockBreaks.ts (stale and forced breaks), guard.ts (the guard).
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
import type { BreakRecord } from './breaker';
import { conflictsAfterCreate } from './conflictCheck';
import { FairWaiting } from './fairWaiting';
import { guarded } from './guard';
import { HolderReader, type Holder } from './holders';
import { KeptReleases } from './keptReleases';
import { hostName, processStartId } from './liveness';
import { LockBreaks } from './lockBreaks';
import { hashKey, ownedRecord, type LockClaim } from './lockClaim';
import { LockHandle, type CreationProof } from './lockHandle';
import { readLockFile } from './lockFile';
import {
  defaultLockConfig,
  type AcquireOptions,
  type AttemptResult,
  type LockConfig,
  type LockOwner,
} from './lockOptions';
import { PathMemo } from './pathMemo';
import { assertNoControl } from './printable';
import { LOCK_DIR, LockView, type HolderStatus } from './lockView';
import { SparePool } from './spares';
import { needsGuard, type Staleness } from './staleness';

export { LOCK_DIR };

export type { HolderStatus };

/** The lock protocol over `.locks/` (see guard.ts for the break protocol and its correctness argument). */
export class LockManager {
  readonly dir: string;
  readonly reader: HolderReader;
  /** @internal the acquire hot path's memo of path resolution (see pathMemo.ts) */
  readonly memo: PathMemo;
  /** The read-only queries (status, staleness, blockers), shared with the PreToolUse hook. */
  readonly view: LockView;
  private readonly breaks: LockBreaks;
  private readonly waiting: FairWaiting;
  private readonly host = hostName();
  private readonly config: LockConfig;
  private readonly clock: Clock;
  private dirReady = false;
  /** Prepared lock files for locks bound to this process (spares.ts); made on first need. */
  private spares: SparePool | undefined;
  /** Releases inside a turn whose lock file stays until the turn goes on or ends (keptReleases.ts). */
  private readonly kept = new KeptReleases(() => this.spares);

  constructor(
    readonly paths: WorkspacePaths,
    log: Logger,
    options: { clock?: Clock; config?: Partial<LockConfig> } = {},
  ) {
    this.dir = path.join(paths.root, LOCK_DIR);
    this.reader = new HolderReader(paths, this.dir);
    this.memo = new PathMemo(paths);
    this.clock = options.clock ?? systemClock;
    this.config = { ...defaultLockConfig, ...options.config };
    this.view = new LockView(paths, this.reader, {
      host: this.host,
      clock: this.clock,
      invalidGraceMs: this.config.invalidGraceMs,
    });
    this.breaks = new LockBreaks(this.dir, this.view, log, this.clock);
    this.waiting = new FairWaiting(this, this.host, this.config, this.clock);
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
    if (this.kept.size !== 0) this.kept.finish(file);
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
    const conflicts = conflictsAfterCreate(this.reader, p, kind, markerFreeBelowRoot, record);
    if (conflicts.length > 0) {
      fs.rmSync(file, { force: true }); // our own fresh generation: no breaker can be acting on it
      this.dropProof(proof, false);
      return { ok: false, holders: conflicts };
    }
    return { ok: true, handle: new LockHandle(this, record, file, proof, key), reentered: false };
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
      const turnLasts = this.waiting.resumeTurn(file);
      if (turnLasts !== undefined) {
        // A turn lasts batchMax acquisitions or batchMs, whichever ends first: within it the holder takes the
        // lock again at once, keeping its ticket at the head of the line (a tight loop keeps its throughput and
        // wakes nobody); after it, or when someone took the lock in between, it queues like everyone else.
        if (turnLasts) {
          const again = this.retake(file, options);
          if (again) return again;
          const r = this.tryAcquire(input, options);
          if (r.ok) return r.handle;
        }
        this.waiting.endTurn(file);
      }
      // Others wait in line (this process took it a moment ago, or came late): queue behind them, unless it is a
      // re-entry (this agent holds it already), which must not wait for the waiters that wait for it.
      if (this.waiting.line.othersWaiting(file) && !this.heldBy(p, options.agent))
        return this.waiting.waitInLine(input, options, deadline, []);
    }
    const first = this.tryAcquire(input, options);
    if (first.ok) return first.handle;
    if (this.breaks.breakStale(first.holders, options.agent) > 0) return this.acquire(input, options);
    if (deadline - this.clock.now() > 0) options.onWait?.(first.holders);
    return this.waiting.waitInLine(input, options, deadline, first.holders);
  }

  /**
   * Inside a turn: the lock this process released in this turn of the event loop, taken back as it is when the
   * new acquisition asks for the same lock (same agent, intent, process and TTL, not near its expiry).
   */
  private retake(file: string, owner: LockOwner): LockHandle | undefined {
    const ttl = owner.ttlMs ?? this.config.processTtlMs;
    const self = owner.pid === undefined || owner.pid === 'self' || owner.pid === process.pid;
    const k = this.kept.take(
      file,
      (r) =>
        self &&
        r.agent === owner.agent &&
        r.intent === (owner.intent ?? '') &&
        Date.parse(r.expiresAt) - Date.parse(r.acquiredAt) === ttl &&
        !needsGuard(r, this.clock.now(), this.host, this.config.guardMarginMs),
    );
    return k && new LockHandle(this, k.record, file, { kind: 'spare', spare: k.spare });
  }

  /** @internal Finishes a release kept for the turn on `file` (at the end of the turn). */
  finishKept(file: string): void {
    this.kept.finish(file);
  }

  private heldBy(p: WorkspacePath, agent: string): boolean {
    const h = this.reader.exact(p);
    return h?.kind === 'lock' && h.record.agent === agent;
  }

  /** Breaks those holders that are stale; returns how many it broke. */
  breakStale(holders: readonly Holder[], by: string): number {
    return this.breaks.breakStale(holders, by);
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
      this.waiting.afterRelease(handle.file);
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
    if (proof.kind === 'spare' && this.waiting.inTurn(handle.file)) {
      this.kept.keep(handle.file, record, proof.spare);
      return;
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
    this.waiting.endTurns();
    this.kept.finishAll();
    this.spares?.close();
  }

  /** @internal release of an already normalised path. */
  releasePath(p: WorkspacePath, who: LockClaim): LockRecord {
    const file = this.reader.lockFile(p);
    const record = ownedRecord(p, file, who);
    if (!needsGuard(record, this.clock.now(), this.host, this.config.guardMarginMs)) {
      fs.rmSync(file, { force: true });
      return record;
    }
    return guarded(p, file, record, () => {
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
    const record = ownedRecord(p, file, who);
    const ttl = who.ttlMs ?? Math.max(1000, Date.parse(record.expiresAt) - Date.parse(record.acquiredAt));
    return this.renewRecord(record, ttl);
  }

  /** Explicitly breaks whatever holds exactly `input` (a lock file, an invalid one, or an `.agent_lock` marker). */
  forceBreak(input: string, who: { by: string; reason: string }): BreakRecord {
    return this.breaks.forceBreak(this.paths.normalize(input), who);
  }

  /** Every lock file with its staleness, plus `.agent_lock` markers when asked. */
  status(options: { markers?: boolean } = {}): HolderStatus[] {
    return this.view.status(options);
  }

  /** Holders that make `input` unwritable for `agent` (locks at or above it held by someone else). */
  blockersFor(input: string, agent: string | undefined): Holder[] {
    return this.view.blockersFor(input, agent);
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
      ? guarded(p, file, record, write)
      : write();
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
