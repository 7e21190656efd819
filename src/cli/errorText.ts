// What `fmes` prints for an error (after `fmes: `): the typed errors people meet most (a held lock, a lock that
// is not theirs or not there, a file of no known kind) in the catalog's
// language, from the error's reason and details, never from its English message. Anything else prints its own
// message. Artifact problems keep their `file: field: message` framing; their messages come from zod, which
// speaks the same language (useCliLocale).
import { ArtifactError, errorMessage, LockError } from '../core/errors';
import { localeFromEnv, type Locale } from '../core/i18n/locale';
import { translator } from '../core/i18n/translate';
import { describeHolder, type Holder } from '../hot/locks/holders';

export function cliErrorText(e: unknown, locale: Locale = localeFromEnv()): string {
  // English is the errors' own message, which says more than a reason can (which token, which claim).
  if (locale === 'en') return errorMessage(e);
  const t = translator(locale);
  if (e instanceof LockError) {
    const holders = (e.details?.holders ?? []) as Holder[];
    if (e.reason === 'held' && holders.length)
      return t('lockHeld', { path: e.path, holders: holders.map((h) => describeHolder(h, locale)).join('; ') });
    if (e.reason === 'notHeld') return t('notLocked', { path: e.path });
    const first = holders[0];
    if (e.reason === 'notHolder' && first?.kind === 'lock')
      return t('heldByOther', { path: e.path, holder: first.record.agent });
  }
  if (ArtifactError.is(e, 'unknownKind')) return t('unknownKind', { file: e.file });
  return errorMessage(e);
}

/** Sets the language of the parts that are not ours: zod's validation messages (Korean from zod's own locale). */
export async function useCliLocale(locale: Locale = localeFromEnv()): Promise<void> {
  if (locale !== 'ko') return;
  const [{ z }, { default: ko }] = await Promise.all([import('zod'), import('zod/v4/locales/ko.js')]);
  z.config(ko());
}
