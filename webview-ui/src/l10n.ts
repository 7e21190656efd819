import { KO } from './l10nKo';

/**
 * The dashboard's strings, in the editor's language. The host sends `vscode.env.language` with each state
 * (the webview cannot read it itself); English is the key and the fallback, as in `vscode.l10n`.
 */
const CATALOGS: Readonly<Record<string, Readonly<Record<string, string>>>> = { ko: KO };

let catalog: Readonly<Record<string, string>> | undefined;

/** `ko`, `ko-KR` → the Korean catalog; anything else → English. */
export function setLocale(locale: string | undefined): void {
  catalog = locale ? CATALOGS[locale.toLowerCase().split('-')[0]] : undefined;
}

/** The text in the current language, with `{0}`, `{1}`, … replaced by `args`. */
export function t(english: string, ...args: (string | number)[]): string {
  const text = catalog?.[english] ?? english;
  return text.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

const englishPlural = new Intl.PluralRules('en');

/**
 * A counted text: `one` or `other` by English's plural rule for `count` (1 → one, 0 and 2 → other) is the key,
 * and `{0}` is the count, `{1}`… the rest of `args`. Korean does not inflect for number, so both keys map to the
 * same words in its catalog; the unit test finds both texts of each `tn(` call.
 */
export function tn(count: number, one: string, other: string, ...args: (string | number)[]): string {
  return t(englishPlural.select(count) === 'one' ? one : other, count, ...args);
}
