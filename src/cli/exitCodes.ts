/** Exit codes of `fmes`, following sysexits(3) where one fits. */
export const ExitCode = {
  ok: 0,
  /** Invalid artifact, or an operation that failed. */
  failure: 1,
  /** Bad command line. */
  usage: 2,
  /** The lock is still held by someone else when the wait ended (EX_TEMPFAIL). */
  held: 75,
  /** `lock run`: the command could not be started. */
  notFound: 127,
} as const;
