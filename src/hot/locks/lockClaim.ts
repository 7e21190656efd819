// Who may release or renew a lock: the claim a caller makes (LockClaim), and the check of that claim against
// the lock file (ownedRecord), including the hash of a release key.
import { LockError } from '../errors';
import { nodeCrypto } from '../ids';
import type { WorkspacePath } from '../paths/workspacePath';
import type { LockRecord } from '../../core/schemas/lock';
import { readLockFile } from './lockFile';

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

/** The record of the lock on `p` when `who` may release or renew it; throws notHeld or notHolder otherwise. */
export function ownedRecord(p: WorkspacePath, file: string, who: LockClaim): LockRecord {
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
