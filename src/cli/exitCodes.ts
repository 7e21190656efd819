/** Exit codes of `fmes`, following sysexits(3) where one fits. */
export const ExitCode = {
  ok: 0,
  /** Invalid artifact, or an operation that failed. */
  failure: 1,
  /** Bad command line. */
  usage: 2,
  /** `run`: the circuit breaker stopped the agent (turn limit, run or daily budget, wall time). */
  limit: 3,
  /** The lock backend (a Redis server) cannot be reached or refused the login (EX_UNAVAILABLE). */
  unavailable: 69,
  /** The lock is still held by someone else when the wait ended (EX_TEMPFAIL). */
  held: 75,
  /** `lock run` / `run`: the command (agent CLI) could not be started. */
  notFound: 127,
} as const;
