// The `fmes` help texts in Korean, keyed by their English (the text in src/cli/commands/*.ts), as vscode.l10n
// bundles are: src/cli/helpL10n.ts translates when commander renders help. test/unit/l10n/cliHelp.test.ts fails
// on a help text of the command tree with no entry here, and on an entry no command uses.

export const HELP_KO: Readonly<Record<string, string>> = {
  'Usage:': '사용법:',
  'Options:': '옵션:',
  'Commands:': '명령:',
  'Arguments:': '인수:',
  'display help for command': '명령 도움말 표시',
  'F-MES: locks, plans and reports shared by AI coding agents through the file system':
    'F-MES: AI 코딩 에이전트들이 파일 시스템으로 공유하는 잠금, 계획, 보고서',
  'output the version number': '버전 번호 출력',
  'workspace root (default: git top level of the current folder)':
    '작업 영역 루트 (기본값: 현재 폴더의 git 최상위 폴더)',
  'log debug lines to stderr': '디버그 로그를 stderr에 출력',
  'take, release and inspect locks in .locks/': '.locks/의 잠금을 걸고, 해제하고, 살펴봅니다',
  'take a lock on a file or folder; exit 75 if another holder still has it when --wait ends':
    '파일이나 폴더를 잠급니다. --wait가 끝날 때까지 다른 보유자가 잠그고 있으면 75로 종료',
  'who holds the lock (or $FMES_AGENT)': '잠금을 보유할 주체 (또는 $FMES_AGENT)',
  'what you are about to do': '하려는 작업',
  'lifetime; after it the lock is stale (default 1800)': '유효 시간. 지나면 잠금은 만료됩니다 (기본값 1800)',
  'keep trying this long while it is held': '잠겨 있는 동안 이 시간만큼 계속 시도',
  'bind the lock to this process: stale as soon as it exits':
    '잠금을 이 프로세스에 묶습니다: 프로세스가 끝나면 바로 만료',
  'print the lock as JSON': '잠금을 JSON으로 출력',
  'file or folder to lock (a folder lock covers everything inside)':
    '잠글 파일이나 폴더 (폴더 잠금은 그 안의 모든 것을 포함)',
  'release a lock: your own (--agent, your id only) or one whose token you have (--token)':
    '잠금 해제: 내 잠금(--agent, 내 id만) 또는 토큰을 가진 잠금(--token)',
  'release as this agent: only your own id (or $FMES_AGENT; inside an agent run, the run’s agent)':
    '이 에이전트로 해제: 내 id만 가능 (또는 $FMES_AGENT, 에이전트 실행 안에서는 그 실행의 에이전트)',
  'the token printed by acquire: releases that lock whoever holds it':
    'acquire가 출력한 토큰: 누가 보유하든 그 잠금을 해제',
  'extend a lock you hold': '보유한 잠금을 연장',
  'the token printed by acquire': 'acquire가 출력한 토큰',
  'new lifetime from now (default: the original lifetime)': '지금부터의 새 유효 시간 (기본값: 원래 유효 시간)',
  "break someone else's lock (recorded in .locks/.broken/breaks.jsonl with who and why)":
    '다른 사람의 잠금을 강제로 풉니다 (누가, 왜 풀었는지 .locks/.broken/breaks.jsonl에 기록)',
  'why it must be broken': '강제로 풀어야 하는 이유',
  'who breaks it': '잠금을 푸는 주체',
  'list locks, with stale and invalid ones marked': '잠금 목록 (만료되었거나 잘못된 잠금은 표시)',
  'machine-readable output': '기계가 읽을 수 있는 출력',
  'also search the workspace for .agent_lock markers': '작업 영역에서 .agent_lock 표식도 찾기',
  'hold a lock while a command runs (like flock(1)); exit with the command’s code':
    '명령이 실행되는 동안 잠금을 유지합니다 (flock(1)처럼). 명령의 종료 코드로 종료',
  'what the command does': '명령이 하는 작업',
  'report a held lock as JSON': '이미 잠겨 있으면 JSON으로 보고',
  'the command and its arguments (after --)': '실행할 명령과 그 인수 (-- 뒤에)',
  'run an agent CLI headless on a task, with limits, cost logging and a transcript':
    '에이전트 CLI를 작업에 대해 헤드리스로 실행합니다 (제한, 비용 기록, 대화 기록 포함)',
  'agent CLI': '에이전트 CLI',
  'agent id in logs, locks and sessions (default: the CLI name)':
    '로그, 잠금, 세션에 쓰일 에이전트 id (기본값: CLI 이름)',
  'task id (default with --plan: the plan id)': '작업 id (--plan을 쓰면 기본값: 계획 id)',
  'what to do': '할 일',
  'a plan file (front matter + instructions); its limits apply':
    '계획 파일 (front matter + 지시). 계획의 제한이 적용됩니다',
  'stop after this many model turns': '모델 턴이 이 횟수에 이르면 중지',
  'stop when this run has cost this much': '이 실행의 비용이 이 금액에 이르면 중지',
  'stop after this many seconds': '이 초만큼 지나면 중지',
  'further attempts after an API error or failure (limits are never retried)':
    'API 오류나 실패 뒤 추가 시도 횟수 (제한에 걸린 실행은 다시 시도하지 않음)',
  "resume the task's stored session (falls back to a fresh, seeded session)":
    '작업의 저장된 세션을 이어서 실행 (없으면 내용을 채운 새 세션으로 시작)',
  'model to ask for': '요청할 모델',
  'where the agent works (default: the workspace)': '에이전트가 작업할 폴더 (기본값: 작업 영역)',
  'Claude --settings file for the session (hooks)': '세션에 쓸 Claude --settings 파일 (훅)',
  'print run events as JSON lines, the outcome last': '실행 이벤트를 JSON 줄로 출력하고, 결과를 마지막에 출력',
  'Exit codes: 0 success · 1 the agent failed, or F-MES refused to start it unguarded (reason refused) · 2 usage · 3 a limit stopped it · 4 awaiting approval · 127 CLI not found · 128+n signalled':
    '종료 코드: 0 성공 · 1 에이전트 실패, 또는 보호 없이 시작하기를 F-MES가 거부 (사유 refused) · 2 사용법 오류 · 3 제한에 걸려 중지 · 4 승인 대기 · 127 CLI 없음 · 128+n 시그널로 종료',
  'run plans through the orchestrator (worktree, agent, report, cross-check, merge)':
    '오케스트레이터로 계획을 실행합니다 (워크트리, 에이전트, 보고서, 교차 검사, 병합)',
  'run one plan through the whole loop and exit with its outcome': '계획 하나를 전체 과정으로 실행하고 그 결과로 종료',
  'run in the main checkout instead of a shadow worktree': '별도 워크트리 대신 메인 체크아웃에서 실행',
  'print events as JSON lines, the outcome last': '이벤트를 JSON 줄로 출력하고, 결과를 마지막에 출력',
  'the plan file (.antigravity/plans/<name>.md)': '계획 파일 (.antigravity/plans/<name>.md)',
  'Exit codes: 0 ready to merge · 1 failed · 4 waits for a person (review, approval) · 5 handed off · 75 refused (overlap) · 127 no agent CLI of the chain installed · 2 usage':
    '종료 코드: 0 병합 준비됨 · 1 실패 · 4 사람을 기다림 (검토, 승인) · 5 인계됨 · 75 거부됨 (겹침) · 127 체인의 에이전트 CLI가 하나도 설치되지 않음 · 2 사용법 오류',
  'list missions, newest first': '미션 목록 (최신순)',
  'JSON output': 'JSON 출력',
  "merge a mission's branch; on conflicts the merge stays in progress (resolve, then run merge again)":
    '미션의 브랜치를 병합합니다. 충돌이 나면 병합이 진행 중으로 남습니다 (해결한 뒤 merge를 다시 실행)',
  'merge a mission that is in review (undeclared changes, failed tests)':
    '검토 중인 미션도 병합 (선언하지 않은 변경, 실패한 테스트)',
  "throw away a mission's branch and worktree (its work is kept under a backup ref)":
    '미션의 브랜치와 워크트리를 버립니다 (작업 내용은 백업 ref에 보관)',
  confirm: '확인',
  "restore a mission's checkout to the snapshot before its run (untracked files are never deleted)":
    '미션의 체크아웃을 실행 전 스냅샷으로 되돌립니다 (추적되지 않는 파일은 지우지 않음)',
  'hand a mission to a person: HANDOFF_REPORT.md with its state, attempts, costs and diff':
    '미션을 사람에게 넘깁니다: 상태, 시도, 비용, 차이를 담은 HANDOFF_REPORT.md',
  why: '이유',
  'Agent CLI tool hooks (Claude Code, Gemini CLI, Codex): pre-tool-use denies writes to paths other agents hold, to F-MES state and deny-listed commands; post-tool-use and post-tool-use-failure write the audit log':
    '에이전트 CLI 도구 훅 (Claude Code, Gemini CLI, Codex): pre-tool-use는 다른 에이전트가 잠근 경로와 F-MES 상태에 대한 쓰기, 금지 목록의 명령을 거부하고, post-tool-use와 post-tool-use-failure는 감사 로그를 씁니다',
  'the agent this hook serves (default: $FMES_AGENT)': '이 훅이 담당하는 에이전트 (기본값: $FMES_AGENT)',
  'the CLI that runs the hook: claude | gemini | codex (default: from the input)':
    '훅을 실행하는 CLI: claude | gemini | codex (기본값: 입력에서 판단)',
  'pre-tool-use | post-tool-use | post-tool-use-failure':
    'pre-tool-use | post-tool-use | post-tool-use-failure 중 하나',
  'Reads the hook input (JSON) on stdin. pre-tool-use: exit 2 with the reason on stderr denies the tool call; so does any input the hook cannot read.':
    '훅 입력(JSON)을 stdin에서 읽습니다. pre-tool-use: 이유를 stderr에 쓰고 2로 종료하면 도구 호출이 거부됩니다. 훅이 읽을 수 없는 입력도 마찬가지입니다.',
  'set up a repository for F-MES: CLAUDE.md rules, Cursor rules (.cursor/rules/fmes.mdc, .cursorrules), the hooks of Claude, Gemini and Codex, .mcp.json and .cursor/mcp.json, .gitignore (merges; idempotent)':
    '저장소를 F-MES용으로 설정합니다: CLAUDE.md 규칙, Cursor 규칙 (.cursor/rules/fmes.mdc, .cursorrules), Claude, Gemini, Codex의 훅, .mcp.json과 .cursor/mcp.json, .gitignore (기존 내용과 병합, 여러 번 실행해도 같음)',
  'print the diff, write nothing': '차이만 출력하고 아무것도 쓰지 않음',
  'print the changes as JSON': '변경 내용을 JSON으로 출력',
  'the Node.js binary the hooks and the MCP server run (default: the one running this command)':
    '훅과 MCP 서버를 실행할 Node.js 실행 파일 (기본값: 이 명령을 실행 중인 것)',
  'dist/hook.cjs (default: the one beside this CLI)': 'dist/hook.cjs 경로 (기본값: 이 CLI 옆의 파일)',
  'dist/mcp.mjs (default: the one beside this CLI)': 'dist/mcp.mjs 경로 (기본값: 이 CLI 옆의 파일)',
  'the agent CLIs whose project hooks are written': '프로젝트 훅을 쓸 에이전트 CLI',
  'settings of this repository that need a person’s confirmation': '사람의 확인이 필요한 이 저장소의 설정',
  'show the repository’s settings that weaken safety and confirm them for this machine':
    '안전을 약화하는 저장소 설정을 보여 주고 이 컴퓨터에서 쓰도록 확인',
  'confirm without asking (for scripts run by a person)': '묻지 않고 확인 (사람이 실행하는 스크립트용)',
  'record that these values stay ignored (the editor stops asking)':
    '이 값을 계속 무시하도록 기록 (편집기가 더 묻지 않음)',
  'print the values as JSON': '값을 JSON으로 출력',
  'list approval requests from agents (pending first; --all for decided ones)':
    '에이전트의 승인 요청 목록 (대기 중인 것 먼저, 결정된 것은 --all)',
  'include approved, rejected and used requests': '승인, 거부, 사용된 요청도 포함',
  "approve an agent's pending request; the agent's task can then be resumed":
    '에이전트의 대기 중인 요청을 승인합니다. 그 뒤 에이전트의 작업을 이어서 실행할 수 있습니다',
  'who decides (default: human:<user>)': '결정하는 사람 (기본값: human:<user>)',
  'a note for the agent': '에이전트에게 남길 메모',
  "reject an agent's pending request; the agent's task can then be resumed":
    '에이전트의 대기 중인 요청을 거부합니다. 그 뒤 에이전트의 작업을 이어서 실행할 수 있습니다',
  'check artifacts (lock, report.json, plan, handoff, cost log, inbox note, .fmes/rules.yaml); exit 1 naming the file and field of each problem':
    '산출물을 검사합니다 (잠금, report.json, 계획, 인계 문서, 비용 로그, 받은 편지함 메모, .fmes/rules.yaml). 문제가 있으면 파일과 필드를 밝히고 1로 종료',
  'every artifact on the bus: .locks/, .claude/outbox/, .antigravity/plans/, .claude/cost_logs/, .antigravity/inbox/, handoffs, .fmes/rules.yaml':
    '버스의 모든 산출물: .locks/, .claude/outbox/, .antigravity/plans/, .claude/cost_logs/, .antigravity/inbox/, 인계 문서, .fmes/rules.yaml',
  'treat the files as this kind instead of guessing from their location': '위치로 추측하지 않고 파일을 이 종류로 취급',
  'print bus events (locks, reports, plans) until interrupted': '중단할 때까지 버스 이벤트(잠금, 보고서, 계획)를 출력',
  'one JSON object per line': '한 줄에 JSON 객체 하나',
  'poll the file system instead of using native events': '네이티브 이벤트 대신 파일 시스템을 주기적으로 확인',
  'also run every new or changed plan through the orchestrator (worktree, agent, report, merge prompt), and continue missions whose approval is decided':
    '새로 생기거나 바뀐 계획도 오케스트레이터로 실행하고 (워크트리, 에이전트, 보고서, 병합 확인), 승인이 결정된 미션을 이어서 실행',
  'with --orchestrate: missions at a time (default: orchestrator.parallel, 2)':
    '--orchestrate와 함께: 동시에 실행할 미션 수 (기본값: orchestrator.parallel, 2)',
  'serve locks, plans, reports, handoffs and TODO.md to an agent over MCP (stdio) until the client closes it':
    '클라이언트가 닫을 때까지 MCP(stdio)로 에이전트에게 잠금, 계획, 보고서, 인계 문서, TODO.md를 제공',
  'agent id for tool calls that name none (or $FMES_AGENT)':
    '에이전트를 밝히지 않은 도구 호출에 쓸 에이전트 id (또는 $FMES_AGENT)',
};
