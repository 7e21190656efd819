// The Korean of a run's end as `fmes run` / `fmes mission run` print it for people (src/core/agents/render.ts).
// Looked up by the outcome's reason, never from its English message, which is kept after the headline because
// it carries the numbers (the limit, the exit status). --json prints the outcome's own fields, untranslated.
import type { RunEndReason } from '../agents/types';

export const END_KO: Record<RunEndReason, string> = {
  success: '완료했습니다',
  maxTurns: '턴 한도에 도달했습니다',
  budget: '실행 예산에 도달했습니다',
  dailyBudget: '하루 예산에 도달했습니다',
  timeout: '시간 제한에 걸렸습니다',
  stopped: '중지되었습니다',
  apiError: '모델 API 오류로 끝났습니다',
  sessionNotFound: '이어서 할 세션을 찾을 수 없습니다',
  agentError: '에이전트가 오류로 끝났습니다',
  spawnFailed: '에이전트 CLI를 시작할 수 없습니다',
  awaitingApproval: '승인을 기다립니다',
  refused: 'F-MES가 시작을 거부했습니다',
};
