import type { ArtifactIssue } from '../errors';
import { JS_FAMILY, languagePackage, loadAstGrep, napiLang, patternProblem } from './astGrep';
import type { Rule } from './rulesSchema';

/**
 * What `fmes validate` adds to the schema for a rules file: each pattern must parse in its language (in one
 * of TypeScript, TSX or JavaScript when it names none), and its language's parser must be here. Named as
 * `rules.<n>.pattern` like the schema's issues.
 */
export async function rulePatternIssues(rules: readonly Rule[]): Promise<ArtifactIssue[]> {
  if (!rules.some((r) => r.pattern !== undefined)) return [];
  const { napi, dynamic } = await loadAstGrep();
  const issues: ArtifactIssue[] = [];
  rules.forEach((rule, i) => {
    if (rule.pattern === undefined) return;
    const field = `rules.${i}.pattern`;
    const langs = rule.language ? [rule.language] : JS_FAMILY;
    const problems: string[] = [];
    for (const l of langs) {
      const name = napiLang(l, dynamic);
      if (!name) {
        problems.push(`no ${l} parser here (install ${languagePackage(l)})`);
        continue;
      }
      const p = patternProblem(napi, name, rule.pattern);
      if (!p) return;
      problems.push(p);
    }
    issues.push({ field, message: rule.language ? problems[0] : 'pattern does not parse as TypeScript or JavaScript' });
  });
  return issues;
}
