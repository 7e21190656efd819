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
