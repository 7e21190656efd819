// The CLI speaks Korean when LC_ALL / LC_MESSAGES / LANG say so, from one catalog (src/core/i18n/messages.ts)
// whose Korean is complete. The spawned CLI is dist/cli.mjs (`npm run build`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { translationProblems } from '../../../src/core/i18n/check';
import { localeFromEnv } from '../../../src/core/i18n/locale';
import { en, ko } from '../../../src/core/i18n/messages';
import { format, translator } from '../../../src/core/i18n/translate';
import { fmes } from '../../fixtures/cli';

test('the Korean catalog translates every message, placeholders kept', () => {
  assert.deepEqual(translationProblems(en, ko), []);
  assert.ok(Object.keys(en).length >= 40);
});

test('the locale: LC_ALL, then LC_MESSAGES, then LANG; Korean in any of its spellings, else English', () => {
  assert.equal(localeFromEnv({}), 'en');
  assert.equal(localeFromEnv({ LANG: 'ko_KR.UTF-8' }), 'ko');
  assert.equal(localeFromEnv({ LANG: 'ko' }), 'ko');
  assert.equal(localeFromEnv({ LANG: 'ko-KR' }), 'ko');
  assert.equal(localeFromEnv({ LANG: 'kok_IN' }), 'en', 'Konkani is not Korean');
  assert.equal(localeFromEnv({ LANG: 'ko_KR.UTF-8', LC_ALL: 'C' }), 'en', 'LC_ALL wins');
  assert.equal(localeFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'ko_KR.UTF-8' }), 'ko');
  assert.equal(localeFromEnv({ LC_ALL: '', LANG: 'ko_KR' }), 'ko', 'an empty variable is unset');
});

test('format fills named placeholders and leaves unknown ones visible', () => {
  assert.equal(format('{a} and {b}', { a: 1 }), '1 and {b}');
  assert.equal(translator('ko')('noLocks'), '잠금 없음');
  assert.equal(translator('en')('merged', { task: 'T-1', commit: 'abc' }), 'merged T-1 as abc');
  assert.equal(format('{x}', { x: '$&' }), '$&', 'replacement patterns in values are not expanded');
});

test('fmes validate --all outside a repository speaks Korean under LANG=ko_KR.UTF-8, English under LC_ALL=C', () => {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-ko-')));
  try {
    const k = fmes(['validate', '--all'], { cwd: d, env: { LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
    assert.equal(k.status, 0, k.stderr);
    assert.equal(k.stdout.trim(), translator('ko')('nothingToCheck', { root: d }));
    assert.match(k.stderr, /git 저장소가 아닙니다/);
    const e = fmes(['validate', '--all'], { cwd: d, env: { LANG: 'ko_KR.UTF-8', LC_ALL: 'C' } });
    assert.match(e.stdout, /^nothing to check yet/);
    const u = fmes(['validate'], { cwd: d, env: { LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
    assert.equal(u.status, 2, 'a usage error keeps its exit code in Korean');
    assert.match(u.stderr, /검사할 파일을 지정하거나 --all을 주세요/);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('fmes lock acquire says what it locked, and how to release it, in the language of the terminal', () => {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-ko-')));
  try {
    const ko = { LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
    const first = fmes(['--workspace', d, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini'], { env: ko });
    assert.equal(first.status, 0, first.stderr);
    const key = /토큰 (\S+):/.exec(first.stdout)?.[1];
    assert.ok(key, first.stdout);
    assert.match(
      first.stdout,
      /^gemini의 이름으로 src\/a\.ts을\(를\) .*잠갔습니다 .*fmes lock release src\/a\.ts --token /,
    );
    const again = fmes(['--workspace', d, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini'], { env: ko });
    assert.match(again.stdout, /이미 gemini이\(가\) 잡고 있어 갱신했습니다/);
    const en = fmes(['--workspace', d, 'lock', 'acquire', 'src/b.ts', '--agent', 'gemini'], { env: { LC_ALL: 'C' } });
    assert.match(en.stdout, /^locked src\/b\.ts for gemini until .* \(token \S+: keep it, it is shown once;/);
    // The key printed releases the lock, whatever the language.
    assert.equal(fmes(['--workspace', d, 'lock', 'release', 'src/a.ts', '--token', key], { env: ko }).status, 0);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
