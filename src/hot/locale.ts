// Which language a command-line process speaks: POSIX's order (LC_ALL, then LC_MESSAGES, then LANG), the first
// set and non-empty one decides. `ko_KR.UTF-8`, `ko`, `ko-KR` are Korean; anything else (C, POSIX, en_US, unset)
// is English. Here, in the hot paths, so the lock CLI (dist/lock.cjs) follows the same rule as the full CLI
// (src/core/i18n/locale.ts re-exports it). The extension does not use this: VS Code's display language does.

/** The languages F-MES ships. English is the source; Korean is translated (test/unit/l10n/). */
export const LOCALES = ['en', 'ko'] as const;
export type Locale = (typeof LOCALES)[number];

/** The locale of a process environment (process.env by default). */
export function localeFromEnv(env: Record<string, string | undefined> = process.env): Locale {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const v = env[name]?.trim();
    if (!v) continue;
    return /^ko(?:[_.@-]|$)/i.test(v) ? 'ko' : 'en';
  }
  return 'en';
}
