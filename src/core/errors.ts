export { FmesError, PathError, LockError, formatIssue, formatIssues, isErrnoException } from '../hot/errors';
export type { PathErrorReason, LockErrorReason, ArtifactIssue } from '../hot/errors';
import { FmesError, formatIssue, type ArtifactIssue } from '../hot/errors';

// FmesError, PathError, LockError and isErrnoException live in src/hot/errors.ts: the hot paths (locks, the hook)
// throw them without loading the rest of core.

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

export function formatArtifactIssues(file: string, issues: readonly ArtifactIssue[]): string {
  if (issues.length === 0) return `${file}: invalid`;
  return issues.map((i) => `${file}: ${formatIssue(i)}`).join('\n');
}

/** Turns anything thrown into a short message suitable for a log line. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** F-MES refuses to write or spawn anything in a workspace the user has not trusted. */
export class TrustError extends FmesError<'untrusted'> {
  readonly kind = 'trust';
  constructor(action: string) {
    super(
      'untrusted',
      `${action} is disabled in an untrusted workspace. Trust the workspace to let F-MES write locks or start agents.`,
    );
  }
  static is(e: unknown): e is TrustError {
    return e instanceof TrustError;
  }
}
