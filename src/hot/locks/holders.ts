import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArtifactIssue } from '../errors';
import type { LockRecord } from '../../core/schemas/lock';
import { ancestorsOf, covers, type WorkspacePath, type WorkspacePaths } from '../paths/workspacePath';
import { findAgentMarkersUnder, readAgentMarker } from './agentMarker';
import type { Staleness } from './staleness';
import { readLockFile, type ReadStamp } from './lockFile';
import { decodeLockFileName, LOCK_SUFFIX, lockFileName } from './lockName';
import { escapeControls } from './printable';
import { hotText, issueText } from '../hotText';
import type { Locale } from '../locale';

/** Something that holds a path: a lock file, an invalid lock file (held until broken), or an `.agent_lock` marker. */
export type Holder =
  | {
      kind: 'lock';
      path: string;
      file: string;
      record: LockRecord;
      /** When the record was read from the file (see judgeLock). */
      seen?: ReadStamp;
    }
  | {
      kind: 'invalid';
      /** The path the file name or content names; undefined when neither tells. */
      path: string | undefined;
      file: string;
      issues: ArtifactIssue[];
      size: number;
      mtimeMs: number;
      fingerprint: string;
    }
  | { kind: 'marker'; path: string; file: string; agent: string | undefined; intent: string | undefined };

export function holderAgent(h: Holder): string | undefined {
  return h.kind === 'lock' ? h.record.agent : h.kind === 'marker' ? h.agent : undefined;
}

/**
 * A one-line description for messages: `src/auth held by claude (refactoring auth, pid 123 on host)`, in
 * `locale` (English by default: logs, JSON-free protocol text). Control characters from the files (a lock or
 * marker written by hand) are escaped: the line goes to terminals.
 */
export function describeHolder(h: Holder, locale: Locale = 'en'): string {
  return escapeControls(describeRaw(h, locale));
}

function describeRaw(h: Holder, locale: Locale): string {
  switch (h.kind) {
    case 'lock': {
      const r = h.record;
      const bits = [
        r.intent,
        r.pid !== null
          ? hotText(locale, 'pidOn', { pid: r.pid, host: r.host })
          : hotText(locale, 'until', { time: r.expiresAt }),
      ]
        .filter(Boolean)
        .join(', ');
      return hotText(locale, 'heldBy', { path: h.path, agent: r.agent, bits: bits ? ` (${bits})` : '' });
    }
    case 'invalid':
      return hotText(locale, 'invalidLock', {
        path: h.path ?? path.basename(h.file),
        file: h.file,
        issues: h.issues.map((i) => issueText(i, locale)).join('; '),
      });
    case 'marker':
      return hotText(locale, 'markedBy', {
        path: h.path,
        agent: h.agent ?? hotText(locale, 'unknownAgent'),
        file: h.file,
      });
  }
}

/** A holder as plain JSON: what `fmes lock … --json` prints and the MCP tools return. */
export function holderJson(h: Holder): Record<string, unknown> {
  switch (h.kind) {
    case 'lock':
      return { kind: h.kind, file: h.file, ...h.record };
    case 'invalid':
      return { kind: h.kind, path: h.path ?? null, file: h.file, issues: h.issues };
    case 'marker':
      return { kind: h.kind, path: h.path, file: h.file, agent: h.agent ?? null, intent: h.intent ?? null };
  }
}

/** A holder with its staleness as plain JSON (`fmes lock status --json`, the MCP `lock_status` tool). */
export function holderStatusJson(s: { holder: Holder; staleness: Staleness }): Record<string, unknown> {
  return {
    ...holderJson(s.holder),
    stale: s.staleness.stale,
    staleReason: s.staleness.stale ? s.staleness.reason : null,
  };
}

/** Reads what the lock folder and the workspace say about the holders that cover a path. */
export class HolderReader {
  private readonly fileNames = new Map<string, string>();

  constructor(
    private readonly paths: WorkspacePaths,
    readonly lockDir: string,
  ) {}

  lockFile(p: WorkspacePath | string): string {
    // Every acquire names the lock files of the path and of each folder above it: remember the few hot ones.
    let file = this.fileNames.get(p);
    if (file === undefined) {
      file = path.join(this.lockDir, lockFileName(p));
      if (this.fileNames.size >= 1024) this.fileNames.clear();
      this.fileNames.set(p, file);
    }
    return file;
  }

  /** The holder recorded in the lock file for exactly `p`, if any. */
  exact(p: WorkspacePath | string): Holder | undefined {
    return this.readHolder(this.lockFile(p), p);
  }

