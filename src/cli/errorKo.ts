// The Korean of every typed error the `fmes` CLI can print, by kind and reason, worded from the error's own
// fields (paths, ids, files, states): never from its English message. The table is exhaustive at the type level:
// a new reason (or a new error class in `Kinds`) without Korean does not compile. Free text that is not ours
// (git's stderr, an operating system's errno text, a value from a file) is quoted as it came.
import { formatIssue } from '../core/errors';
import type { ArtifactError, ArtifactErrorReason, LockError, LockErrorReason, PathError } from '../core/errors';
import type { PathErrorReason, TrustError } from '../core/errors';
import type { MissionError, MissionErrorReason } from '../core/orchestrator/missionTypes';
import type { TodoError, TodoErrorReason } from '../core/orchestrator/todoFile';
import type { RunSetupError, RunSetupErrorReason } from '../core/agents/runSetupError';
import type { ConfirmationError, ConfirmationErrorReason } from '../core/safety/repoConfirmation';
import type { GitError, GitErrorReason } from '../core/git/git';
import type { BrokerCallError, BrokerCallReason } from '../hot/broker/client';
import type { ControlCharacterError } from '../hot/locks/printable';
import type { LockBackendError, LockBackendErrorReason } from '../hot/locks/backendSpec';
import { describeHolder, type Holder } from '../hot/locks/holders';
import { backendText } from '../hot/hotText';
import type { UsageError } from './usageError';

/** Every error class the CLI prints, by its `kind`: the class and its reasons. */
export interface ErrorKinds {
  path: [PathError, PathErrorReason];
  lock: [LockError, LockErrorReason];
  artifact: [ArtifactError, ArtifactErrorReason];
  trust: [TrustError, 'untrusted'];
  usage: [UsageError, 'usage'];
  mission: [MissionError, MissionErrorReason];
  todo: [TodoError, TodoErrorReason];
  runSetup: [RunSetupError, RunSetupErrorReason];
  confirmation: [ConfirmationError, ConfirmationErrorReason];
  git: [GitError, GitErrorReason];
  broker: [BrokerCallError, BrokerCallReason];
  controlCharacter: [ControlCharacterError, 'controlCharacter'];
  lockBackend: [LockBackendError, LockBackendErrorReason];
}

type Render<E> = (e: E, render: (cause: unknown) => string | undefined) => string;
export type KoErrorTable = { [K in keyof ErrorKinds]: Record<ErrorKinds[K][1], Render<ErrorKinds[K][0]>> };

const q = (s: string) => JSON.stringify(s);
const issues = (e: ArtifactError) =>
  e.issues.length ? e.issues.map((i) => `${e.file}: ${formatIssue(i)}`).join('\n') : `${e.file}: 유효하지 않습니다`;
const holdersOf = (e: LockError) => ((e.details?.holders ?? []) as Holder[]).map((h) => describeHolder(h, 'ko'));
/** What git said (its own words), when it said anything. */
const gitSaid = (e: GitError) => (e.stderr.trim() ? `: ${e.stderr.trim().split('\n')[0]}` : '');
const about = (e: GitError) => (e.subject ? `${e.subject}: ` : '');
const gitCmd = (e: GitError) => (e.args.length ? ` (git ${e.args.join(' ')})` : '');

/** Korean names of the mission actions (missionTable.ts MissionAction), for "cannot <verb> mission X". */
const ACTIONS: Record<string, string> = {
  start: '시작',
  auto: '시작',
  continue: '계속',
  retry: '재시도',
  merge: '병합',
  abortMerge: '병합 중단',
  conflicts: '병합 편집기 열기',
  predict: '병합 예측',
  discard: '폐기',
  rollBack: '롤백',
  handOff: '인계',
};
const act = (a: string | undefined) => (a && ACTIONS[a]) || a || '이 작업';

const brokerPath = (e: BrokerCallError) => (typeof e.details?.path === 'string' ? `: ${e.details.path}` : '');
const brokerGeneric = (what: string) => (e: BrokerCallError) =>
  `F-MES 브로커가 요청을 거부했습니다 (${e.reason}): ${what}`;

