// The words of a release or renewal the Redis server refused (its verdict and the record it found), shared by
// the backend's direct calls and its deferred and merged releases.
import { LockError } from '../../../hot/errors';
import type { LockClaim } from '../../../hot/locks/lockClaim';
import { holderOf } from './redisRecords';

/** The LockError of a release or renewal the server refused (`v` its verdict, `json` the record it found). */
export function refusal(
  where: string,
  p: string,
  v: string,
  json: string | undefined,
  who: LockClaim,
  op: 'release' | 'renew',
): LockError {
  const h = json === undefined ? undefined : holderOf(json, where, Date.now());
  const holders = h ? [h] : [];
  const what = op === 'release' ? 'released' : 'renewed';
  if (v === 'notHeld') return new LockError('notHeld', p, `${p} is not locked (on ${where}).`);
  if (v === 'noKey')
    return new LockError(
      'notHolder',
      p,
      `${p} has no release token (a lock bound to a process): its agent releases it, or a person breaks it with fmes lock break.`,
      { holders },
    );
  const agent = h?.kind === 'lock' ? h.record.agent : 'an invalid record';
  return new LockError(
    'notHolder',
    p,
    who.key !== undefined
      ? `${p} is held by ${agent}, and that is not its token.`
      : `${p} is held by ${agent}, not ${who.agent}${who.token ? ' with that token' : ''}; it could not be ${what}.`,
    { holders },
  );
}
