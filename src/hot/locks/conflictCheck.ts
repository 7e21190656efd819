// The check that follows every exclusive create of a lock file: which holders above or below the path conflict
// with the new claim, and which of two racing claims backs off.
import type { WorkspacePath } from '../paths/workspacePath';
import type { LockRecord } from '../../core/schemas/lock';
import type { Holder, HolderReader } from './holders';
import { sameAgent } from './lockView';
import { pause } from './pause';

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
export function conflictsAfterCreate(
  reader: HolderReader,
  p: WorkspacePath,
  kind: string,
  markerFreeBelowRoot: boolean,
  mine: LockRecord,
): Holder[] {
  const check = () =>
    reader
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

/** How many times a creator whose conflicts are all younger claims re-checks before backing off (1 ms apart). */
const YIELD_RECHECKS = 3;

/** True when `other` was claimed after `mine` in the order every acquirer computes alike. */
function isYounger(other: LockRecord, mine: LockRecord): boolean {
  const a = Date.parse(other.acquiredAt);
  const b = Date.parse(mine.acquiredAt);
  return a !== b ? a > b : other.token > mine.token;
}
