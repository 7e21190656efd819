import { anyMatches } from '../orchestrator/glob';
import {
  findPattern,
  JS_FAMILY,
  jsImports,
  languageOf,
  languagePackage,
  loadAstGrep,
  napiLang,
  patternProblem,
} from './astGrep';
import { type ChangedLines, readChanged, touches } from './diffLines';
import { lineImports, moduleBanned } from './importScan';
import { type Rule, ruleKind, type RuleLanguage, type RuleViolation } from './rulesSchema';

export interface RuleCheckResult {
  violations: RuleViolation[];
  /** Rules that could not be checked (a parser not installed, a pattern that does not parse): a person looks. */
  unchecked: string[];
  /** Free-text rules, for the audit agent. */
  textRules: Rule[];
}

/** Files a rule looks at: its `files` (default all) minus its `exclude`. */
export function inScope(rule: Rule, file: string): boolean {
  if (rule.files && !rule.files.some((g) => anyMatches(g, [file]))) return false;
  return !rule.exclude?.some((g) => anyMatches(g, [file]));
}

const excerpt = (s: string) => {
  const first = s.split('\n')[0].trim();
  return first.length > 160 ? `${first.slice(0, 157)}…` : first;
};

/**
 * Checks the rules on what a mission changed: only findings on changed lines count (a rule added today does
 * not flag the code it was written against), except `paths` rules, which are about the file itself.
 */
export async function checkRules(
  rules: readonly Rule[],
  cwd: string,
  changed: ReadonlyMap<string, ChangedLines>,
): Promise<RuleCheckResult> {
  const out: RuleCheckResult = { violations: [], unchecked: [], textRules: [] };
  const sources = new Map<string, string | undefined>();
  const source = async (f: string) => {
    if (!sources.has(f)) sources.set(f, await readChanged(cwd, f));
    return sources.get(f);
  };
  const needsAst = rules.some((r) => r.pattern !== undefined || r.imports);
  const ast = needsAst ? await loadAstGrep() : undefined;
  for (const rule of rules) {
    const files = [...changed.keys()].filter((f) => inScope(rule, f));
    const hit = (file: string, line: number, text?: string) =>
      out.violations.push({
        rule: rule.id,
        message: rule.message,
        file,
        line,
        ...(text ? { excerpt: excerpt(text) } : {}),
      });
    switch (ruleKind(rule)) {
      case 'text':
        out.textRules.push(rule);
        break;
      case 'paths':
        for (const f of files) if (rule.paths!.some((g) => anyMatches(g, [f]))) hit(f, 1);
        break;
      case 'imports':
        for (const f of files) {
          const lang = languageOf(f);
          const text = lang ? await source(f) : undefined;
          if (!lang || text === undefined) continue;
          const napi = ast!.napi;
          const found =
            lang === 'python' || lang === 'go'
              ? lineImports(lang, text)
              : jsImports(napi, napiLang(lang, ast!.dynamic)!, text);
          for (const i of found)
            if (touches(changed.get(f), i.line) && rule.imports!.some((b) => moduleBanned(i.module, b)))
              hit(f, i.line, `import ${i.module}`);
        }
        break;
      case 'pattern': {
        const langs: readonly RuleLanguage[] = rule.language ? [rule.language] : JS_FAMILY;
        const usable = new Map<RuleLanguage, string>();
        for (const l of langs) {
          const name = napiLang(l, ast!.dynamic);
          if (!name) {
            out.unchecked.push(`${rule.id}: no ${l} parser here (install ${languagePackage(l)})`);
            continue;
          }
          const problem = patternProblem(ast!.napi, name, rule.pattern!);
          // Without a language, a pattern need only parse in one of the family (JSX is not TypeScript).
          if (problem && rule.language) out.unchecked.push(`${rule.id}: ${problem}`);
          else if (!problem) usable.set(l, name);
        }
        if (!rule.language && usable.size === 0 && langs.every((l) => napiLang(l, ast!.dynamic)))
          out.unchecked.push(`${rule.id}: pattern does not parse as TypeScript or JavaScript`);
        for (const f of files) {
          const lang = languageOf(f);
          const name = lang && usable.get(lang);
          const text = name ? await source(f) : undefined;
          if (!name || text === undefined) continue;
          for (const m of findPattern(ast!.napi, name, text, rule.pattern!))
            if (touches(changed.get(f), m.from, m.to)) hit(f, m.from, m.text);
        }
        break;
      }
    }
  }
  out.violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return out;
}
