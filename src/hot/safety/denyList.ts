/**
 * The deny list of the PreToolUse hook: is a Bash command an agent wants to run safe to let through?
 *
 * Rules are data (settings add, change or disable them by id) matched against every simple command that
 * shellWords finds, so quoting, spacing, flag order and spelling, chains, `$( )`, `bash -c`, `eval`, `sudo`,
 * env prefixes and absolute paths do not hide a command. The first `deny` wins over any `ask`. When the parse
 * is incomplete and the text names a program some rule is about, the verdict is `ask`: we could not see it.
 *
 * Policies worth knowing (from the seeds' deny list: `rm -rf /`, `terraform destroy -auto-approve`,
 * `kubectl delete ns production`, `git push --force`, and "drop table" in the validate_command.sh example):
 * - Every force push (`--force`, `-f`, `+refspec`, `--mirror`) is denied, whatever the branch: a hook cannot
 *   tell which branch `git push -f` updates, and agents have `--force-with-lease`, which is allowed on other
 *   branches and asks when it names main/master.
 * - `rm -r` of `.`, `*`, `..` is denied like `/` and `~`: for an agent the working folder is the workspace.
 * - `git reset --hard` asks (the orchestrator's own rollback runs outside the hook); `git clean` asks whenever
 *   it is forced (`-f`), since untracked files and, with `-x`, ignored ones like `.env` are not recoverable.
 * - What cannot be read before it runs is asked, not allowed: words decided at run time (variables, globs,
 *   xargs input) that could make a rule match, data piped into a shell or interpreter, interpreter code that
 *   reaches an API that runs commands or changes files, git settings that run commands, aliases, unknown
 *   programs whose arguments hold a stopped command. Look-alikes (echo, grep, commit messages) stay allowed.
 * - `psql -f file.sql`, like `bash script.sh`, runs a file the hook does not read: allowed.
 * - The F-MES CLI's `approve`, `reject` and `lock break` are a person's decisions: denied for agents.
 *
 * The work is split: defaultRules.ts and askRules.ts (the rules, in ruleVocabulary.ts's words), ruleMatch.ts
 * (one rule against one argv), runtimeValues.ts (values of run-time words), commandJudge.ts (a script),
 * commandChecks.ts, inlineCode.ts, gitConfig.ts.
 */
import type { RealPath } from './realPath';
import { judgeScript, INCOMPLETE_RULE_ID, NESTING_RULE_ID } from './commandJudge';
import type { Verdict } from './commandChecks';
import type { ShellParse } from './shellCommand';
import { DEFAULT_RULES } from './defaultRules';
import { cold } from '../cold';
import type { DenyRule, DenyRuleOverride } from '../../core/safety/denyRules';

export type { DenyRule, DenyRuleOverride, Verdict };
export { DEFAULT_RULES, INCOMPLETE_RULE_ID, NESTING_RULE_ID };
export { RULE_IDS } from './commandChecks';

export interface CheckContext {
  /** Absolute path of the workspace root, for `{{workspace}}` (`rm -rf /abs/path/of/workspace`). */
  workspaceRoot?: string;
  /** Absolute path of the home folder, for `{{home}}`. */
  home?: string;
  /** The call's working directory, absolute: where a relative redirection lands (ruleMatch.ts redirectTargets). */
  cwd?: string;
  /** The decision's resolutions (realPath.ts ResolveContext.memo). */
  realPaths?: Map<string, RealPath>;
  /**
   * The repository's git alias of that name (`git config alias.<name>`), if any: `git x` then runs it, so it
   * is judged (a `!` alias as a shell script). Optional: without it, only `git -c alias.x=…` aliases are seen.
   */
  gitAlias?: (name: string) => string | undefined;
  /** Date.now() past which parsing gives up with ShellLimitError('time') (the hook's time budget). */
  deadline?: number;
}

/**
 * The verdict on a Bash command. Throws what the parser throws on input past its limits (ShellLimitError):
 * the hook turns that into a deny.
 */
export function checkCommand(
  src: string,
  rules: readonly DenyRule[] = DEFAULT_RULES,
  context: CheckContext = {},
  parsed?: ShellParse,
): Verdict {
  return judgeScript(src, rules, context, 0, parsed);
}

/** Settings on top of `base`: entries with a known id change or (`disabled`) drop it; new ids must be whole rules. */
export function mergeRules(
  base: readonly DenyRule[],
  overrides: readonly DenyRuleOverride[],
): { rules: DenyRule[]; invalid: string[] } {
  const rules = [...base];
  const invalid: string[] = [];
  let schema: ReturnType<typeof cold>['denyRuleSchema'] | undefined;
  for (const { disabled, ...o } of overrides) {
    const at = rules.findIndex((r) => r.id === o.id);
    if (disabled) {
      if (at >= 0) rules.splice(at, 1);
      continue;
    }
    // The schema is in the cold half: the PreToolUse hook, with no settings to merge, never builds it.
    schema ??= cold().denyRuleSchema;
    const parsed = schema.safeParse(at >= 0 ? { ...rules[at], ...o } : o);
    if (!parsed.success) invalid.push(o.id);
    else if (at >= 0) rules[at] = parsed.data;
    else rules.push(parsed.data);
  }
  // Frozen: the rule index (ruleMatch.ts rulesFor) is built once per list.
  return { rules: Object.freeze(rules) as DenyRule[], invalid };
}
