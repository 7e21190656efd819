/**
 * Identifier rules shared by the zod schemas (classic ones for artifacts, mini ones on the lock hot path),
 * kept apart so both use the very same rule and message.
 */
// AGENT_ID is defined in the hot boundary, where lock files are checked without zod.
export { AGENT_ID, isAgentId } from '../../hot/locks/agentId';

export const TASK_ID = {
  re: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  max: 80,
  message: 'must start with a letter or digit and use only letters, digits and . _ -',
} as const;
