/**
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
    readonly details?: { holders?: readonly unknown[] },
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

export type ArtifactErrorReason = 'unreadable' | 'syntax' | 'schema' | 'unknownKind';

/** An artifact file (lock, report, plan, handoff, cost log, settings) failed to parse or validate. */
export class ArtifactError extends FmesError<ArtifactErrorReason> {
  readonly kind = 'artifact';
  constructor(
    reason: ArtifactErrorReason,
    readonly file: string,
    readonly issues: readonly ArtifactIssue[],
  ) {
    super(reason, formatArtifactIssues(file, issues));
  }
  static is(e: unknown, reason?: ArtifactErrorReason): e is ArtifactError {
    return e instanceof ArtifactError && (reason === undefined || e.reason === reason);
  }
}

/** One issue as people read it: `field: message`, or just the message for the whole file. */
export function formatIssue(i: ArtifactIssue): string {
  return i.field ? `${i.field}: ${i.message}` : i.message;
}

/** Several issues on one line. */
export function formatIssues(issues: readonly ArtifactIssue[]): string {
  return issues.map(formatIssue).join('; ');
}

export function formatArtifactIssues(file: string, issues: readonly ArtifactIssue[]): string {
  if (issues.length === 0) return `${file}: invalid`;
  return issues.map((i) => `${file}: ${formatIssue(i)}`).join('\n');
}

/** Turns anything thrown into a short message suitable for a log line. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Node's errno-style errors, narrowed without string matching on messages. */
export function isErrnoException(e: unknown, code?: string): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && (code === undefined || (e as NodeJS.ErrnoException).code === code);
}

/** F-MES refuses to write or spawn anything in a workspace the user has not trusted. */
export class TrustError extends FmesError<'untrusted'> {
  readonly kind = 'trust';
  constructor(action: string) {
    super('untrusted', `${action} is disabled in an untrusted workspace. Trust the workspace to let F-MES write locks or start agents.`);
  }
  static is(e: unknown): e is TrustError {
    return e instanceof TrustError;
  }
}
