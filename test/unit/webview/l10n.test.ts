// Every string the dashboard shows goes through t() and has a Korean entry; the states read as words.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { setLocale, t, tn } from '../../../webview-ui/src/l10n';
import { KO } from '../../../webview-ui/src/l10nKo';

const SRC = path.join(__dirname, '../../../webview-ui/src');

test('every t() string in webview-ui/src has a Korean entry, and no entry is unused', () => {
  const used = new Set<string>();
  for (const f of fs.readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'l10nKo.ts')) {
    const text = fs.readFileSync(path.join(SRC, f), 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) used.add(m[1]);
    // tn(count, 'one', 'other', …): both English forms are keys.
    for (const m of text.matchAll(/\btn\(\s*[^,]+,\s*'((?:[^'\\]|\\.)*)',\s*'((?:[^'\\]|\\.)*)'/g))
      used.add(m[1]).add(m[2]);
  }
  assert.ok(used.size > 50, `found ${used.size} strings`);
  const missing = [...used].filter((s) => !(s in KO));
  assert.deepEqual(missing, [], 'untranslated');
  const unused = Object.keys(KO).filter((k) => !used.has(k));
  assert.deepEqual(unused, [], 'unused');
  // A translation keeps every placeholder of its English text.
  for (const [en, ko] of Object.entries(KO))
    assert.deepEqual((ko.match(/\{\d\}/g) ?? []).sort(), (en.match(/\{\d\}/g) ?? []).sort(), en);
});

test('t follows the locale the host sends, with English as the fallback', () => {
  setLocale('ko');
  assert.equal(t('Ready to merge'), '병합 준비됨');
  assert.equal(t('Merge mission {0}', 'T-7'), '미션 T-7 병합');
  setLocale('ko-KR');
  assert.equal(t('Refresh'), '새로 고침');
  setLocale('de');
  assert.equal(t('Refresh'), 'Refresh');
  setLocale(undefined);
  assert.equal(t('{0}/{1} passed', 12, 12), '12/12 passed');
  // An argument that looks like a placeholder is not expanded again.
  assert.equal(t('Merge mission {0}', '{0}{1}'), 'Merge mission {0}{1}');
});

test('tn: English counts take the singular at 1 only; Korean reads the same for every count', () => {
  const files = (n: number) => tn(n, '{0} file changed, +{1} −{2}', '{0} files changed, +{1} −{2}', 3, 1);
  setLocale('en');
  assert.equal(files(1), '1 file changed, +3 −1');
  assert.equal(files(0), '0 files changed, +3 −1');
  assert.equal(files(2), '2 files changed, +3 −1');
  assert.equal(tn(1, '{0} item', '{0} items'), '1 item');
  assert.equal(tn(11, '{0} item', '{0} items'), '11 items');
  setLocale('ko');
  assert.equal(files(1), '파일 1개 변경, +3 −1');
  assert.equal(files(2), '파일 2개 변경, +3 −1');
  assert.equal(tn(1, '{0} item', '{0} items'), '1개');
  setLocale(undefined);
});

test('the dashboard has no hand-made plurals left ("1 files", "(s)")', () => {
  for (const f of fs.readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'l10nKo.ts')) {
    const text = fs.readFileSync(path.join(SRC, f), 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g))
      assert.doesNotMatch(m[1], /^\{0\} [a-z]+s\b/, `${f}: '${m[1]}' is a count: use tn(count, one, other)`);
  }
});