export const KO_ERRORS: KoErrorTable = {
  path: {
    empty: () => '경로가 필요합니다.',
    invalidCharacter: (e) => `경로 ${q(e.input)}에 NUL 문자가 있습니다.`,
    reserved: (e) => `경로 ${q(e.input)}은(는) F-MES가 잠그지 않는 폴더 안에 있습니다.`,
    outsideWorkspace: (e) => `경로 ${q(e.input)}은(는) 작업 영역 밖에 있습니다.`,
    symlinkEscape: (e) => `경로 ${q(e.input)}은(는) 끊어졌거나 작업 영역 밖을 가리키는 심볼릭 링크를 거칩니다.`,
  },
  lock: {
    held: (e) => {
      const h = holdersOf(e);
      return h.length ? `${e.path}은(는) 잠겨 있습니다: ${h.join('; ')}` : `${e.path}은(는) 잠겨 있습니다.`;
    },
    notHolder: (e) => {
      const first = (e.details?.holders?.[0] ?? undefined) as Holder | undefined;
      return first?.kind === 'lock'
        ? `${e.path}은(는) ${first.record.agent}이(가) 잠그고 있습니다: 내 잠금이 아닙니다.`
        : `${e.path}의 잠금은 내 것이 아닙니다 (잠글 때 출력된 --token이 필요합니다).`;
    },
    notHeld: (e) => `${e.path}은(는) 잠겨 있지 않습니다.`,
    busy: (e) => `${e.path}의 잠금을 다른 프로세스가 동시에 풀고 있습니다. 다시 시도하세요.`,
    invalidAgent: (e) =>
      `${e.path}: 에이전트 ID가 올바르지 않습니다${e.details?.agent === undefined ? '' : ` (${q(String(e.details.agent))})`}: 영문자나 숫자로 시작하고 영문자, 숫자, . _ : @ -만 쓰세요 (최대 64자).`,
  },
  artifact: {
    unreadable: (e) => `읽을 수 없습니다:\n${issues(e)}`,
    syntax: (e) => `형식이 잘못되었습니다:\n${issues(e)}`,
    schema: (e) => issues(e),
    unknownKind: (e) => `${e.file}: 경로만으로는 산출물 종류를 알 수 없습니다 (--kind로 지정)`,
  },
  trust: {
    untrusted: () =>
      '신뢰하지 않는 작업 영역에서는 할 수 없습니다. F-MES가 잠금을 쓰거나 에이전트를 시작하게 하려면 작업 영역을 신뢰하세요.',
  },
  usage: {
    // Most usage errors are worded through the catalog already (t()); one that wraps a typed error words that.
    usage: (e, render) => render(e.cause) ?? e.message,
  },
  mission: {
    unknownMission: (e) => `미션 ${e.taskId}이(가) 없습니다`,
    invalidRecord: (e) => `미션 ${e.taskId}의 기록 ${e.details.file ?? ''}이(가) 유효하지 않습니다`,
    badState: (e) => {
      if (e.details.missing === 'snapshot') return `미션 ${e.taskId}에는 스냅숏이 없습니다`;
      if (e.details.state === 'merged')
        return `미션 ${e.taskId}은(는) 이미 병합되었습니다. 다시 실행하려면 계획에 새 ID를 주세요`;
      return `미션 ${e.taskId}을(를) ${act(e.details.action)}할 수 없습니다: 현재 상태가 ${e.details.state ?? '?'}입니다`;
    },
    alreadyRunning: (e) =>
      `미션 ${e.taskId}은(는) ${e.details.state ?? '실행 중'} 상태입니다. 먼저 병합하거나 폐기하거나 롤백하세요`,
    noWorktree: (e) => `미션 ${e.taskId}은(는) 제자리에서 실행되었습니다: 변경 내용이 이미 체크아웃에 있습니다`,
    notConfirmed: (e) =>
      e.details.action === 'discard'
        ? `미션 ${e.taskId}을(를) 폐기하려면 확인이 필요합니다`
        : `미션 ${e.taskId}은(는) 검토가 필요합니다${e.details.why ? ` (${e.details.why})` : ''}. 승인과 함께 병합하세요`,
  },
  todo: {
    busy: (e) => `F-MES가 갱신하려는 동안 ${e.file}이(가) 계속 바뀌어 갱신을 포기했습니다.`,
  },
  runSetup: {
    hooksDisabled: (e) =>
      `${e.details.file ?? '설정 파일'}이(가) F-MES가 Gemini에 주는 훅을 끕니다. 보호 없이 시작하지 않습니다: 그 설정을 지우거나 다른 에이전트를 실행하세요.`,
    untrusted: (e) =>
      `Gemini CLI가 ${e.details.cwd ?? '이 폴더'}을(를) 신뢰하지 않아 헤드리스 실행을 거부합니다 (종료 코드 55). ${e.details.root ?? '작업 영역'}에서 \`gemini\`를 한 번 실행해 "Trust folder"를 고르거나, agents.gemini.args에 "--skip-trust"를, agents.gemini.env에 GEMINI_CLI_TRUST_WORKSPACE=true를 주세요.`,
    unreadableSettings: (e) =>
      `${e.details.file ?? '설정 파일'}을(를) 읽거나 JSON 객체로 해석할 수 없어 훅을 끄는지 알 수 없습니다${e.details.said ? ` (${e.details.said})` : ''}. 고친 뒤 다시 시작하세요.`,
    noSandbox: () =>
      '이 머신에서 에이전트를 샌드박스 안에서 실행할 수 없어 시작하지 않았습니다 (fmes.sandbox.mode가 "on"이거나 샌드박스 준비가 실패함; F-MES 로그 참조).',
  },
  confirmation: {
    insideAgentRun: () => '저장소 설정은 에이전트 실행 안에서 확인할 수 없습니다: 사람이 확인합니다',
    storeInsideRepository: () =>
      '확인 기록 저장소가 저장소 안에 있습니다. FMES_STATE_DIR을 저장소 밖의 폴더로 지정하세요',
    storeBusy: (e) => {
      const c = e.cause as { file?: string; holder?: string } | undefined;
      return `확인 기록 저장소 ${c?.file ?? ''}을(를) 다른 프로세스(${c?.holder ?? '?'})가 쓰는 중입니다. 아무것도 기록하지 않았습니다. 다시 시도하세요`;
    },
  },
  git: {
    notARepo: (e) => `git 저장소(주 작업 트리가 있는)가 아닙니다${gitCmd(e)}`,
    unmerged: (e) => `${about(e)}병합되지 않은 작업이 있습니다. 병합하거나 discard로 지우세요${gitCmd(e)}`,
    dirty: (e) => `커밋되지 않은 로컬 변경이 방해합니다${gitSaid(e)}`,
    conflict: (e) => `병합 충돌이 진행 중입니다. 먼저 끝내거나 중단하세요${gitCmd(e)}`,
    notFound: (e) =>
      `${e.subject ? `${e.subject}: ` : ''}작업 트리, 브랜치, 참조 또는 커밋을 찾을 수 없습니다${gitCmd(e)}${gitSaid(e)}`,
    failed: (e) =>
      `git 명령이 실패했습니다${gitCmd(e)}${e.exitCode !== undefined ? ` (종료 코드 ${e.exitCode})` : ''}${gitSaid(e)}`,
  },
  broker: {
    unavailable: () =>
      '이 실행의 F-MES 브로커에 연결할 수 없습니다: 에이전트 실행 안에서는 잠금, 승인, 감사 로그가 브로커를 거치므로 아무것도 하지 않았습니다',
    timeout: () => 'F-MES 브로커가 제시간에 응답하지 않았습니다',
    ended: () => 'F-MES 브로커의 실행이 끝났습니다: 아무것도 하지 않았습니다',
    tooLarge: () => 'F-MES 브로커와 주고받은 메시지가 너무 큽니다',
    refused: () => '이 실행에서는 허용되지 않는 작업입니다 (다른 에이전트의 잠금이거나 다른 에이전트로 행동하려 함)',
    badRequest: brokerGeneric('요청 형식이 잘못되었습니다'),
    badVersion: brokerGeneric('브로커의 프로토콜 버전이 다릅니다'),
    badToken: brokerGeneric('이 토큰은 이 실행의 것이 아닙니다'),
    unknownOp: brokerGeneric('브로커에 그런 작업이 없습니다'),
    held: (e) => `잠겨 있습니다${brokerPath(e)}`,
    notHolder: (e) => `내 잠금이 아닙니다${brokerPath(e)}`,
    notHeld: (e) => `잠겨 있지 않습니다${brokerPath(e)}`,
    busy: () => '잠금을 다른 프로세스가 동시에 풀고 있습니다. 다시 시도하세요',
    invalidAgent: () => '에이전트 ID가 올바르지 않습니다',
    invalidPath: brokerGeneric('경로를 받아들일 수 없습니다'),
    invalid: brokerGeneric('값이 올바르지 않습니다'),
    internal: brokerGeneric('브로커 내부 오류 (F-MES 로그 참조)'),
  },
  controlCharacter: {
    controlCharacter: (e) => `잠금의 ${e.field}에 제어 문자(탭, 줄바꿈, ESC, DEL, C1)가 있습니다: 받아들이지 않습니다.`,
  },
  // One wording with the hot lock CLI (dist/lock.cjs), which cannot load this table: src/hot/hotText.ts.
  lockBackend: {
    unreachable: (e) => backendText('ko', e.reason, e.details),
    refused: (e) => backendText('ko', e.reason, e.details),
    config: (e) => backendText('ko', e.reason, e.details),
    invalid: (e) => backendText('ko', e.reason, e.details),
    lost: (e) => backendText('ko', e.reason, e.details),
    unconfirmed: (e) => backendText('ko', e.reason, e.details),
  },
};

/** The Korean of `e` when it is one of the CLI's typed errors, else undefined. */
export function koErrorText(e: unknown): string | undefined {
  if (!(e instanceof Error) || !('kind' in e) || !('reason' in e)) return undefined;
  const byReason = (KO_ERRORS as Record<string, Record<string, Render<never>> | undefined>)[String(e.kind)];
  const render = byReason?.[String(e.reason)];
  return render ? render(e as never, koErrorText) : undefined;
}
