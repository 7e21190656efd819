import * as fs from 'node:fs';
import * as path from 'node:path';
import { isErrnoException } from '../errors';
import { withGenerationGuard } from './guard';
import type { Holder } from './holders';
import { readLockFile } from './lockFile';
import type { StaleReason } from './staleness';

/**
 * Breaking a lock never deletes it: the lock file (or `.agent_lock` marker) is moved into
 * `.locks/.broken/` and a record of who broke it, when and why is appended to `.locks/.broken/breaks.jsonl`.
 */
export const BROKEN_DIR = '.broken';
export const BREAK_LOG = 'breaks.jsonl';

/** One line of `.locks/.broken/breaks.jsonl`. */
export interface BreakRecord {
  at: string;
  /** The locked workspace path, when known. */
  path: string | null;
  /** The lock file or marker that was moved away. */
  file: string;
  /** Where its content was kept. */
  archivedAs: string;
  kind: 'stale' | 'forced';
  /** Why a stale lock was judged stale. */
  staleReason?: string;
  /** Who broke it (agent id or person). */
  by: string;
  /** Why, in the breaker's words. */
  reason: string;
  /** The holder as recorded in the file, when it was valid. */
  holder: { agent: string; pid: number | null; host: string; intent: string; token: string } | null;
}

export type BreakOutcome = { done: true; record: BreakRecord } | { done: false; why: 'busy' | 'changed' | 'gone' };

export interface BreakRequest {
  holder: Holder;
  kind: 'stale' | 'forced';
  staleReason?: StaleReason;
  by: string;
  reason: string;
  /** For stale breaks: judges the re-read holder again under the guard. */
  stillStale?: (h: Holder) => boolean;
  now: number;
}

export class Breaker {
  constructor(private readonly lockDir: string) {}

  get brokenDir(): string {
    return path.join(this.lockDir, BROKEN_DIR);
  }

  break(req: BreakRequest): BreakOutcome {
    const h = req.holder;
    const generation = h.kind === 'lock' ? h.record.token : h.kind === 'invalid' ? h.fingerprint : 'marker';
    const guarded = withGenerationGuard(h.file, generation, (): BreakOutcome => {
      const again = this.reread(h);
      if (!again) return { done: false, why: 'gone' };
      if (!sameGeneration(h, again)) return { done: false, why: 'changed' };
      if (req.stillStale && !req.stillStale(again)) return { done: false, why: 'changed' };
      const archivedAs = this.archive(h, generation, req.now);
      if (!archivedAs) return { done: false, why: 'gone' };
      const record: BreakRecord = {
        at: new Date(req.now).toISOString(),
        path: h.path ?? null,
        file: h.file,
        archivedAs,
        kind: req.kind,
        ...(req.staleReason ? { staleReason: req.staleReason } : {}),
        by: req.by,
        reason: req.reason,
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
      fs.appendFileSync(path.join(this.brokenDir, BREAK_LOG), JSON.stringify(record) + '\n');
      return { done: true, record };
    });
    return guarded.ok ? guarded.value : { done: false, why: 'busy' };
  }

  /** Archive file name for a generation; the watcher uses it to tell a break from a release. */
  archiveName(file: string, generation: string, now: number): string {
    return `${path.basename(file)}.${now}.${generation}`;
  }

  /** True when `file`'s generation was archived (so its disappearance was a break, not a release). */
  wasBroken(file: string, generation: string): boolean {
    const prefix = path.basename(file) + '.';
    const suffix = '.' + generation;
    try {
      return fs.readdirSync(this.brokenDir).some((n) => n.startsWith(prefix) && n.endsWith(suffix));
    } catch {
      return false;
    }
  }

  private archive(h: Holder, generation: string, now: number): string | undefined {
    fs.mkdirSync(this.brokenDir, { recursive: true });
    const target = path.join(this.brokenDir, this.archiveName(h.file, generation, now));
    try {
      fs.renameSync(h.file, target);
    } catch (e) {
      if (isErrnoException(e, 'ENOENT')) return undefined;
      if (!isErrnoException(e, 'EXDEV')) throw e;
      // A marker inside the workspace on another device than .locks: copy, then remove.
      fs.copyFileSync(h.file, target);
      fs.rmSync(h.file, { force: true });
    }
    return target;
  }

  private reread(h: Holder): Holder | undefined {
    if (h.kind === 'marker') return fs.existsSync(h.file) ? h : undefined;
    const r = readLockFile(h.file);
    switch (r.state) {
      case 'absent':
        return undefined;
      case 'valid':
        return { kind: 'lock', path: r.record.path, file: h.file, record: r.record, seen: r.seen };
      case 'invalid':
        return {
          kind: 'invalid',
          path: h.path,
          file: h.file,
          issues: r.issues,
          size: r.size,
          mtimeMs: r.mtimeMs,
          fingerprint: r.fingerprint,
        };
    }
  }
}

function sameGeneration(a: Holder, b: Holder): boolean {
  if (a.kind === 'lock' && b.kind === 'lock') return a.record.token === b.record.token;
  if (a.kind === 'invalid' && b.kind === 'invalid') return a.fingerprint === b.fingerprint;
  return a.kind === 'marker' && b.kind === 'marker';
}
