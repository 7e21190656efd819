// The custom messages of F-MES's own zod schemas (the `message` of `field: message`), in English and Korean. zod
// speaks its own messages in the language `z.config()` sets; ours follow the same switch here, set by the CLI
// under a Korean locale (src/cli/errorText.ts useCliLocale) and by the lock CLI's cold half. The editor and
// dist/mcp.js keep English (the default); `fmes mcp` follows the CLI's locale, as zod's own messages there do.
// Used as zod's `error` callback, so the text is chosen when a value is checked, not when the schema is built.

import { format } from '../../hot/hotText';
export const en = {
  regex: 'must be a valid regular expression',
  envName: 'must be an environment variable name',
  commitId: 'must be a full commit id',
  testCounts: 'passed + failed ({sum}) must not exceed run ({run})',
  notBeforeStarted: 'must not be before startedAt',
  identifier: 'must start with a letter or digit and use only letters, digits and . _ -',
  noControls: 'must not contain control characters (tab, newline, ESC, DEL, C1)',
  sha256Hex: 'must be a SHA-256 hash in hex',
  notBeforeAcquired: 'must not be before acquiredAt',
  notEmpty: 'must not be empty',
  selfDependency: 'a task cannot depend on itself',
  lowercaseId: 'must be a lowercase id',
  sha256Digest: 'must be a sha256 hex digest',
  ruleId: 'letters, digits and ._- only',
  agentPattern: 'must be an agent id, optionally with *',
  namespace: 'must be 0–64 of A-Z a-z 0-9 . _ -',
  patternOnly: 'only applies to a pattern rule',
  repeatsRule: 'repeats rules.{first}.id ({id})',
  noNul: 'must not contain NUL',
  relative: 'must be relative to the workspace',
  noDotDot: 'must not contain ..',
  oneKind: 'needs one of pattern, imports, paths or text',
  onlyOneKind: 'give only one of pattern, imports, paths or text (found {found})',
  agentId: 'must start with a letter or digit and use only letters, digits and . _ : @ -',
  noSuchFile: 'no such file',
  unreadableSaid: 'unreadable ({said})',
  notJsonSaid: 'not JSON ({said})',
  notJsonDefaults: 'not valid JSON ({said}); using the defaults',
  emptyFile: 'the file is empty',
  noJsonInAnswer: 'no JSON object in the answer',
  cannotRead: 'cannot read the file ({said})',
  lineColumn: 'line {line}, column {col}: {said}',
  unconfirmed:
    'ignoring values that weaken safety until a person confirms them on this machine with `fmes config confirm`: {fields}',
} as const;

export type SchemaTextKey = keyof typeof en;

export const ko: Record<SchemaTextKey, string> = {
  regex: '올바른 정규 표현식이어야 합니다',
  envName: '환경 변수 이름이어야 합니다',
  commitId: '전체 커밋 ID여야 합니다',
  testCounts: 'passed + failed ({sum})은(는) run ({run})보다 클 수 없습니다',
  notBeforeStarted: 'startedAt보다 앞설 수 없습니다',
  identifier: '영문자나 숫자로 시작하고 영문자, 숫자, . _ -만 써야 합니다',
  noControls: '제어 문자(탭, 줄바꿈, ESC, DEL, C1)를 포함할 수 없습니다',
  sha256Hex: '16진수 SHA-256 해시여야 합니다',
  notBeforeAcquired: 'acquiredAt보다 앞설 수 없습니다',
  notEmpty: '비어 있으면 안 됩니다',
  selfDependency: '작업은 자기 자신에 의존할 수 없습니다',
  lowercaseId: '소문자 ID여야 합니다',
  sha256Digest: '16진수 sha256 다이제스트여야 합니다',
  ruleId: '영문자, 숫자, ._-만 쓸 수 있습니다',
  agentPattern: '에이전트 ID여야 합니다 (* 사용 가능)',
  namespace: 'A-Z a-z 0-9 . _ - 중 0–64자여야 합니다',
  patternOnly: 'pattern 규칙에만 적용됩니다',
  repeatsRule: 'rules.{first}.id ({id})와 중복됩니다',
  noNul: 'NUL을 포함할 수 없습니다',
  relative: '작업 영역 기준 상대 경로여야 합니다',
  noDotDot: '..을 포함할 수 없습니다',
  oneKind: 'pattern, imports, paths, text 중 하나가 필요합니다',
  onlyOneKind: 'pattern, imports, paths, text 중 하나만 주세요 (발견: {found})',
  agentId: '영문자나 숫자로 시작하고 영문자, 숫자, . _ : @ -만 써야 합니다',
  noSuchFile: '그런 파일이 없습니다',
  unreadableSaid: '읽을 수 없습니다 ({said})',
  notJsonSaid: 'JSON이 아닙니다 ({said})',
  notJsonDefaults: '올바른 JSON이 아닙니다 ({said}); 기본값을 씁니다',
  emptyFile: '파일이 비어 있습니다',
  noJsonInAnswer: '답변에 JSON 객체가 없습니다',
  cannotRead: '파일을 읽을 수 없습니다 ({said})',
  lineColumn: '{line}행 {col}열: {said}',
  unconfirmed:
    '사람이 이 머신에서 `fmes config confirm`으로 확인할 때까지 안전장치를 약하게 하는 값을 무시합니다: {fields}',
};

let locale: 'en' | 'ko' = 'en';

/** Sets the language of the schemas' messages for this process (the CLI, under a Korean locale). */
export function setSchemaLocale(l: 'en' | 'ko'): void {
  locale = l;
}

/** The language the schemas' messages are in now. */
export function schemaLocale(): 'en' | 'ko' {
  return locale;
}

/** The message `key` in the current schema language, `{name}` placeholders filled. */
export function schemaText(key: SchemaTextKey, params: Record<string, string | number> = {}): string {
  return format((locale === 'ko' ? ko : en)[key], params);
}

/** zod's `error` parameter for `key`: the message is chosen when a value is checked. */
export const schemaError = (key: SchemaTextKey): { error: () => string } => ({ error: () => schemaText(key) });
