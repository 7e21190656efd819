// The locale rule lives with the hot paths (src/hot/locale.ts) so that the lock CLI, which may not import core,
// follows the same one; everything else imports it from here.
export { LOCALES, localeFromEnv, type Locale } from '../../hot/locale';
