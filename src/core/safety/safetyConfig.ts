// zod/mini: the PreToolUse hook parses the settings on every tool call of every agent.
import { AGENT_ID } from '../schemas/patterns';
import * as z from '../schemas/zodMini';
import { denyRuleOverrideSchema } from './denyList';

/** An agent id, or a pattern with `*` (`antigravity*`). */
const agentPattern = z.string().check(z.minLength(1), z.maxLength(AGENT_ID.max + 8), z.regex(/^[A-Za-z0-9*][A-Za-z0-9._:@*-]*$/, 'must be an agent id, optionally with *'));

/**
 * Folders only some agents may write (workspace-relative, trailing `/`): the seed's directory ownership.
 * `.antigravity/` belongs to the planner; `.locks/` to nobody (locks are taken with `fmes lock`, never by
 * writing files), so an agent cannot forge or delete another agent's lock with an editor tool.
 */
export const DEFAULT_OWNERSHIP: Readonly<Record<string, readonly string[]>> = {
  '.antigravity/': ['antigravity*'],
  '.locks/': [],
  '.fmes/': [],
};

export const safetySchema = z._default(
  z.object({
    /** Inject F-MES's PreToolUse/PostToolUse hooks into the agent sessions F-MES starts (Claude `--settings`). */
    hooks: z._default(z.boolean(), true),
    /** Folder → agents allowed to write in it; merged over the defaults (an empty list: nobody). */
    ownership: z._default(z.record(z.string().check(z.minLength(1)), z.array(agentPattern)), {}),
    /** Deny-list changes: a known id with `disabled: true` drops that rule, with other fields changes it; a new id adds a rule. */
    rules: z._default(z.array(denyRuleOverrideSchema), []),
    /** Slack-compatible webhook that gets every audit record (posted in the background; never blocks an agent). */
    auditWebhook: z._default(z.string(), ''),
  }),
  { hooks: true, ownership: {}, rules: [], auditWebhook: '' },
);

export type SafetyConfig = z.infer<typeof safetySchema>;

/** Whether `agent` matches an ownership pattern (`*` = any run of characters). */
export function agentMatches(pattern: string, agent: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(agent);
}

/** The owners of the deepest owned folder that contains `p`, or undefined when nobody owns it. */
export function ownersOf(p: string, ownership: Readonly<Record<string, readonly string[]>>): { folder: string; owners: readonly string[] } | undefined {
  const merged = { ...DEFAULT_OWNERSHIP, ...ownership };
  let best: { folder: string; owners: readonly string[] } | undefined;
  for (const [folder, owners] of Object.entries(merged)) {
    const f = folder.replace(/\/+$/, '');
    if ((p === f || p.startsWith(`${f}/`)) && (!best || f.length > best.folder.length)) best = { folder: `${f}/`, owners };
  }
  return best;
}
