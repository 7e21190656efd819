// The CLI's remaining human lines in Korean under LANG=ko_KR.UTF-8 and unchanged under LC_ALL=C: refusals
// inside an agent run (exit 77), `fmes config confirm` rows, the --pid warning inside a run, `fmes init`'s
// probe warning, and the end of a run as `fmes run` prints it. Real runs of dist/cli.mjs (`npm run build`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, fmes } from '../../fixtures/cli';
import { inRun } from '../../fixtures/inRun';
import { makeWorkspace } from '../../fixtures/workspace';
import { renderRunEvent } from '../../../src/core/agents/render';
import { END_KO } from '../../../src/core/i18n/outcomeText';
import { confirmWhy } from '../../../src/core/i18n/confirmText';

const KO = { LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
const C = { LANG: 'ko_KR.UTF-8', LC_ALL: 'C' };
const HANGUL = /[\uac00-\ud7a3]/;
const linux = { skip: process.platform !== 'linux' && 'the run is found through /proc' };

test('refusals inside an agent run: Korean, exit 77, paths and ids kept; English under C', linux, () => {
  const ws = makeWorkspace();
  try {
    const cli = (...args: string[]) => [process.execPath, CLI, '--workspace', ws.root, ...args];
    const cases: [string[], RegExp, RegExp][] = [
      [
        ['lock', 'break', 'src/a.ts', '--reason', 'x'],
        /^fmes: 거부됨: 잠금을 강제로 푸는 것은 사람이 결정하는데, 이 명령은 claude의 실행 run-7 안에서 .*fmes lock break src\/a\.ts --reason <why>$/m,
        /^fmes: refused: breaking a lock is a person's decision, and this runs inside run run-7 of claude\. Ask the holder to release it, or ask a person to run: fmes lock break src\/a\.ts --reason <why>$/m,
      ],
      [
        ['lock', 'release', 'src/a.ts', '--agent', 'gemini'],
        /^fmes: 거부됨: gemini\(으\)로 잠금 해제: .*자기 자신\(claude\)으로만 행동.*--token/m,
        /^fmes: refused: releasing as gemini: this runs inside run run-7 of claude, and an agent acts only as itself \(claude\), never as gemini\. Another agent's lock is released with its --token \(printed when it was taken\)\.$/m,
      ],
      [
        ['lock', 'acquire', 'src/a.ts', '--agent', 'gemini'],
        /^fmes: 거부됨: gemini\(으\)로 잠금: /m,
        /^fmes: refused: locking as gemini: this runs inside run run-7 of claude, and an agent acts only as itself \(claude\), never as gemini\.$/m,
      ],
      [
        ['approve', 'A-1'],
        /^fmes: 거부됨: approve A-1: 승인은 사람이 결정하는데, 이 명령은 claude의 실행 run-7 안에서/m,
        /^fmes: refused: approve A-1: approvals are decided by a person, and this runs inside run run-7 of claude\./m,
      ],
    ];
    for (const [args, ko, en] of cases) {
      const k = inRun(cli(...args), { forged: KO });
      assert.equal(k.status, 77, `${args.join(' ')}: ${k.stderr}`);
      assert.match(k.stderr, ko);
      const e = inRun(cli(...args), { forged: C });
      assert.equal(e.status, 77, e.stderr);
      assert.match(e.stderr, en);
      assert.doesNotMatch(e.stderr, HANGUL);
    }
    // Outside a run, a process that declared itself ($FMES_AGENT) releases only its own locks.
    const d = fmes(['--workspace', ws.root, 'lock', 'release', 'src/a.ts', '--agent', 'gemini'], {
      env: { ...KO, FMES_AGENT: 'me' },
    });
    assert.equal(d.status, 77);
    assert.match(
      d.stderr,
      /이 프로세스는 gemini이\(가\) 아니라 me\(\$FMES_AGENT\)입니다\. .*fmes lock break <path> --reason <why>\.$/m,
    );
  } finally {
    ws.cleanup();
  }
});

test('--pid inside a run (the broker) warns in Korean; English under C', () => {
  const ws = makeWorkspace();
  try {
    const env = { FMES_BROKER: path.join(ws.root, 'no.sock'), FMES_RUN_TOKEN: 'x', FMES_AGENT: 'me' };
    const args = ['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts', '--pid', '1'];
    const k = fmes(args, { env: { ...env, ...KO } });
    assert.equal(k.status, 69, k.stderr);
    assert.match(k.stderr, /^fmes: 경고: 에이전트 실행 안에서는 --pid가 무시됩니다 .*fmes lock run/m);
    const e = fmes(args, { env: { ...env, ...C } });
    assert.equal(e.status, 69);
    assert.match(
      e.stderr,
      /^fmes: warning: --pid is ignored inside an agent run \(its processes are not the broker’s to watch\): the lock lasts until released or its TTL ends; fmes lock run binds one to a command$/m,
    );
  } finally {
    ws.cleanup();
  }
});

test('fmes config confirm rows: Korean reason and lock fallback, fields and values kept; English under C', () => {
  const ws = makeWorkspace();
  try {
    fs.mkdirSync(path.join(ws.root, '.fmes'));
    fs.writeFileSync(
      path.join(ws.root, '.fmes/config.json'),
      JSON.stringify({ sandbox: { allowedDomains: ['example.com'] }, locks: { backend: 'redis://127.0.0.1:1/0' } }),
    );
    const args = ['--workspace', ws.root, 'config', 'confirm'];
    const k = fmes(args, { env: { ...KO, FMES_STATE_DIR: path.join(ws.root, 'st') }, input: '' });
    assert.equal(k.status, 2, 'not a terminal: rows shown, nothing decided');
    assert.match(
      k.stdout,
      /^ {2}sandbox\.allowedDomains: \["example\.com"\] \(현재: \[\]\) — 샌드박스 안의 에이전트가 이 호스트에 접속하게 합니다$/m,
    );
    assert.match(
      k.stdout,
      /^ {2}locks\.backend: "redis:\/\/127\.0\.0\.1:1\/0" \(현재: 확인될 때까지 .*\) — 이 저장소의 잠금/m,
    );
    const e = fmes(args, { env: { ...C, FMES_STATE_DIR: path.join(ws.root, 'st') }, input: '' });
    assert.match(
      e.stdout,
      /^ {2}sandbox\.allowedDomains: \["example\.com"\] \(now: \[\]\) — lets sandboxed agents reach these hosts$/m,
    );
    assert.match(
      e.stdout,
      /^ {2}locks\.backend: "redis:\/\/127\.0\.0\.1:1\/0" \(now: "no locks in this workspace, and the hook denies writes, until confirmed"\) — sends this repository’s locks/m,
    );
    assert.doesNotMatch(e.stdout, HANGUL);
    const j = fmes([...args, '--json'], { env: { ...KO, FMES_STATE_DIR: path.join(ws.root, 'st') }, input: '' });
    assert.doesNotMatch(j.stdout, HANGUL, '--json keeps the record’s own English');
  } finally {
    ws.cleanup();
  }
  assert.equal(confirmWhy('ko', 'agents.codex.passEnv', 'x'), '환경 변수를 (비밀 값 포함) 에이전트에 더 많이 넘깁니다');
  assert.equal(confirmWhy('ko', 'no.such', 'english'), 'english');
});

test('fmes init: the probe warning for a hook that cannot run, Korean and C', () => {
  const ws = makeWorkspace();
  try {
    const bad = path.join(ws.root, 'bad-hook.cjs');
    fs.writeFileSync(bad, 'process.exit(3)\n');
    const args = ['--workspace', ws.root, 'init', '--clis', 'claude', '--hook-script', bad, '--dry-run'];
    const k = fmes(args, { env: KO });
    assert.match(
      k.stderr,
      /^fmes: 경고: hooks: .*작성된 명령을 실행할 수 없습니다: 고친 뒤 `fmes init`을 다시 실행하세요\.$/m,
      k.stderr,
    );
    const e = fmes(args, { env: C });
    assert.match(
      e.stderr,
      /^fmes: warning: hooks: .*\. The command written cannot run: fix it and run `fmes init` again\.$/m,
    );
  } finally {
    ws.cleanup();
  }
});

test('the end of a run: Korean headline per reason, the English message kept; English unchanged', () => {
  const outcome = {
    ok: false,
    taskId: 'T-1',
    reason: 'maxTurns',
    message: 'turn limit reached: 3 turns',
    costUsd: 0.5,
    turns: 3,
    attempts: 1,
    denials: 2,
    sessionId: 's-1',
    transcript: '.fmes/runs/T-1/x.jsonl',
    pendingApprovals: ['A-9'],
  } as unknown as Extract<Parameters<typeof renderRunEvent>[0], { type: 'end' }>['outcome'];
  const e = { type: 'end', outcome } as Parameters<typeof renderRunEvent>[0];
  const ko = renderRunEvent(e, { color: false, locale: 'ko' });
  assert.equal(ko[0], '✘ T-1: maxTurns — 턴 한도에 도달했습니다 (turn limit reached: 3 turns)');
  assert.match(
    ko[1],
    /^비용 \$0\.50 · 3턴 · 시도 1회 · 거부된 도구 호출 2개 · 세션 s-1 · 기록 \.fmes\/runs\/T-1\/x\.jsonl$/,
  );
  assert.match(ko[2], /^승인 A-9 대기 중: fmes approve A-9/);
  assert.deepEqual(renderRunEvent(e, { color: false, locale: 'en' }), renderRunEvent(e, { color: false }));
  assert.equal(renderRunEvent(e, { color: false })[0], '✘ T-1: maxTurns — turn limit reached: 3 turns');
  assert.ok(Object.values(END_KO).every((s) => HANGUL.test(s)));
});

test('fmes run prints its end in Korean (a CLI that fails), English under C', linux, () => {
  const ws = makeWorkspace();
  try {
    const bin = path.join(ws.root, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\necho broken >&2\nexit 3\n', { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, FMES_STATE_DIR: path.join(ws.root, 'st') };
    const args = ['--workspace', ws.root, 'run', '--agent', 'claude', '--task', 'T-1', '--prompt', 'hi'];
    const k = fmes(args, { env: { ...env, ...KO } });
    assert.equal(k.status, 1, k.stderr);
    assert.match(k.stdout, /^✘ T-1: agentError — 에이전트가 오류로 끝났습니다 \(.*\)$/m);
    assert.match(k.stdout, /^비용 \$\d+\.\d\d · 0턴 · 시도 \d+회 · /m);
    const e = fmes(args, { env: { ...env, ...C } });
    assert.equal(e.status, 1);
    assert.match(e.stdout, /^✘ T-1: agentError — claude failed/m);
    assert.match(e.stdout, /^cost \$\d+\.\d\d · 0 turns · \d+ attempt\(s\) · /m);
  } finally {
    ws.cleanup();
  }
});
