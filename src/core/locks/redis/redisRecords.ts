import { nodeCrypto } from '../../../hot/ids';
import type { Holder } from '../../../hot/locks/holders';
import { processLiveness, processStartId } from '../../../hot/locks/liveness';
import { checkLockRecord } from '../../../hot/locks/lockRecord';
import type { Staleness } from '../../../hot/locks/staleness';
import { toArtifactIssues } from '../../schemas/issues';
import { lockRecordSchema, type LockRecord } from '../../schemas/lock';

/**
 * Lock records as the Redis backend stores them: the file backend's record, with server times in ms
 * (`acquiredMs`, `expiresMs`) instead of ISO strings, plus the fence. Anything read back is checked with the
 * same schema as a lock file: a hand-written or hostile value is an invalid holder (held until broken), never
 * trusted.
 */
export interface StoredLock {
  record: LockRecord;
  fence: string;
}

export function parseStored(json: string): StoredLock | { issues: ReturnType<typeof toArtifactIssues>; path?: string } {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { issues: [{ field: '', message: 'is not JSON' }] };
  }
  if (!v || typeof v !== 'object') return { issues: [{ field: '', message: 'is not an object' }] };
  const { fence, acquiredMs, expiresMs, ...rest } = v;
  const iso = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : ms);
  const candidate = { ...rest, acquiredAt: iso(acquiredMs), expiresAt: iso(expiresMs) };
  // The hand check of the hot paths decides the common case in microseconds; zod words what it rejects.
  const quick = checkLockRecord(candidate);
  if (quick) return { record: quick, fence: typeof fence === 'string' ? fence : '' };
  const r = lockRecordSchema.safeParse(candidate);
  if (!r.success) return { issues: toArtifactIssues(r.error), path: typeof v.path === 'string' ? v.path : undefined };
  return { record: r.data, fence: typeof fence === 'string' ? fence : '' };
}

/** A stored value as a holder; `where` names the server for messages. */
export function holderOf(json: string, where: string, now: number): Holder & { fence?: string } {
  const s = parseStored(json);
  if ('record' in s)
    return { kind: 'lock', path: s.record.path, file: `${where} ${s.record.path}`, record: s.record, fence: s.fence };
  return {
    kind: 'invalid',
    path: s.path,
    file: `${where} ${s.path ?? '?'}`,
    issues: s.issues,
    size: json.length,
    mtimeMs: now,
    fingerprint: nodeCrypto().createHash('sha256').update(json).digest('hex').slice(0, 16),
  };
}

/**
 * Staleness as one machine can judge it: the server removes expired locks for everyone, so what is left is
 * live, except a lock bound to a process on this very host that has died (judged as the file backend does,
 * by pid and start time), which this host may break at once instead of waiting for its lease.
 */
export function remoteStaleness(h: Holder, host: string): Staleness {
  if (h.kind !== 'lock' || h.record.host !== host || h.record.pid === null) return { stale: false };
  // Machines may share a host name (CI runners, containers): only a holder started under this machine's boot
  // is judged here; any other waits for its lease, which is always safe.
  const boot = processStartId(process.pid)?.split(':')[0];
  if (!boot || !h.record.pidStart?.startsWith(`${boot}:`)) return { stale: false };
  const l = processLiveness(h.record.pid, h.record.pidStart);
  if (l === 'alive') return { stale: false };
  return { stale: true, reason: l === 'zombie' ? 'holderZombie' : l === 'reused' ? 'pidReused' : 'holderDead' };
}
