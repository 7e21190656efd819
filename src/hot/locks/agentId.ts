/** The agent id rule, shared with the zod schemas (src/core/schemas/patterns.ts re-exports it). */
export const AGENT_ID = {
  re: /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/,
  max: 64,
  message: 'must start with a letter or digit and use only letters, digits and . _ : @ -',
} as const;

export function isAgentId(s: unknown): s is string {
  return typeof s === 'string' && s.length <= AGENT_ID.max && AGENT_ID.re.test(s);
}
