// What `fmes` prints for an error (after `fmes: `): in English the error's own message (it says more than a
// reason can: which token, which claim); in Korean the wording of errorKo.ts, from the error's kind, reason and
// fields, never from its English message. Artifact problems keep their `file: field: message` framing; their
// messages come from zod, which speaks the same language (useCliLocale), and from our schemas' own catalog.
import { errorMessage } from '../core/errors';
import { localeFromEnv, type Locale } from '../core/i18n/locale';
import { setSchemaLocale } from '../core/i18n/schemaText';
import { koErrorText } from './errorKo';

export function cliErrorText(e: unknown, locale: Locale = localeFromEnv()): string {
  if (locale === 'en') return errorMessage(e);
  return koErrorText(e) ?? errorMessage(e);
}

/** Sets the language of the parts that are not ours: zod's validation messages (Korean from zod's own locale). */
export async function useCliLocale(locale: Locale = localeFromEnv()): Promise<void> {
  if (locale !== 'ko') return;
  setSchemaLocale(locale);
  const [{ z }, { default: ko }] = await Promise.all([import('zod'), import('zod/v4/locales/ko.js')]);
  z.config(ko());
}
