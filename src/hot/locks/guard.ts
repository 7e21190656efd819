import * as fs from 'node:fs';
import { isErrnoException, LockError } from '../errors';
import { uniqueId } from '../ids';
import type { WorkspacePath } from '../paths/workspacePath';
import type { LockRecord } from '../../core/schemas/lock';
import { hostName, processLiveness, processStartId } from './liveness';
import { pause } from './pause';

/**
 * The generation guard: mutual exclusion among everyone who removes or replaces one *generation* of a lock
 * file (breakers, the releasing holder, a renewing holder).
 *
 * A generation is one acquisition, identified by the token in the file (or, for an invalid file, by a
 * fingerprint of its content). To act on generation G of file L, a process creates the marker
 * `L.<G>.break` with O_EXCL, re-reads L, and acts only if L still carries G; then it removes the marker.
 *
 * Why two waiters that both judge G stale can never both end up holding the lock:
 *  1. Only one of them can create `L.<G>.break` (O_EXCL); the other backs off and starts over.
 *  2. While the marker exists, no other guarded actor can remove or replace L's generation G: breakers,
 *     releasers and renewers of G all need the same marker. Acquirers never remove anything; they only
 *     create L exclusively (open with O_EXCL, or link(2) of a prepared file, see spares.ts), which fails
 *     while L exists. So if the re-read under the marker shows G, L is still G when the winner moves it
 *     away: it can never move a newer generation by mistake.
 *  3. After the winner moved G away, L is free and every waiter competes through the exclusive create,
 *     which admits exactly one. A late waiter that judged G stale earlier creates the marker (the winner has
 *     removed it), re-reads L, sees a different generation or none, and does nothing.
 * Markers can go stale too (their creator died inside the few-microsecond section). A marker is judged
 * like a lock (dead pid on this host, or older than MARKER_MAX_AGE_MS) and removed through the same
 * guard one level up (`L.<G>.break.<M>.break`), so the argument applies at every level.
 *
 * The one unguarded path is the fast release of a lock that no breaker may judge stale (bound to the
 * releasing process itself and far from expiry, or bound by a TTL far from expiry; see needsGuard): no
 * breaker acts on such a lock, so nothing races with the release. That holds for lock files rewritten in
 * place too (spares.ts explains why a read overlapping a rewrite is never judged stale). An explicit
 * force-break of such a lock is guarded too but can race with that fast release; that only loses a lock
 * that its holder was giving up at the same instant.
 */

export const MARKER_SUFFIX = '.break';
const MARKER_MAX_AGE_MS = 10_000;
const MAX_DEPTH = 3;

interface MarkerRecord {
  pid: number;
  pidStart: string | null;
  host: string;
  at: number;
  nonce: string;
}

export type GuardResult<T> = { ok: true; value: T } | { ok: false; why: 'busy' };

export function markerFile(file: string, generation: string): string {
  return `${file}.${generation}${MARKER_SUFFIX}`;
}

/** Runs `fn` while holding the guard of `generation` on `file`, or reports that someone else holds it. */
export function withGenerationGuard<T>(file: string, generation: string, fn: () => T, depth = 0): GuardResult<T> {
  const marker = markerFile(file, generation);
  const me: MarkerRecord = {
    pid: process.pid,
    pidStart: processStartId(process.pid) ?? null,
    host: hostName(),
    at: Date.now(),
    nonce: uniqueId(),
  };
  try {
    fs.writeFileSync(marker, JSON.stringify(me), { flag: 'wx' });
  } catch (e) {
    if (!isErrnoException(e, 'EEXIST')) throw e;
    if (depth < MAX_DEPTH) clearStaleMarker(marker, depth);
    return { ok: false, why: 'busy' };
  }
  try {
    return { ok: true, value: fn() };
  } finally {
    fs.rmSync(marker, { force: true });
  }
}

/** Removes a marker whose creator died inside its section, through the guard one level up. */
function clearStaleMarker(marker: string, depth: number): void {
  const seen = readMarker(marker);
  if (!seen || !markerIsStale(seen.record, seen.mtimeMs)) return;
  withGenerationGuard(
    marker,
    seen.generation,
    () => {
      const again = readMarker(marker);
      if (again && again.generation === seen.generation) fs.rmSync(marker, { force: true });
    },
    depth + 1,
  );
}

function readMarker(
  marker: string,
): { record: MarkerRecord | undefined; generation: string; mtimeMs: number } | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(marker, 'utf8');
    mtimeMs = fs.statSync(marker).mtimeMs;
  } catch {
    return undefined;
  }
  let record: MarkerRecord | undefined;
  try {
    record = JSON.parse(text) as MarkerRecord;
  } catch {
    record = undefined;
  }
  // A marker that is empty or unreadable is identified by its mtime and size.
  const generation =
    record && typeof record.nonce === 'string' && /^[0-9a-f-]{36}$/.test(record.nonce)
      ? record.nonce
      : `m${Math.floor(mtimeMs)}-${text.length}`;
  return { record, generation, mtimeMs };
}

function markerIsStale(record: MarkerRecord | undefined, mtimeMs: number): boolean {
  if (Date.now() - mtimeMs > MARKER_MAX_AGE_MS) return true;
  if (record && typeof record.pid === 'number' && record.host === hostName()) {
    return processLiveness(record.pid, record.pidStart) !== 'alive';
  }
  return false;
}

/**
 * Runs `fn` under the generation guard of `record` on `file`, trying again while another process holds it
 * (50 times, 2 ms apart) before giving up with LockError('busy').
 */
export function guarded<T>(p: WorkspacePath, file: string, record: LockRecord, fn: () => T): T {
  for (let i = 0; i < 50; i++) {
    const g = withGenerationGuard(file, record.token, fn);
    if (g.ok) return g.value;
    pause(2);
  }
  throw new LockError('busy', p, `${p} is being broken by another process.`);
}
