import type { LockRecord } from '../../core/schemas/lock';
import type { Holder } from '../locks/holders';
import { PathError, type PathErrorReason } from '../errors';
import { asLockError, BrokerCallError, holderFromJson, type BrokerClient } from './client';

/**
 * The lock operations as `fmes lock`, `fmes lock run` and the MCP tools call them inside a run: through the
 * run's broker, answering with what LockManager would have answered (a record, a LockError, a PathError), so
 * each caller prints and exits exactly as it does outside runs. A refusal stays a BrokerCallError('refused'),
 * an unreachable broker BrokerCallError('unavailable').
 */

/** Exit code when the broker of the run cannot be reached (sysexits EX_UNAVAILABLE): nothing was done. */
export const EXIT_BROKER_UNAVAILABLE = 69;
/** Exit code of a refusal (sysexits EX_NOPERM), as src/cli/commands/refusal.ts. */
export const EXIT_REFUSED = 77;

export interface BrokeredLock {
  path: string;
  file: string;
  record: LockRecord;
  /** The release key, shown once (null for a connection-bound lock and for a re-entry). */
  key: string | undefined;
  /** The fencing token of this acquisition, where the backend gives one (Redis). */
  fence?: number;
  /** Held already by this run: renewed (and bound to this connection too). */
  reentered: boolean;
}

export interface AcquireVia {
  path: string;
  cwd: string;
  agent?: string;
  intent?: string;
  ttlSec?: number;
  waitSec?: number;
  bind: 'connection' | 'detached';
  /** Called once, when the first try finds the path held and a wait begins (as LockManager's onWait). */
  onWait?: (holders: readonly Holder[]) => void;
}

export async function acquireVia(client: BrokerClient, a: AcquireVia): Promise<BrokeredLock> {
  const { onWait, waitSec = 0, ...rest } = a;
  const args = dropUndefined({ ...rest });
  let r: Record<string, unknown>;
  try {
    r = await client.call('lock.acquire', { ...args, waitSec: 0 });
  } catch (e) {
    if (!(waitSec > 0 && BrokerCallError.is(e, 'held'))) throw mapped(e);
    const holders = Array.isArray(e.details?.holders) ? (e.details.holders.map(holderFromJson) as Holder[]) : [];
    onWait?.(holders);
    try {
      r = await client.call('lock.acquire', { ...args, waitSec }, (waitSec + 15) * 1000);
    } catch (e2) {
      throw mapped(e2);
    }
  }
  const { file, ...record } = r.lock as LockRecord & { file: string };
  return {
    path: record.path,
    file,
    record,
    key: typeof r.key === 'string' ? r.key : undefined,
    reentered: r.reentered === true,
  };
}

export async function releaseVia(
  client: BrokerClient,
  a: { path: string; cwd: string; agent?: string; key?: string },
): Promise<{ path: string }> {
  try {
    return (await client.call('lock.release', dropUndefined(a))) as { path: string };
  } catch (e) {
    throw mapped(e);
  }
}

export async function renewVia(
  client: BrokerClient,
  a: { path: string; cwd: string; agent?: string; key?: string; ttlSec?: number },
): Promise<{ path: string; expiresAt: string }> {
  try {
    return (await client.call('lock.renew', dropUndefined(a))) as { path: string; expiresAt: string };
  } catch (e) {
    throw mapped(e);
  }
}

/** The broker's error as the error core would have thrown (LockError, PathError), else as it is. */
export function mapped(e: unknown): unknown {
  if (BrokerCallError.is(e, 'invalidPath')) {
    const reason = (e.details?.reason ?? 'invalidCharacter') as PathErrorReason;
    return new PathError(reason, '', e.message);
  }
  return asLockError(e);
}

function dropUndefined<T extends Record<string, unknown>>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
