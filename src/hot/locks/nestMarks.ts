import * as fs from 'node:fs';
import * as path from 'node:path';
import { isErrnoException } from '../errors';
import { ancestorsOf, type WorkspacePath } from '../paths/workspacePath';
import { lockFileName } from './lockName';

/**
 * Marks of nested locks: an empty file `.locks/.nest/<lock file name of F>` says "a lock was once taken inside
 * folder F". It spares the folder-coverage check (lockManager.ts conflictsAfterCreate) a read of the whole lock
 * folder when it looks for locks inside a path that has never had one: above all a lock on a file that does not
 * exist yet, which must be checked as a possible folder (nothing on disk says what it will be).
 *
 * Why a missing mark proves there is no lock inside F, races included. Every acquirer makes the marks of all the
 * folders above its path (ensureAbove) *before* it creates its lock file, and a mark is never removed by F-MES.
 * A lock L on F is created first, then its checker looks for F's mark. If the mark is missing at that look,
 * every lock D inside F either does not exist yet or will only be created after its acquirer made the mark,
 * hence after the look, hence after L was created: D's own check (the stat of each folder's lock file above it)
 * then sees L. So of two conflicting creators, one still sees the other, as guard.ts requires; when the mark
 * exists, the check reads the lock folder as before. Removing `.locks/.nest` by hand only costs those reads
 * again, unless it is removed while locks inside a folder are held and a lock on that folder comes next: the
 * same class of damage as deleting lock files by hand.
 *
 * Marks are by name, like the check they serve (a folder removed and made again keeps its mark), and are few:
 * at most one per folder that ever held a lock inside it.
 */
export const NEST_DIR = '.nest';

export class NestMarks {
  private readonly dir: string;

  constructor(lockDir: string) {
    this.dir = path.join(lockDir, NEST_DIR);
  }

  /**
   * Makes the marks of every folder above `p` (the root has none: it is never skipped). One stat per folder.
   * Throws when a mark cannot be made: the lock must then not be taken (a folder lock could miss it).
   */
  ensureAbove(p: WorkspacePath): void {
    for (const folder of ancestorsOf(p)) {
      if (folder === '.') continue;
      const mark = this.markOf(folder);
      if (fs.statSync(mark, { throwIfNoEntry: false })) continue;
      this.make(mark);
    }
  }

  /**
   * False only when no lock was ever taken inside `p` (see above): the lock folder need not be read for it.
   * Anything but a plain "no such mark" (`.nest` replaced by a file, no permission) answers true: read it.
   */
  mayHaveInside(p: WorkspacePath): boolean {
    if (p === '.') return true;
    try {
      return fs.statSync(this.markOf(p), { throwIfNoEntry: false }) !== undefined;
    } catch {
      return true;
    }
  }

  private markOf(folder: WorkspacePath): string {
    return path.join(this.dir, lockFileName(folder));
  }

  private make(mark: string): void {
    for (let i = 0; ; i++) {
      try {
        fs.closeSync(fs.openSync(mark, 'a'));
        return;
      } catch (e) {
        if (!isErrnoException(e, 'ENOENT') || i > 3) throw e;
        fs.mkdirSync(this.dir, { recursive: true });
      }
    }
  }
}
