// `fmes --help`, subcommand help, commander's errors and the errors people meet most, in Korean under a Korean
// locale and in English under LANG=C: the real bundled bin dist/fmes.cjs (`npm run build`), in a real git
// repository, with a real lock held by another agent (both through the full CLI and the hot lock CLI).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/main';
import { helpTranslator, translateCommanderError } from '../../../src/cli/helpL10n';
import { translationProblems } from '../../../src/core/i18n/check';
import { HELP_KO } from '../../../src/core/i18n/helpMessages';
import { HOT_EN, HOT_KO } from '../../../src/hot/hotText';

const BIN = path.resolve(__dirname, '../../../dist/fmes.cjs');
const KO = { LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
const C = { LANG: 'C', LC_ALL: '', LC_MESSAGES: '' };

function run(args: string[], env: Record<string, string>, cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FMES_AGENT: '', FMES_RUN_ID: '', ...env },
  });
}

/** Every help text of the command tree: descriptions, options, arguments, and addHelpText blocks. */
function helpTexts(program: Command): Set<string> {
  const out = new Set<string>(['Usage:', 'Options:', 'Commands:', 'Arguments:', 'display help for command']);
  const visit = (c: Command) => {
    if (c.description()) out.add(c.description());
    for (const o of c.options) if (o.description) out.add(o.description);
    for (const a of c.registeredArguments) if (a.description) out.add(a.description);
    for (const where of ['beforeHelp', 'afterHelp'])
      // addHelpText registers a listener of these events (commander's Command is an EventEmitter).
      (c as unknown as NodeJS.EventEmitter).emit(where, {
        error: false,
        command: c,
        write: (s: string) => out.add(s.trim()),
      });
    for (const s of c.commands) visit(s);
  };
  visit(program);
  return out;
}

test('every help text of the command tree has a Korean translation, and none is left unused', () => {
  const texts = helpTexts(buildProgram());
  assert.ok(texts.size > 80, `${texts.size} texts`);
  const english = Object.fromEntries([...texts].map((s) => [s, s]));
  // Placeholders and links kept, nothing empty or left in English; an entry no command uses is an error too.
  assert.deepEqual(translationProblems(english, HELP_KO), []);
  const tr = helpTranslator('ko');
  assert.equal(tr('what to do'), '할 일');
  assert.equal(helpTranslator('en')('what to do'), 'what to do');
});

test("the hot paths' own lines are translated too, placeholders kept", () => {
  assert.deepEqual(translationProblems(HOT_EN, HOT_KO), []);
});

test("commander's errors keep their arguments in Korean; unknown ones keep at least a Korean prefix", () => {
  assert.equal(translateCommanderError("error: unknown option '--bogus'\n"), "오류: 알 수 없는 옵션 '--bogus'\n");
  assert.equal(
    translateCommanderError("error: unknown command 'lok'\n(Did you mean lock?)\n"),
    "오류: 알 수 없는 명령 'lok'\n(lock을(를) 말씀하신 건가요?)\n",
  );
  assert.equal(
    translateCommanderError("error: missing required argument 'path'\n"),
    "오류: 필수 인수 'path'이(가) 없습니다\n",
  );
  assert.equal(
    translateCommanderError("error: too many arguments for 'release'. Expected 1 argument but got 2.\n"),
    '오류: 인수가 너무 많습니다 (release): 1개를 받아야 하는데 2개를 받았습니다.\n',
  );
  assert.equal(translateCommanderError('error: something new\n'), '오류: something new\n');
  // A user's argument that looks like commander's words is not translated inside the quotes.
  assert.equal(
    translateCommanderError("error: unknown option '--x (Did you mean y?)'\n"),
    "오류: 알 수 없는 옵션 '--x (Did you mean y?)'\n",
  );
});

