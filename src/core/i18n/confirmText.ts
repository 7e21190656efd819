// The Korean of `fmes config confirm`'s rows: why each guarded field of .fmes/config.json weakens safety
// (src/core/safety/repoConfirmation.ts keeps the English, which --json prints as it is), looked up by the
// field's name. The field names, values and paths stay as they are in every language.
import type { Locale } from './locale';

const WHY_KO: Record<string, string> = {
  'orchestrator.auto': '새 계획마다 사람 없이 미션을 시작합니다',
  'orchestrator.approvalRisks': '이 위험도의 계획을 사람의 승인 없이 실행하게 합니다',
  'safety.hooks': 'F-MES의 안전 훅 없이 에이전트를 시작합니다',
  'safety.rules': '기본 거부 규칙을 끄거나 바꿉니다',
  'safety.ownership': 'F-MES나 계획자만 쓸 수 있는 폴더에 더 많은 에이전트가 쓰게 합니다',
  'safety.auditWebhook': '모든 감사 기록(명령, 경로)을 이 주소로 보냅니다',
  'sandbox.mode': 'OS 샌드박스 없이, 또는 샌드박스가 없는 머신에서는 샌드박스 없이 에이전트를 시작합니다',
  'sandbox.allowedDomains': '샌드박스 안의 에이전트가 이 호스트에 접속하게 합니다',
  'sandbox.extraWritable': '샌드박스 안의 에이전트가 이 경로에 쓰게 합니다',
  'locks.backend': '이 저장소의 잠금(경로, 에이전트 이름, 잠금 서버 비밀번호)을 이 서버로 보냅니다',
  'locks.namespace': '잠금 서버에서 이 이름공간의 잠금을 (다른 저장소의 것일 수도 있는) 함께 씁니다',
};

const AGENT_WHY_KO: Record<string, (agent: string) => string> = {
  allowedTools: () => '에이전트가 묻지 않고 더 많은 도구를 쓰게 합니다',
  passEnv: () => '환경 변수를 (비밀 값 포함) 에이전트에 더 많이 넘깁니다',
};

/** Why `field` weakens safety, in `locale`; `english` (the record's own text) for English or an unknown field. */
export function confirmWhy(locale: Locale, field: string, english: string): string {
  if (locale === 'en') return english;
  if (WHY_KO[field]) return WHY_KO[field];
  const m = /^agents\.([^.]+)\.([^.]+)$/.exec(field);
  if (m) return AGENT_WHY_KO[m[2]]?.(m[1]) ?? `${m[1]}을(를) 시작하는 방식을 바꿉니다`;
  return english;
}

/** What is used now for `field`, in `locale`: the lock fields' fallback is a sentence, the others a value. */
export function confirmNow(locale: Locale, field: string, english: string): string {
  if (locale === 'en' || !field.startsWith('locks.')) return english;
  return '확인될 때까지 이 작업 영역에서는 잠금이 없고 훅이 쓰기를 거부합니다';
}
