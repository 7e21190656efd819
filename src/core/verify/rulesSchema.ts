import { z } from 'zod';
import { schemaError, schemaText } from '../i18n/schemaText';

/** The languages a structural pattern can be written in. `python` and `go` need `@ast-grep/lang-python`/`-go`. */
export const RULE_LANGUAGES = ['typescript', 'tsx', 'javascript', 'python', 'go'] as const;
export type RuleLanguage = (typeof RULE_LANGUAGES)[number];

const nonBlank = z
  .string()
  .max(2000)
  .refine((s) => s.trim() !== '', 'must not be blank');
const glob = z
  .string()
  .min(1)
  .max(500)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');
const globs = z.union([glob, z.array(glob).min(1)]).transform((g) => (typeof g === 'string' ? [g] : g));

/**
 * One rule. Exactly one of `pattern`, `imports`, `paths` or `text` says what it checks:
 * - `pattern`: an ast-grep pattern (`$X` one node, `$$$` any number) that must not match in changed lines;
 * - `imports`: module names (globs: `lodash`, `lodash/*`, `@prisma/**`) that changed lines must not import;
 * - `paths`: changed files matching these globs are violations by themselves ("only under src/db/" is
 *   `paths: "**\/*.sql"` with `exclude: "src/db/**"`);
 * - `text`: a rule no pattern can check, in words: given with the diff to the audit agent when one is set.
 * Unknown keys are errors: a misspelt `exclude` would widen the rule without a word.
 */
export const ruleSchema = z
  .strictObject({
    /** A short name, unique in the file; it prefixes every violation. */
    id: z
      .string()
      .min(1)
      .max(80)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, schemaError('ruleId')),
    /** The rule in the team's own words (CLAUDE.md's sentence): what the report shows for each violation. */
    message: nonBlank,
    pattern: nonBlank.optional(),
    /** The pattern's language; by default it is tried on every changed TypeScript and JavaScript file. */
    language: z.enum(RULE_LANGUAGES).optional(),
    imports: globs.optional(),
    paths: globs.optional(),
    text: nonBlank.optional(),
    /** Only files matching these globs are checked (default: every changed file). */
    files: globs.optional(),
    /** Files matching these globs are exempt. */
    exclude: globs.optional(),
  })
  .superRefine((r, ctx) => {
    const kinds = (['pattern', 'imports', 'paths', 'text'] as const).filter((k) => r[k] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: kinds.length ? [kinds[1]] : [],
        message: kinds.length === 0 ? schemaText('oneKind') : schemaText('onlyOneKind', { found: kinds.join(', ') }),
      });
    if (r.language && r.pattern === undefined)
      ctx.addIssue({ code: 'custom', path: ['language'], message: schemaText('patternOnly') });
  });
export type Rule = z.output<typeof ruleSchema>;
export type RuleKind = 'pattern' | 'imports' | 'paths' | 'text';

export function ruleKind(r: Rule): RuleKind {
  return r.pattern !== undefined ? 'pattern' : r.imports ? 'imports' : r.paths ? 'paths' : 'text';
}

/** `.fmes/rules.yaml`: the team's architecture rules, checked on each mission's changed lines. */
export const rulesFileSchema = z
  .strictObject({
    version: z.literal(1).default(1),
    rules: z.array(ruleSchema).default([]),
  })
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.rules.forEach((r, i) => {
      const first = seen.get(r.id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: schemaText('repeatsRule', { first, id: r.id }),
        });
      else seen.set(r.id, i);
    });
  });
export type RulesFile = z.output<typeof rulesFileSchema>;

/** One place where a changed line breaks a rule. */
export interface RuleViolation {
  rule: string;
  /** The rule's own words. */
  message: string;
  file: string;
  /** 1-based. */
  line: number;
  /** The offending text, trimmed to one line. */
  excerpt?: string;
}
