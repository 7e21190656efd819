// The few human lines of the hot paths (the lock CLI dist/lock.cjs, and describeHolder everywhere), in English
// and Korean. A table of its own: the CLI's catalog (src/core/i18n/) is cold code and would break the hot
// bundle's size budget. test/unit/l10n/cliMessages.test.ts checks the Korean like the catalog's.
import type { Locale } from './locale';

export const HOT_EN = {
  heldBy: '{path} held by {agent}{bits}',
  pidOn: 'pid {pid} on {host}',
  until: 'until {time}',
  invalidLock: '{path}: invalid lock file {file} ({issues})',
  markedBy: '{path} marked by {agent} ({file})',
  unknownAgent: 'an unknown agent',
  isHeld: 'fmes: {path} is held:',
  waitingFor: 'fmes: waiting up to {seconds}s for {path}: {holders}',
} as const;

export type HotKey = keyof typeof HOT_EN;

export const HOT_KO: Record<HotKey, string> = {
  heldBy: '{path}: {agent}이(가) 잠금{bits}',
  pidOn: '{host}의 pid {pid}',
  until: '{time}까지',
  invalidLock: '{path}: 잘못된 잠금 파일 {file} ({issues})',
  markedBy: '{path}: {agent}의 표식 ({file})',
  unknownAgent: '알 수 없는 에이전트',
  isHeld: 'fmes: {path}은(는) 잠겨 있습니다:',
  waitingFor: 'fmes: {path}을(를) 최대 {seconds}초 기다립니다: {holders}',
};

/** The line `key` in `locale`, `{name}` replaced by `params.name`. */
export function hotText(locale: Locale, key: HotKey, params: Record<string, string | number> = {}): string {
  const template = locale === 'ko' ? HOT_KO[key] : HOT_EN[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}
