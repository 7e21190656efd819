// zod/mini: the PreToolUse hook parses these settings (lazily, when the workspace has a config file).
import { AGENT_ID } from '../schemas/patterns';
import * as z from '../schemas/zodMini';
import { denyRuleOverrideSchema } from './denyRules';
import { schemaError } from '../i18n/schemaText';

/** An agent id, or a pattern with `*` (`antigravity*`). */
const agentPattern = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(AGENT_ID.max + 8),
    z.regex(/^[A-Za-z0-9*][A-Za-z0-9._:@*-]*$/, schemaError('agentPattern')),
  );

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
