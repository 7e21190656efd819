import { errorMessage } from '../../errors';
import type { RulesCheck } from '../../schemas/verify';
import { runAudit } from '../../verify/audit';
import { changedLines } from '../../verify/diffLines';
import { diffBase } from '../../verify/missionDiff';
import { checkRules } from '../../verify/ruleCheck';
import { loadRules } from '../../verify/rulesFile';
import { RULES_FILE } from '../../verify/rulesExample';
import type { PostRunStep } from './postRunStep';

/**
 * The team's rules (`.fmes/rules.yaml` of the main workspace: a mission cannot loosen the rules it is checked
 * by) on the mission's changed lines. Each violation is a reason with file:line and the rule's words, and holds
 * the merge; so does a rules file that does not parse, a rule that cannot be checked, and a failed audit.
 */
export const rulesStep: PostRunStep = {
  name: 'rules',
  run: async (ctx) => {
    let rules;
    try {
      rules = await loadRules(ctx.root);
    } catch (e) {
      return { reasons: [`rules not checked: ${errorMessage(e)}`], hold: true, patch: { rules: undefined } };
    }
    if (!rules || rules.rules.length === 0) return { patch: { rules: undefined } };
    const base = diffBase(ctx);
    if (!base) return { reasons: [`rules not checked: no base to diff against`], hold: true };
    const lines = await changedLines(ctx.cwd, base, ctx.changed);
    const found = await checkRules(rules.rules, ctx.cwd, lines);
    const check: RulesCheck = { violations: found.violations, unchecked: found.unchecked };
    const auditor = ctx.config?.().orchestrator.audit;
    if (found.textRules.length > 0) {
      if (auditor) {
        const a = await runAudit(ctx, auditor, found.textRules);
        check.violations.push(...a.violations.map((v) => ({ ...v, source: 'audit' as const })));
        check.audit = a.audit;
        if (!a.audit.ok) check.unchecked.push(`${found.textRules.map((r) => r.id).join(', ')}: ${a.audit.message}`);
      } else
        ctx.note(
          `${found.textRules.length} free-text rule(s) of ${RULES_FILE} not checked: no audit agent (orchestrator.audit)`,
        );
    }
    const reasons = [
      ...check.violations.map((v) => `${v.file}:${v.line}: ${v.rule}: ${v.message}`),
      ...check.unchecked.map((u) => `rule not checked: ${u}`),
    ];
    return { reasons, hold: reasons.length > 0, patch: { rules: check } };
  },
};
