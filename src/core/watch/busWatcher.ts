import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type * as ArtifactModule from '../artifacts/parseArtifact';
import type { Disposable } from '../disposable';
import { Emitter } from '../event';
import type { Logger } from '../log';
import { Breaker } from '../../hot/locks/breaker';
import { readLockFile } from '../../hot/locks/lockFile';
import { decodeLockFileName, LOCK_SUFFIX } from '../../hot/locks/lockName';
import { covers } from '../../hot/paths/workspacePath';
import type { LockRecord } from '../schemas/lock';
import type { BusEvent } from './busEvents';

/** The folders that make up the bus; nothing else in the workspace is watched. */
export const BUS_DIRS = {
  locks: '.locks',
  outbox: '.claude/outbox',
  plans: '.antigravity/plans',
  costs: '.claude/cost_logs',
  inbox: '.antigravity/inbox',
} as const;

export interface BusWatcherOptions {
  root: string;
  log: Logger;
  /** A file that fails to parse is re-read until it has not changed for this long before it is reported invalid. */
  settleMs?: number;
  /** Use polling (for file systems without native events). */
  usePolling?: boolean;
  /** How often the lock folder is re-read to catch events the OS or chokidar dropped (0: never). */
  reconcileMs?: number;
}

type Kind = 'lock' | 'report' | 'plan' | 'costLog' | 'inbox';
type ArtifactParsers = Pick<typeof ArtifactModule, 'parseReport' | 'parsePlan' | 'parseArtifact'>;

/**
 * Watches `.locks/`, `.claude/outbox/` and `.antigravity/plans/` (never the whole tree) and emits typed
 * {@link BusEvent}s. A file that does not parse yet may be half written: it is re-read with growing delays and
 * only reported invalid once it has stopped changing. Folders that do not exist yet are picked up when created.
 */
export class BusWatcher implements Disposable {
  private readonly emitter: Emitter<BusEvent>;
  readonly onEvent;
  private watcher: FSWatcher | undefined;
  /** What each lock file held when last read: its record (if valid) and generation (token or fingerprint). */
  private readonly locks = new Map<string, { record: LockRecord | undefined; generation: string }>();
  private readonly plans = new Set<string>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly breaker: Breaker;
  private readonly settleMs: number;
  private ready = false;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconcileSoon: NodeJS.Timeout | undefined;
  private reconciling = false;
  /** Last seen identity of each bus file (inode, size, mtime), to notice events that never came. */
  private readonly seen = new Map<string, string>();
  /** Loaded on start, so entry points that never watch (most CLI commands) never load chokidar or YAML. */
  private parsers: ArtifactParsers | undefined;
  private readyPromise: Promise<void> | undefined;

  constructor(private readonly options: BusWatcherOptions) {
    this.emitter = new Emitter<BusEvent>((e) => options.log.error(`listener failed: ${String(e)}`));
    this.onEvent = this.emitter.event;
    this.breaker = new Breaker(path.join(options.root, BUS_DIRS.locks));
    this.settleMs = options.settleMs ?? 500;
  }

  /** Starts watching; resolves once the initial scan has been reported (after the `ready` event). */
  start(): Promise<void> {
    if (this.readyPromise) return this.readyPromise;
    const root = this.options.root;
    this.readyPromise = this.startWatching(root);
    return this.readyPromise;
  }

  private async startWatching(root: string): Promise<void> {
    const [{ watch }, parsers] = await Promise.all([import('chokidar'), import('../artifacts/parseArtifact')]);
    this.parsers = parsers;
    return new Promise((resolve, reject) => {
      this.watcher = watch(root, {
        ignored: (p) => this.classifyDir(p) === 'ignore',
        ignoreInitial: false,
        atomic: false,
        awaitWriteFinish: false,
        usePolling: this.options.usePolling ?? false,
        interval: 100,
      });
      this.watcher.on('add', (p) => this.onFile(p, false));
      this.watcher.on('change', (p) => this.onFile(p, false));
      this.watcher.on('unlink', (p) => this.onUnlink(p));
      this.watcher.on('error', (e) => {
        this.options.log.error(`watch error: ${String(e)}`);
        if (!this.ready) reject(e instanceof Error ? e : new Error(String(e)));
      });
      this.watcher.on('ready', () => {
        this.ready = true;
        this.emitter.fire({ type: 'ready' });
        const every = this.options.reconcileMs ?? 5_000;
        if (every > 0) {
          this.reconcileTimer = setInterval(() => this.reconcile(), every);
          this.reconcileTimer.unref();
        }
        resolve();
      });
    });
  }

