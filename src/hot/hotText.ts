// The few human lines of the hot paths (the lock CLI dist/lock.cjs, and describeHolder everywhere), in English
// and Korean. A table of its own: the CLI's catalog (src/core/i18n/) is cold code and would break the hot
// bundle's size budget. test/unit/l10n/cliMessages.test.ts checks the Korean like the catalog's.
import type { Locale } from './locale';
import type { ArtifactIssue } from './errors';

export const HOT_EN = {
  heldBy: '{path} held by {agent}{bits}',
  pidOn: 'pid {pid} on {host}',
  until: 'until {time}',
  invalidLock: '{path}: invalid lock file {file} ({issues})',
  markedBy: '{path} marked by {agent} ({file})',
  unknownAgent: 'an unknown agent',
  emptyFile: 'the file is empty',
  notJson: 'not JSON ({error})',
  twice: 'appears more than once',
  isHeld: 'fmes: {path} is held:',
  waitingFor: 'fmes: waiting up to {seconds}s for {path}: {holders}',
  lostLock: 'fmes: lost the lock on {path}: {error}',
  configWarning: 'fmes: warning: {file}: {issue} (using the default)',
  serverUnreachable:
    'cannot reach the lock server {where}{said}. Check that redis-server runs there and accepts connections from this machine (bind, protected-mode, firewall), and that locks.backend in .fmes/config.json (or FMES_LOCKS_BACKEND) names the right host, port and database. Nothing was locked.',
  serverRefused:
    'the lock server {where} refused the login{said}: give the password in the URL of locks.backend or in FMES_REDIS_PASSWORD. Nothing was locked.',
  serverConfig:
    'locks.backend or locks.namespace in .fmes/config.json cannot be used: give a redis://host:port/db URL and a namespace of 1–64 of A-Z a-z 0-9 . _ -.',
  serverInvalid: 'the lock server sent or holds a lock record F-MES cannot read.',
  serverLost: 'the lock server lost the lock.',
  serverUnconfirmed:
    "{field} {value} in this repository's .fmes/config.json is not confirmed on this machine: a repository's own settings may not send its locks (paths, agent names, a password) to a lock server until a person runs `fmes config confirm` in it (or sets FMES_LOCKS_BACKEND). Until then F-MES takes no locks here and its hook denies writes. Nothing was locked.",
} as const;

export type HotKey = keyof typeof HOT_EN;

export const HOT_KO: Record<HotKey, string> = {
  heldBy: '{path}: {agent}이(가) 잠금{bits}',
  pidOn: '{host}의 pid {pid}',
  until: '{time}까지',
  invalidLock: '{path}: 잘못된 잠금 파일 {file} ({issues})',
  markedBy: '{path}: {agent}의 표식 ({file})',
  unknownAgent: '알 수 없는 에이전트',
  emptyFile: '파일이 비어 있음',
  notJson: 'JSON이 아님 ({error})',
  twice: '두 번 이상 나옴',
  isHeld: 'fmes: {path}은(는) 잠겨 있습니다:',
  waitingFor: 'fmes: {path}을(를) 최대 {seconds}초 기다립니다: {holders}',
  lostLock: 'fmes: {path}의 잠금을 잃었습니다: {error}',
  configWarning: 'fmes: 경고: {file}: {issue} (기본값 사용)',
  serverUnreachable:
    '잠금 서버 {where}에 연결할 수 없습니다{said}. redis-server가 실행 중이고 이 머신의 연결을 받는지(bind, protected-mode, 방화벽), .fmes/config.json의 locks.backend(또는 FMES_LOCKS_BACKEND)가 맞는 호스트, 포트, 데이터베이스를 가리키는지 확인하세요. 아무것도 잠그지 않았습니다.',
  serverRefused:
    '잠금 서버 {where}이(가) 로그인을 거부했습니다{said}: locks.backend URL이나 FMES_REDIS_PASSWORD에 비밀번호를 주세요. 아무것도 잠그지 않았습니다.',
  serverConfig:
    '.fmes/config.json의 locks.backend 또는 locks.namespace를 쓸 수 없습니다: redis://host:port/db 형식의 URL과 A-Z a-z 0-9 . _ - 1–64자 이름공간을 쓰세요.',
  serverInvalid: '잠금 서버가 F-MES가 읽을 수 없는 잠금 기록을 주고받았습니다.',
  serverLost: '잠금 서버에서 잠금을 잃었습니다.',
  serverUnconfirmed:
    '이 저장소의 .fmes/config.json에 있는 {field} {value}은(는) 이 머신에서 확인되지 않았습니다: 저장소 자체의 설정은 사람이 그 안에서 `fmes config confirm`을 실행하기 전까지(또는 FMES_LOCKS_BACKEND를 설정하기 전까지) 잠금(경로, 에이전트 이름, 비밀번호)을 잠금 서버로 보낼 수 없습니다. 그때까지 F-MES는 여기서 잠그지 않고 훅은 쓰기를 거부합니다. 아무것도 잠그지 않았습니다.',
};

/** The line of a LockBackendError reason (src/hot/locks/backendSpec.ts), filled from its details. */
export const BACKEND_TEXT = {
  unreachable: 'serverUnreachable',
  refused: 'serverRefused',
  config: 'serverConfig',
  invalid: 'serverInvalid',
  lost: 'serverLost',
  unconfirmed: 'serverUnconfirmed',
} as const satisfies Record<string, HotKey>;

/** A LockBackendError in `locale`, from its reason and details (server, what it said, field, value). */
export function backendText(
  locale: Locale,
  reason: keyof typeof BACKEND_TEXT,
  d: { where?: string; said?: string; field?: string; value?: string },
): string {
  return hotText(locale, BACKEND_TEXT[reason], {
    where: d.where ?? '',
    said: d.said ? ` (${d.said})` : '',
    field: d.field ?? 'locks.backend',
    value: d.value ?? '',
  });
}

/**
 * Replaces each `{name}` with `params.name`; a placeholder with no value is left as it is (visible, not lost).
 * The one filler of every catalog (the CLI's, the schemas', these).
 */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The line `key` in `locale`, `{name}` replaced by `params.name`. */
export function hotText(locale: Locale, key: HotKey, params: Record<string, string | number> = {}): string {
  return format(locale === 'ko' ? HOT_KO[key] : HOT_EN[key], params);
}

/**
 * An issue of a hot check: its message in English (what --json and logs show), and its line in any locale
 * kept beside it, not enumerable (JSON and copies leave it out and fall back to the English).
 */
export function hotIssue(field: string, key: HotKey, params: Record<string, string> = {}): ArtifactIssue {
  const text = (l: Locale) => hotText(l, key, params);
  return Object.defineProperty({ field, message: text('en') }, 'text', { value: text });
}

/** An issue as people read it in `locale`: `field: message`, or the message alone. */
export function issueText(i: ArtifactIssue, locale: Locale): string {
  const text = (i as { text?: (l: Locale) => string }).text;
  const m = text ? text(locale) : i.message;
  return i.field ? `${i.field}: ${m}` : m;
}
