/**
 * Identifier rules shared by the zod schemas (classic ones for artifacts, mini ones on the lock hot path),
 * kept apart so both use the very same rule and message.
 */
export const AGENT_ID = {
  re: /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/,
  max: 64,
  message: 'must start with a letter or digit and use only letters, digits and . _ : @ -',
} as const;

export const TASK_ID = {
  re: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  max: 80,
  message: 'must start with a letter or digit and use only letters, digits and . _ -',
} as const;

export function isAgentId(s: unknown): s is string {
  return typeof s === 'string' && s.length <= AGENT_ID.max && AGENT_ID.re.test(s);
}