  /** Which bus file kind a path is, or 'dir' for a folder on the way to one, or 'ignore'. */
  private classifyDir(abs: string): Kind | 'dir' | 'ignore' {
    const rel = path.relative(this.options.root, abs).split(path.sep).join('/');
    if (rel === '' || rel === '.claude' || rel === '.antigravity') return 'dir';
    for (const [kind, dir] of [
      ['lock', BUS_DIRS.locks],
      ['report', BUS_DIRS.outbox],
      ['plan', BUS_DIRS.plans],
      ['costLog', BUS_DIRS.costs],
      ['inbox', BUS_DIRS.inbox],
    ] as const) {
      if (rel === dir) return 'dir';
      if (rel.startsWith(dir + '/') && !rel.slice(dir.length + 1).includes('/')) {
        const name = rel.slice(dir.length + 1);
        if (kind === 'lock' && name.endsWith(LOCK_SUFFIX)) return kind;
        if (kind === 'report' && name.endsWith('.json') && !name.startsWith('.')) return kind;
        if (kind === 'plan' && name.endsWith('.md') && !name.startsWith('.')) return kind;
        if (kind === 'costLog' && name.endsWith('.jsonl') && !name.startsWith('.')) return kind;
        if (kind === 'inbox' && name.endsWith('.json') && !name.startsWith('.')) return kind;
      }
    }
    return 'ignore';
  }

  private onFile(abs: string, retry: boolean, attempt = 0): void {
    const kind = this.classifyDir(abs);
    if (kind === 'dir' || kind === 'ignore') return;
    if (!retry) this.cancelPending(abs);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch {
      return; // gone again; its unlink event follows
    }
    if (!st.isFile()) return;
    this.seen.set(abs, signature(st));
    if (!this.reconciling) this.scheduleReconcile();
    const initial = !this.ready;
    const settled = Date.now() - st.mtimeMs >= this.settleMs;
    if (kind === 'lock') return this.onLockFile(abs, initial, settled, attempt);
    // Cost logs are append-only and may be large: announce the change, readers sum what they need.
    if (kind === 'costLog') return this.emitter.fire({ type: 'cost.changed', file: abs, initial });
    const text = safeRead(abs);
    if (text === undefined) return;
    switch (kind) {
      case 'report': {
        const r = this.parsers!.parseReport(text, abs);
        if (r.ok) return this.emitter.fire({ type: 'report.arrived', file: abs, report: r.value, initial });
        if (!settled) return this.retryLater(abs, attempt);
        return this.emitter.fire({ type: 'report.invalid', file: abs, error: r.error, initial });
      }
      case 'plan': {
        const r = this.parsers!.parsePlan(text, abs);
        if (r.ok) {
          const known = this.plans.has(abs);
          this.plans.add(abs);
          return this.emitter.fire(
            known
              ? { type: 'plan.changed', file: abs, plan: r.value }
              : { type: 'plan.added', file: abs, plan: r.value, initial },
          );
        }
        if (!settled) return this.retryLater(abs, attempt);
        return this.emitter.fire({ type: 'plan.invalid', file: abs, error: r.error, initial });
      }
      case 'inbox': {
        const r = this.parsers!.parseArtifact(abs, text, 'inbox');
        if (r.ok && r.kind === 'inbox')
          return this.emitter.fire({ type: 'inbox.arrived', file: abs, note: r.value, initial });
        if (!settled) return this.retryLater(abs, attempt);
        if (!r.ok) return this.emitter.fire({ type: 'inbox.invalid', file: abs, error: r.error, initial });
        return;
      }
    }
  }

  private onLockFile(abs: string, initial: boolean, settled: boolean, attempt: number): void {
    const r = readLockFile(abs);
    if (r.state === 'absent') return;
    const before = this.locks.get(abs);
    if (r.state === 'invalid') {
      if (!settled) return this.retryLater(abs, attempt);
      if (before?.generation === r.fingerprint) return;
      this.locks.set(abs, { record: undefined, generation: r.fingerprint });
      return this.emitter.fire({
        type: 'lock.invalid',
        file: abs,
        path: decodeLockFileName(path.basename(abs)) ?? r.claimedPath,
        issues: r.issues,
        initial,
      });
    }
    if (!before && !initial && attempt < 3 && this.conflictsWithKnown(abs, r.record)) {
      // Acquirers create their file first and check for conflicts second; a file that conflicts with a
      // lock we know is almost always such an attempt about to be withdrawn. Look again shortly rather than
      // flash a lock that was never held.
      return this.retryLater(abs, attempt, 20);
    }
    this.locks.set(abs, { record: r.record, generation: r.record.token });
    if (before?.generation === r.record.token) {
      if (before.record?.expiresAt !== r.record.expiresAt)
        this.emitter.fire({ type: 'lock.renewed', file: abs, path: r.record.path, record: r.record });
      return;
    }
    // Released (or broken) and taken again between two events: report both halves.
    if (before) this.emitter.fire(this.goneEvent(abs, before));
    this.emitter.fire({ type: 'lock.acquired', file: abs, path: r.record.path, record: r.record, initial });
  }

