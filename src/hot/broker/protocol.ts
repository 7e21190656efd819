/**
 * The run broker's wire protocol, shared by the server (src/core/broker/, which validates every message with
 * zod) and the clients on the hot paths (this folder, which may not import zod).
 *
 * JSON lines over a unix socket that F-MES creates per agent run (mode 0600, in a 0700 folder outside the
 * workspace). One request per line, answered by one response line with the same `id`; a connection may send
 * many, answered in order. Every request carries the run's token (FMES_RUN_TOKEN): the broker takes the agent
 * and the run from it, never from an argument.
 *
 *   → {"v":1,"id":1,"token":"…","op":"lock.acquire","args":{"path":"src/a.ts","bind":"connection"}}
 *   ← {"v":1,"id":1,"ok":true,"result":{…}}
 *   ← {"v":1,"id":1,"ok":false,"error":{"code":"held","message":"…","details":{…}}}
 */

export const BROKER_VERSION = 1;

/** A request line longer than this is refused (`tooLarge`) and the connection closed. */
export const MAX_LINE_BYTES = 256 * 1024;

/** The environment variables that point a process inside a run at its broker. */
export const BROKER_ENV = 'FMES_BROKER';
export const TOKEN_ENV = 'FMES_RUN_TOKEN';

export type BrokerOp =
  | 'whoami'
  | 'lock.acquire'
  | 'lock.release'
  | 'lock.renew'
  | 'lock.status'
  | 'audit.append'
  | 'approval.gate'
  | 'approval.status'
  | 'report.submit';

/**
 * Why a request failed. The lock reasons are LockError's (src/hot/errors.ts); `refused` is an operation the
 * run may not do (another agent's lock, acting as another agent); the rest are the protocol's.
 */
export type BrokerErrorCode =
  | 'badRequest'
  | 'badVersion'
  | 'badToken'
  | 'tooLarge'
  | 'timeout'
  | 'unknownOp'
  | 'refused'
  | 'held'
  | 'notHolder'
  | 'notHeld'
  | 'busy'
  | 'invalidAgent'
  | 'invalidPath'
  | 'invalid'
  | 'ended'
  /** The lock backend cannot be reached or used (src/hot/locks/backendSpec.ts): nothing was done. */
  | 'unavailable'
  | 'internal';

export interface BrokerFault {
  code: BrokerErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type BrokerResponse =
  | { v: number; id: number | string | null; ok: true; result: Record<string, unknown> }
  | { v: number; id: number | string | null; ok: false; error: BrokerFault };

/** Where a process inside a run finds its broker, or undefined outside runs that have one. */
export function brokerOf(
  env: Readonly<Record<string, string | undefined>>,
): { socket: string; token: string } | undefined {
  const socket = env[BROKER_ENV];
  if (!socket) return undefined;
  return { socket, token: env[TOKEN_ENV] ?? '' };
}