  /**
   * Every holder that conflicts with a lock on `p`: the lock on `p` itself, locks and markers on the folders
   * above it, and, when `p` is a folder, locks and markers inside it.
   */
  covering(
    p: WorkspacePath,
    options: { isDir?: boolean; skipSelf?: boolean; markerFreeBelowRoot?: boolean } = {},
  ): Holder[] {
    const out: Holder[] = [];
    if (!options.skipSelf) {
      const self = this.exact(p);
      if (self) out.push(self);
    }
    this.pushAncestors(p, out, options.markerFreeBelowRoot === true);
    const isDir =
      options.isDir ??
      (p === '.' || fs.statSync(this.paths.absolute(p), { throwIfNoEntry: false })?.isDirectory() === true);
    if (isDir) this.pushDescendants(p, out);
    return out;
  }

  /** Only the holders at and above `p` (what makes `p` read-only for others). Cheap: one stat per level. */
  above(p: WorkspacePath): Holder[] {
    const out: Holder[] = [];
    const self = this.exact(p);
    if (self) out.push(self);
    this.pushAncestors(p, out);
    const m =
      p === '.' || fs.statSync(this.paths.absolute(p), { throwIfNoEntry: false })?.isDirectory()
        ? readAgentMarker(this.paths.absolute(p))
        : undefined;
    if (m) out.push({ kind: 'marker', path: p, file: m.file, agent: m.agent, intent: m.intent });
    return out;
  }

  /** Every lock file in the lock folder (valid and invalid). */
  all(): Holder[] {
    const out: Holder[] = [];
    for (const name of this.lockNames()) {
      const h = this.readHolder(path.join(this.lockDir, name), decodeLockFileName(name));
      if (h) out.push(h);
    }
    return out;
  }

  /** The `.agent_lock` markers in the given folders (absolute paths), skipping folders that have none. */
  markersIn(dirs: readonly string[]): Holder[] {
    const out: Holder[] = [];
    for (const dir of dirs) {
      const m = readAgentMarker(dir);
      if (m)
        out.push({ kind: 'marker', path: this.markerPath(m.file), file: m.file, agent: m.agent, intent: m.intent });
    }
    return out;
  }

  /** Every `.agent_lock` marker in the workspace (a bounded walk). */
  markers(): Holder[] {
    return findAgentMarkersUnder(this.paths.root).map((m) => ({
      kind: 'marker',
      path: this.markerPath(m.file),
      file: m.file,
      agent: m.agent,
      intent: m.intent,
    }));
  }

  /** `markerFreeBelowRoot`: the caller knows (see pathMemo.ts) that no folder above `p` but the root has a marker. */
  private pushAncestors(p: WorkspacePath, out: Holder[], markerFreeBelowRoot = false): void {
    for (const a of ancestorsOf(p)) {
      const file = this.lockFile(a);
      if (fs.statSync(file, { throwIfNoEntry: false })) {
        const h = this.readHolder(file, a);
        if (h) out.push(h);
      }
      if (markerFreeBelowRoot && a !== '.') continue;
      const m = readAgentMarker(this.paths.absolute(a));
      if (m) out.push({ kind: 'marker', path: a, file: m.file, agent: m.agent, intent: m.intent });
    }
  }

  private pushDescendants(p: WorkspacePath, out: Holder[]): void {
    for (const name of this.lockNames()) {
      const decoded = decodeLockFileName(name);
      if (decoded !== undefined && (decoded === p || !covers(p, decoded))) continue;
      const h = this.readHolder(path.join(this.lockDir, name), decoded);
      if (!h) continue;
      // Hashed names are only known by the path inside; invalid ones without a path are not attributable.
      if (decoded === undefined && (h.path === undefined || h.path === p || !covers(p, h.path))) continue;
      out.push(h);
    }
    for (const m of findAgentMarkersUnder(this.paths.absolute(p))) {
      out.push({ kind: 'marker', path: this.markerPath(m.file), file: m.file, agent: m.agent, intent: m.intent });
    }
  }

  private lockNames(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.lockDir);
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith(LOCK_SUFFIX) && !n.startsWith('.tmp-'));
  }

  private markerPath(file: string): string {
    const rel = path.relative(this.paths.root, path.dirname(file)).split(path.sep).join('/');
    return rel === '' ? '.' : rel;
  }

  private readHolder(file: string, knownPath: string | undefined): Holder | undefined {
    const r = readLockFile(file);
    switch (r.state) {
      case 'absent':
        return undefined;
      case 'valid':
        return { kind: 'lock', path: r.record.path, file, record: r.record, seen: r.seen };
      case 'invalid':
        return {
          kind: 'invalid',
          path: knownPath ?? r.claimedPath,
          file,
          issues: r.issues,
          size: r.size,
          mtimeMs: r.mtimeMs,
          fingerprint: r.fingerprint,
        };
    }
  }
}