describe('the bundled fmes in a Korean and a C locale', { skip: !fs.existsSync(BIN) && 'npm run build first' }, () => {
  let repo: string;
  before(() => {
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-ko-help-')));
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: repo }).status, 0);
    fs.writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    const held = run(['lock', 'acquire', 'a.txt', '--agent', 'claude', '--intent', 'refactor'], C, repo);
    assert.equal(held.status, 0, held.stderr);
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('fmes --help: Korean headings and descriptions under LANG=ko_KR.UTF-8, English under LANG=C', () => {
    const k = run(['--help'], KO, repo);
    assert.equal(k.status, 0, k.stderr);
    assert.match(k.stdout, /^사용법: fmes \[options\] \[command\]/);
    assert.match(k.stdout, /\n옵션:\n/);
    assert.match(k.stdout, /\n명령:\n/);
    assert.match(k.stdout, /F-MES: AI 코딩 에이전트들이 파일 시스템으로 공유하는 잠금, 계획, 보고서/);
    assert.match(k.stdout, /-h, --help +명령 도움말 표시/);
    assert.doesNotMatch(k.stdout, /display help|output the version|Usage:|workspace root/);
    const e = run(['--help'], C, repo);
    assert.match(e.stdout, /^Usage: fmes \[options\] \[command\]/);
    assert.match(e.stdout, /F-MES: locks, plans and reports shared by AI coding agents/);
    assert.doesNotMatch(e.stdout, /[가-힣]/);
    // LC_ALL wins over LANG, as POSIX says.
    assert.match(run(['--help'], { ...KO, LC_ALL: 'C' }, repo).stdout, /^Usage:/);
  });

  test('subcommand help, with its default values and after-help text, is Korean', () => {
    const k = run(['lock', 'acquire', '--help'], KO, repo);
    assert.equal(k.status, 0, k.stderr);
    assert.match(k.stdout, /^사용법: fmes lock acquire \[options\] <path>/);
    assert.match(k.stdout, /\n인수:\n +path +잠글 파일이나 폴더/);
    assert.match(k.stdout, /--wait <seconds> +잠겨 있는 동안 이 시간만큼 계속 시도 \(기본값: 0\)/);
    assert.doesNotMatch(k.stdout, /default:|keep trying/);
    const m = run(['mission', 'run', '--help'], KO, repo);
    assert.match(m.stdout, /종료 코드: 0 병합 준비됨/, 'the addHelpText block');
    assert.doesNotMatch(m.stdout, /Exit codes/);
    assert.match(run(['mission', 'run', '--help'], C, repo).stdout, /Exit codes: 0 ready to merge/);
  });

  test("commander's usage errors are Korean and keep exit code 2", () => {
    const k = run(['lock', 'acquire', 'a.txt', '--bogus'], KO, repo);
    assert.equal(k.status, 2);
    assert.match(k.stderr, /^오류: 알 수 없는 옵션 '--bogus'/);
    const e = run(['lock', 'acquire', 'a.txt', '--bogus'], C, repo);
    assert.match(e.stderr, /^error: unknown option '--bogus'/);
  });

  test('a lock held by another agent: Korean from the full CLI and from the hot lock CLI, exit 75 both', () => {
    const k = run(['lock', 'acquire', 'a.txt', '--agent', 'gemini'], KO, repo);
    assert.equal(k.status, 75, k.stderr);
    assert.match(k.stderr, /^fmes: a\.txt은\(는\) 잠겨 있습니다:\n {2}a\.txt: claude이\(가\) 잠금 \(refactor, /);
    assert.doesNotMatch(k.stderr, /held by|until/);
    // `lock run` in its plain form runs from dist/lock.cjs (no catalog there: its own small table).
    const hot = run(['lock', 'run', 'a.txt', '--agent', 'gemini', '--', 'true'], KO, repo);
    assert.equal(hot.status, 75, hot.stderr);
    assert.match(hot.stderr, /^fmes: a\.txt은\(는\) 잠겨 있습니다:\n {2}a\.txt: claude이\(가\) 잠금/);
    const e = run(['lock', 'acquire', 'a.txt', '--agent', 'gemini'], C, repo);
    assert.equal(e.status, 75);
    assert.match(e.stderr, /^fmes: a\.txt is held:\n {2}a\.txt held by claude \(refactor, until /);
    const he = run(['lock', 'run', 'a.txt', '--agent', 'gemini', '--', 'true'], C, repo);
    assert.match(he.stderr, /^fmes: a\.txt is held:\n {2}a\.txt held by claude/);
  });

  test('releasing a lock that is not yours, or that does not exist, says so in Korean', () => {
    const k = run(['lock', 'release', 'a.txt', '--agent', 'gemini'], KO, repo);
    assert.equal(k.status, 1);
    assert.match(k.stderr, /다른 에이전트의 잠금은 그 --token/);
    assert.match(k.stderr, /fmes: a\.txt은\(는\) claude이\(가\) 잠그고 있습니다: 내 잠금이 아닙니다\./);
    const none = run(['lock', 'release', 'nothing.txt', '--agent', 'gemini'], KO, repo);
    assert.match(none.stderr, /fmes: nothing\.txt은\(는\) 잠겨 있지 않습니다\./);
    assert.match(run(['lock', 'release', 'nothing.txt', '--agent', 'gemini'], C, repo).stderr, /is not locked/);
  });

  test("an invalid file: the file: field: message framing, with zod's Korean; a file of no known kind", () => {
    const plans = path.join(repo, '.antigravity', 'plans');
    fs.mkdirSync(plans, { recursive: true });
    fs.writeFileSync(path.join(plans, 'p.md'), '---\nid: T-1\n---\nhi\n');
    const k = run(['validate', '.antigravity/plans/p.md', 'a.txt'], KO, repo);
    assert.equal(k.status, 1);
    assert.match(k.stderr, /^\.antigravity\/plans\/p\.md: title: 잘못된 입력: /m);
    assert.match(k.stderr, /^a\.txt: 경로만으로는 산출물 종류를 알 수 없습니다/m);
    assert.doesNotMatch(k.stderr, /Invalid input|cannot tell/);
    const e = run(['validate', '.antigravity/plans/p.md', 'a.txt'], C, repo);
    assert.match(e.stderr, /^\.antigravity\/plans\/p\.md: title: Invalid input/m);
    assert.match(e.stderr, /^a\.txt: cannot tell the artifact kind from the path/m);
  });
});
