// The shell half of decidePreToolUse (preToolUse.ts), loaded on the first shell call (shellHalf.ts; in the hook its
// own bundle, dist/hookShell.cjs): the deny list, the shell parser and the writer tables are most of the hook's
// code, and only a shell call needs them.
import * as path from 'node:path';
import { writtenPaths } from './bashWrites';
import { checkCommand } from './denyList';
import type { CheckPath, HookDecision, PreToolUseDeps } from './preToolUse';
import { PROTECTED_MENTION } from './protectedPaths';
import { fmesCommandVerdict, symlinkTargets } from './shellEffects';
import { parseShell } from './shellWords';

/** For a settings file's rules (hookSettings.ts): the deny list is in this half. */
export { DEFAULT_RULES, mergeRules } from './denyList';

const ALLOW: HookDecision = { decision: 'allow' };

/** A shell command: the deny list, F-MES's own commands, then every path it writes or links to (checkPath). */
export function decideShell(
  command: string,
  cwd: string,
  deps: PreToolUseDeps,
  tool: string,
  checkPath: CheckPath,
): HookDecision {
  // One parse for every check (the deny list parses the scripts nested in it itself).
  const options = { deadline: deps.deadline };
  const parsed = parseShell(command, options);
  const verdict = checkCommand(
    command,
    deps.rules,
    { ...deps.context, ...options, cwd, realPaths: deps.realPaths },
    parsed,
  );
  if (verdict.decision !== 'allow')
    return {
      decision: verdict.decision,
      reason: `${verdict.reason} (rule ${verdict.ruleId}: ${verdict.command})`,
      ruleId: verdict.ruleId,
    };
  const own = fmesCommandVerdict(parsed, deps.agent);
  if (own) return own;
  const writes = writtenPaths(command, options, parsed);
  for (const p of writes.paths) {
    const d = checkPath(p, cwd, deps, tool, 'operand');
    if (d.decision !== 'allow') return d;
  }
  for (const p of writes.maybe) {
    const d = checkPath(p, cwd, deps, tool, 'maybe');
    if (d.decision !== 'allow') return d;
  }
  // A symlink made now to a locked or protected path exists only to write through it later.
  for (const t of symlinkTargets(parsed)) {
    const d = checkPath(t.target, path.resolve(cwd, t.linkDir), deps, tool, 'operand');
    if (d.decision !== 'allow')
      return { decision: d.decision, reason: `${d.reason} (the command links to it)`, ruleId: d.ruleId };
  }
  if (writes.unknown) {
    if (PROTECTED_MENTION.test(command))
      return {
        decision: 'ask',
        reason: `F-MES cannot tell which files this command writes, and it names F-MES's protected state: ${command.slice(0, 200)}`,
      };
    if (deps.othersHolders().length > 0)
      return {
        decision: 'ask',
        reason: `F-MES cannot tell which files this command writes, and other agents hold locks: ${command.slice(0, 200)}`,
      };
  }
  return ALLOW;
}
