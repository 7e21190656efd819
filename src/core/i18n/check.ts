// Checks a translation against its English source, for every catalog F-MES ships (package.nls, the vscode.l10n
// bundles, the CLI's messages): the unit tests in test/unit/l10n/ fail on any problem this returns.

/** The placeholders of a message: `{0}`, `{name}`, and VS Code's nls `%key%` are not placeholders. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

export interface TranslationCheck {
  /** Keys whose translation may equal the English (product names, command ids, formats with no words). */
  sameAllowed?: ReadonlySet<string>;
}

/** Every problem of `translated` against `english`, one line each; empty when the translation is complete. */
export function translationProblems(
  english: Record<string, string>,
  translated: Record<string, string>,
  o: TranslationCheck = {},
): string[] {
  const out: string[] = [];
  for (const [key, source] of Object.entries(english)) {
    const text = translated[key];
    if (text === undefined) out.push(`${key}: no translation`);
    else if (typeof text !== 'string' || text.trim() === '') out.push(`${key}: empty translation`);
    else {
      if (text === source && !o.sameAllowed?.has(key) && hasWords(source))
        out.push(`${key}: translation is the English text`);
      const a = placeholders(source).join(',');
      const b = placeholders(text).join(',');
      if (a !== b) out.push(`${key}: placeholders {${a}} in English, {${b}} in the translation`);
      const links = (s: string) => [...s.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1]).join(' ');
      if (links(source) !== links(text)) out.push(`${key}: the links differ from the English`);
    }
  }
  for (const key of Object.keys(translated)) if (!(key in english)) out.push(`${key}: not in the English source`);
  return out;
}

/** Words a reader would read: letters left after placeholders, codicons and the product name are taken out. */
function hasWords(s: string): boolean {
  return /[A-Za-z]{2,}/.test(
    s
      .replace(/\{\w+\}/g, '')
      .replace(/\$\([a-z-~]+\)/g, '')
      .replace(/\bF-MES\b/g, ''),
  );
}