  private goneEvent(abs: string, before: { record: LockRecord | undefined; generation: string }): BusEvent {
    const p = before.record?.path ?? decodeLockFileName(path.basename(abs));
    return {
      type: this.breaker.wasBroken(abs, before.generation) ? 'lock.broken' : 'lock.released',
      file: abs,
      path: p,
      record: before.record,
    };
  }

  private onUnlink(abs: string): void {
    const kind = this.classifyDir(abs);
    this.seen.delete(abs);
    if (!this.reconciling) this.scheduleReconcile();
    this.cancelPending(abs);
    if (kind === 'lock') {
      const before = this.locks.get(abs);
      this.locks.delete(abs);
      if (before) this.emitter.fire(this.goneEvent(abs, before));
    } else if (kind === 'plan') {
      this.plans.delete(abs);
      this.emitter.fire({ type: 'plan.removed', file: abs });
    } else if (kind === 'report') {
      this.emitter.fire({ type: 'report.removed', file: abs });
    } else if (kind === 'costLog') {
      this.emitter.fire({ type: 'cost.changed', file: abs, initial: false });
    }
  }

  /**
   * Native events can be dropped or coalesced (a lock taken and broken within a few milliseconds, or a file
   * replaced twice in quick succession, sometimes yields no event from chokidar). Shortly after any event,
   * and periodically, the bus folders are listed and compared with what was last seen, so the reported
   * state always converges on the disk.
   */
  private scheduleReconcile(): void {
    if (this.reconcileSoon || this.reconciling || !this.ready) return;
    this.reconcileSoon = setTimeout(() => {
      this.reconcileSoon = undefined;
      this.reconcile();
    }, 150);
    this.reconcileSoon.unref();
  }

  private reconcile(): void {
    this.reconciling = true;
    try {
      const present = new Set<string>();
      for (const dir of Object.values(BUS_DIRS)) {
        const absDir = path.join(this.options.root, dir);
        let names: string[];
        try {
          names = fs.readdirSync(absDir);
        } catch {
          continue;
        }
        for (const name of names) {
          const abs = path.join(absDir, name);
          const kind = this.classifyDir(abs);
          if (kind === 'dir' || kind === 'ignore') continue;
          let st: fs.Stats;
          try {
            st = fs.statSync(abs);
          } catch {
            continue;
          }
          if (!st.isFile()) continue;
          present.add(abs);
          if (this.seen.get(abs) !== signature(st) && !this.pending.has(abs)) this.onFile(abs, false);
        }
      }
      for (const abs of [...this.seen.keys()]) if (!present.has(abs)) this.onUnlink(abs);
      for (const abs of [...this.locks.keys()]) if (!present.has(abs)) this.onUnlink(abs);
    } finally {
      this.reconciling = false;
    }
  }

  private conflictsWithKnown(abs: string, record: LockRecord): boolean {
    for (const [file, known] of this.locks) {
      const other = known.record;
      if (file === abs || !other || other.agent === record.agent) continue;
      if (covers(other.path, record.path) || covers(record.path, other.path)) return true;
    }
    return false;
  }

  private retryLater(abs: string, attempt: number, delayMs?: number): void {
    this.cancelPending(abs);
    const delay = delayMs ?? Math.min(this.settleMs, 25 * 2 ** attempt);
    const t = setTimeout(() => {
      this.pending.delete(abs);
      this.onFile(abs, true, attempt + 1);
    }, delay);
    this.pending.set(abs, t);
  }

  private cancelPending(abs: string): void {
    const t = this.pending.get(abs);
    if (t) clearTimeout(t);
    this.pending.delete(abs);
  }

  dispose(): void {
    clearInterval(this.reconcileTimer);
    clearTimeout(this.reconcileSoon);
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    void this.watcher?.close();
    this.watcher = undefined;
    this.emitter.dispose();
  }
}

function signature(st: fs.Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

function safeRead(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
