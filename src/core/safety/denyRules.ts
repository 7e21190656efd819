// The deny-list rule schemas, apart from the matcher (denyList.ts): the PreToolUse hook matches commands on
// every tool call and only needs these when settings change the rules.
import * as z from '../schemas/zodMini';
import { schemaError } from '../i18n/schemaText';

const isRegex = (s: string): boolean => {
  try {
    new RegExp(s.startsWith('(?i)') ? s.slice(4) : s);
    return true;
  } catch {
    return false;
  }
};
const regexSource = z.string().check(z.refine(isRegex, schemaError('regex')));
const names = z.array(z.string().check(z.minLength(1)));

/** A deny-list rule. Every condition given must hold for the rule to match a simple command. */
export const denyRuleSchema = z.object({
  /** Stable id; settings override or disable a rule by it. */
  id: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, schemaError('ruleId'))),
  /** `deny` blocks the command; `ask` puts it to the person. */
  tier: z.enum(['deny', 'ask']),
  /** Why the rule exists; shown to the agent and the person as the reason. */
  description: z.string().check(z.minLength(1)),
  /** Program basename(s); `*` is any program, a trailing `*` a prefix (`mkfs*`). */
  program: z.union([z.string().check(z.minLength(1)), names.check(z.minLength(1))]),
  /** The leading operands (arguments that are not options), in order; `a|b` allows either. */
  subcommand: z.optional(names),
  /** Options of the program that take the next argument as their value (`-C dir`), so it is not an operand. */
  valueFlags: z.optional(names),
  /** Matches when one of these options is present (`-rf` counts as `-r -f`; `-x`/`--x` spell one long option). */
  anyFlags: z.optional(names),
  /** Matches when all of these options are present. */
  allFlags: z.optional(names),
  /** Regex tested against each argument, as written and path-normalised; `{{home}}`, `{{workspace}}` stand for those folders. */
  argPattern: z.optional(regexSource),
  /** Regexes that must each match some argument (`parted /dev/sda mklabel`: a device and a verb). */
  argPatterns: z.optional(z.array(regexSource)),
  /** Regex tested against the last operand: the destination of `cp`/`install` (reading a device stays allowed). */
  lastArgPattern: z.optional(regexSource),
  /** The rule does not match when one of these options is present (`fdisk -l` only lists). */
  noneFlags: z.optional(names),
  /** Long options may be abbreviated to any unambiguous prefix of 4+ characters, as git accepts (`--forc`). */
  abbrev: z.optional(z.boolean()),
  /** Regex tested against each output redirection's target (`> /dev/sda`). */
  redirectPattern: z.optional(regexSource),
  /** An earlier command of the same pipeline is one of these programs (`curl … | sh`). */
  pipedFrom: z.optional(names),
  /**
   * SQL in the arguments, a heredoc, a here-string or what is piped in: `true` is DROP TABLE/DATABASE/SCHEMA or
   * TRUNCATE; `drop` any other DROP; `dynamic` a DO block, EXECUTE or PREPARE; `unbounded` DELETE/UPDATE with no WHERE.
   */
  sql: z.optional(z.union([z.boolean(), z.enum(['drop', 'dynamic', 'unbounded'])])),
  /** The command calls the function whose body holds it: the shape of a fork bomb. */
  selfCall: z.optional(z.boolean()),
});
export type DenyRule = z.infer<typeof denyRuleSchema>;

/** A settings entry: a whole new rule, changed fields of a default rule, or `disabled: true` to drop it. */
export const denyRuleOverrideSchema = z.extend(z.partial(denyRuleSchema), {
  id: denyRuleSchema.shape.id,
  disabled: z.optional(z.boolean()),
});
export type DenyRuleOverride = z.infer<typeof denyRuleOverrideSchema>;
