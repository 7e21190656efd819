/**
 * The errors of the hot paths (locks, paths, the hook), which core re-exports from src/core/errors.ts: the
 * classes are defined once, so `instanceof` and the static `is()` guards hold everywhere.
 *
 * Typed domain errors. Each carries a `reason` discriminator; callers branch on it with the static `is()`
 * guards, never on message text. Only adapters (CLI, extension host) turn these into user-facing text.
 */

export abstract class FmesError<R extends string = string> extends Error {
  abstract readonly kind: string;
  constructor(
    readonly reason: R,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type PathErrorReason = 'empty' | 'outsideWorkspace' | 'symlinkEscape' | 'reserved' | 'invalidCharacter';

/** A path given to F-MES could not be accepted as a workspace path. */
export class PathError extends FmesError<PathErrorReason> {
  readonly kind = 'path';
  constructor(
    reason: PathErrorReason,
    readonly input: string,
    message: string,
  ) {
    super(reason, message);
  }
  static is(e: unknown, reason?: PathErrorReason): e is PathError {
    return e instanceof PathError && (reason === undefined || e.reason === reason);
  }
}

export type LockErrorReason =
  /** Another holder covers the path (the lock itself, a folder lock above it, or a lock inside it). */
  | 'held'
  /** The caller is not the holder of the lock it tried to release or renew. */
  | 'notHolder'
  /** No lock exists at the path. */
  | 'notHeld'
  /** A concurrent break of the same lock is in progress; try again. */
  | 'busy'
  /** The agent id is not a valid identifier. */
  | 'invalidAgent';

export class LockError extends FmesError<LockErrorReason> {
  readonly kind = 'lock';
  constructor(
    reason: LockErrorReason,
    readonly path: string,
    message: string,
    readonly details?: { holders?: readonly unknown[]; agent?: string },
  ) {
    super(reason, message);
  }
  static is(e: unknown, reason?: LockErrorReason): e is LockError {
    return e instanceof LockError && (reason === undefined || e.reason === reason);
  }
}

/** One problem found in an artifact: where (dotted field path, or empty for the whole file) and what. */
export interface ArtifactIssue {
  readonly field: string;
  readonly message: string;
}

/** One issue as people read it: `field: message`, or just the message for the whole file. */
export function formatIssue(i: ArtifactIssue): string {
  return i.field ? `${i.field}: ${i.message}` : i.message;
}

/** Several issues on one line. */
export function formatIssues(issues: readonly ArtifactIssue[]): string {
  return issues.map(formatIssue).join('; ');
}

/** Node's errno-style errors, narrowed without string matching on messages. */
export function isErrnoException(e: unknown, code?: string): e is NodeJS.ErrnoException {
  return (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === 'string' &&
    (code === undefined || (e as NodeJS.ErrnoException).code === code)
  );
}
