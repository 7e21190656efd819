import type * as NapiModule from '@ast-grep/napi';
import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from './rulesSchema';

type Napi = typeof NapiModule;

/**
 * @ast-grep/napi is a native module: esbuild leaves it external and it is loaded on first use only, so a
 * mission without pattern rules (and every other `fmes` command) never pays for it.
 */
let napi: Promise<Napi> | undefined;
let dynamic: Set<RuleLanguage> | undefined;
/** A dynamic language's stand-in for `$` (Python and Go identifiers cannot hold `$`; napi swaps it in patterns). */
const expando = new Map<string, string>();

/** The languages the built-in parsers cover; python and go come from @ast-grep/lang-* when installed. */
const BUILT_IN: Record<'typescript' | 'tsx' | 'javascript', string> = {
  typescript: 'TypeScript',
  tsx: 'Tsx',
  javascript: 'JavaScript',
};
const DYNAMIC_PACKAGES: Partial<Record<RuleLanguage, string>> = {
  python: '@ast-grep/lang-python',
  go: '@ast-grep/lang-go',
};

interface LangPackage {
  libraryPath: string;
  extensions: string[];
  languageSymbol?: string;
  expandoChar?: string;
}

export async function loadAstGrep(): Promise<{ napi: Napi; dynamic: ReadonlySet<RuleLanguage> }> {
  const m = await (napi ??= import('@ast-grep/napi'));
  if (!dynamic) {
    dynamic = new Set();
    // registerDynamicLanguage may be called once per process: register every language package found, together.
    // The bundles' own `require` (the CLI's ESM banner defines one) resolves next to dist/, like the napi import.
    const req = require;
    const regs: Record<string, LangPackage> = {};
    for (const [lang, pkg] of Object.entries(DYNAMIC_PACKAGES)) {
      try {
        const p = req(pkg) as LangPackage;
        // The getter throws when no prebuilt parser fits this platform: then the language is not available.
        void p.libraryPath;
        regs[lang] = p;
        if (p.expandoChar) expando.set(lang, p.expandoChar);
        dynamic.add(lang as RuleLanguage);
      } catch {
        // Not installed: rules in this language are reported as unchecked, never silently passed.
      }
    }
    if (dynamic.size > 0)
      try {
        m.registerDynamicLanguage(regs);
      } catch {
        // A parser that does not load (another libc, a damaged copy): its rules are reported unchecked.
        dynamic.clear();
        expando.clear();
      }
  }
  return { napi: m, dynamic };
}

/** What a language name is for napi, or undefined when its parser is not available here. */
export function napiLang(l: RuleLanguage, dyn: ReadonlySet<RuleLanguage>): string | undefined {
  if (l in BUILT_IN) return BUILT_IN[l as keyof typeof BUILT_IN];
  return dyn.has(l) ? l : undefined;
}

/** The package a language needs, for the message when it is missing. */
export function languagePackage(l: RuleLanguage): string | undefined {
  return DYNAMIC_PACKAGES[l];
}

/** The language of a file by its extension. */
export function languageOf(file: string): RuleLanguage | undefined {
  const ext = /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase();
  switch (ext) {
    case 'ts':
    case 'mts':
    case 'cts':
      return 'typescript';
    case 'tsx':
      return 'tsx';
    case 'js':
    case 'mjs':
    case 'cjs':
    case 'jsx':
      return 'javascript';
    case 'py':
    case 'pyi':
      return 'python';
    case 'go':
      return 'go';
    default:
      return undefined;
  }
}

/** Languages a pattern without `language` is tried in. */
export const JS_FAMILY: readonly RuleLanguage[] = ['typescript', 'tsx', 'javascript'];

export interface PatternMatch {
  /** 1-based, inclusive. */
  from: number;
  to: number;
  text: string;
}

/**
 * A pattern that does not parse matches nothing, silently: ast-grep does not reject it. Such a rule would never
 * fire, so it is refused instead.
 */
export function patternProblem(m: Napi, lang: string, pattern: string): string | undefined {
  try {
    // napi swaps `$` for the expando character before it parses a pattern; the syntax check must do the same, or
    // every Python or Go pattern with a metavariable would be refused.
    const x = expando.get(lang);
    const root = m.parse(lang, x ? pattern.replaceAll('$', x) : pattern).root();
    if (root.find({ rule: { kind: 'ERROR' } })) return `pattern does not parse as ${lang}`;
    m.pattern(lang, pattern);
    return undefined;
  } catch (e) {
    return `pattern is not valid for ${lang}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Every match of `pattern` in `source`. */
export function findPattern(m: Napi, lang: string, source: string, pattern: string): PatternMatch[] {
  const root = m.parse(lang, source).root();
  return root.findAll(pattern).map(toMatch);
}

function toMatch(n: SgNode): PatternMatch {
  const r = n.range();
  return { from: r.start.line + 1, to: r.end.line + 1, text: n.text() };
}

/** Module specifiers a TypeScript/JavaScript source imports: import/export … from, require(), import(). */
export function jsImports(m: Napi, lang: string, source: string): { module: string; line: number }[] {
  const root = m.parse(lang, source).root();
  const out: { module: string; line: number }[] = [];
  const add = (n: SgNode | null) => {
    if (!n || n.kind() !== 'string') return;
    out.push({ module: n.text().slice(1, -1), line: n.range().start.line + 1 });
  };
  for (const n of root.findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'export_statement' }] } }))
    add(n.field('source'));
  for (const p of ['require($S)', 'import($S)']) for (const n of root.findAll(p)) add(n.getMatch('S'));
  return out;
}
