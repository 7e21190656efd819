// The CLI's (and any other vscode-free entry point's) messages: one English catalog, its Korean translation,
// and `t(key, params)` with named `{param}` placeholders. The editor uses vscode.l10n bundles instead
// (l10n/bundle.l10n*.json): VS Code picks those by its display language.
import { format } from '../../hot/hotText';
import { localeFromEnv, type Locale } from './locale';
import { en, ko, type MessageKey } from './messages';

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, ko };

export { format };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A translator for `locale`; a key missing from the catalog (never, the unit test checks) falls back to English. */
export function translator(locale: Locale): Translate {
  const catalog = catalogs[locale];
  return (key, params) => format(catalog[key] || en[key], params);
}

let current: Translate | undefined;

/** Translates in the locale of this process's environment (read once). */
export const t: Translate = (key, params) => (current ??= translator(localeFromEnv()))(key, params);
