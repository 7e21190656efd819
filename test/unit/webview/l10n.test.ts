// Every string the dashboard shows goes through t() and has a Korean entry; the states read as words.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { setLocale, t } from '../../../webview-ui/src/l10n';
import { KO } from '../../../webview-ui/src/l10nKo';

const SRC = path.join(__dirname, '../../../webview-ui/src');

test('every t() string in webview-ui/src has a Korean entry, and no entry is unused', () => {
  const used = new Set<string>();
  for (const f of fs.readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'l10nKo.ts')) {
    const text = fs.readFileSync(path.join(SRC, f), 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) used.add(m[1]);
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
