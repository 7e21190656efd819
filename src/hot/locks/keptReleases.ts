// Releases inside a turn (fairWaiting.ts) whose lock file stays until the turn goes on or ends. A loop of
// acquire → work → release in one process then costs no link and no unlink in `.locks/` per cycle, only a stat:
// on ext4 those two metadata operations wait on the journal and are most of a contended cycle (bench/README §2).
//
// Why exclusion is unchanged: the lock file never leaves, so for everyone else the lock was held for the whole
// turn, exactly as if the loop had held it across its cycles. Every check a new acquisition makes (the create,
// the folders above, the locks below) is one the kept lock already passed and still passes: a lock on a folder
// above, created meanwhile, saw this file in its own check after its create and backed off. The record stays the
// turn's first (its token, acquiredAt and expiry): the lock it describes is still that one.
//
// The price: for up to one turn of the event loop after release() returns, the lock file is still there; code
// that blocks the event loop right after a release (execSync, a long computation) keeps the path until it
// yields. At exit the file is removed (fairWaiting.ts ends every turn).
import * as fs from 'node:fs';
import type { LockRecord } from '../../core/schemas/lock';
import type { Spare, SparePool } from './spares';

interface Kept {
  record: LockRecord;
  spare: Spare;
}

export class KeptReleases {
  /** By lock file. */
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly pool: () => SparePool | undefined) {}

  get size(): number {
    return this.kept.size;
  }

  /** Keeps the lock file of a release (proved ours by the caller) until {@link take} or {@link finish}. */
  keep(file: string, record: LockRecord, spare: Spare): void {
    this.finish(file);
    this.kept.set(file, { record, spare });
  }

  /**
   * The kept lock on `file` back for an acquisition that `fits` its record, if the lock file is still its spare
   * (a person may have broken it since); otherwise the release is finished and undefined returned.
   */
  take(file: string, fits: (record: LockRecord) => boolean): Kept | undefined {
    const k = this.kept.get(file);
    if (!k) return undefined;
    if (!k.spare.retired && fits(k.record) && namesSpare(file, k.spare)) {
      this.kept.delete(file);
      return k;
    }
    this.finish(file);
    return undefined;
  }

  /** Finishes the kept release of `file`, if any: its lock file goes if it is still the spare. */
  finish(file: string): void {
    const k = this.kept.get(file);
    if (!k) return;
    this.kept.delete(file);
    let removed = false;
    if (namesSpare(file, k.spare)) {
      try {
        fs.unlinkSync(file);
        removed = true;
      } catch {
        /* broken by someone meanwhile */
      }
    }
    // A spare still linked elsewhere (an archive in .broken/) must not be rewritten: it is retired.
    if (removed) this.pool()?.giveBack(k.spare);
    else this.pool()?.retire(k.spare);
  }

  finishAll(): void {
    for (const file of [...this.kept.keys()]) this.finish(file);
  }
}

function namesSpare(file: string, spare: Spare): boolean {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st !== undefined && st.ino === spare.ino && st.dev === spare.dev;
}
