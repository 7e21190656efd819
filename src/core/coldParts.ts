// The cold half of the hot paths (src/hot/cold.ts is its only door): what the hook and `fmes lock` need only
// on rare paths, with zod and the schemas built from it. Built into its own file, dist/chunks/cold.cjs, so that
// a common call neither parses nor runs it; in the other bundles and under tsx it is an ordinary module.
import { z } from 'zod';
import zodKo from 'zod/v4/locales/ko.js';
import { configFor } from './configFile';
import { setSchemaLocale } from './i18n/schemaText';
import type { Locale } from './i18n/locale';
import { lockBackendSettingsOf, lockConfigOf } from './config';
import type { ArtifactIssue } from './errors';
import { toArtifactIssues } from './schemas/issues';
import { lockRecordSchema, type LockRecord } from './schemas/lock';

export { ApprovalStore } from './safety/approvals';
export { denyRuleSchema } from './safety/denyRules';

/**
 * The settings a hot path needs from `.fmes/config.json`, with the CLI's defaults and its warnings, worded in
 * `locale` (zod's messages and our schemas' own: the lock CLI prints them; the hook keeps English).
 */
export function loadHotSettings(root: string, locale: Locale = 'en') {
  if (locale === 'ko') {
    z.config(zodKo());
    setSchemaLocale('ko');
  }
  const { config, file, issues } = configFor(root);
  return { config, file, issues, lock: lockConfigOf(config), backend: lockBackendSettingsOf(config) };
}

/** The zod schema's verdict on a lock record the hand check in src/hot/locks/lockRecord.ts could not decide. */
export function parseLockRecord(
  json: unknown,
): { ok: true; record: LockRecord } | { ok: false; issues: ArtifactIssue[] } {
  const r = lockRecordSchema.safeParse(json);
  return r.success ? { ok: true, record: r.data } : { ok: false, issues: toArtifactIssues(r.error) };
}
