// The translation checker itself: each kind of gap it must report, so the catalog tests beside it can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeholders, translationProblems } from '../../../src/core/i18n/check';

const en = { a: 'Lock {0} for {1}', b: 'Show Log', c: 'F-MES', d: '[Open](command:fmes.open)' };
const ko = { a: '{1}을(를) 위해 {0} 잠금', b: '로그 표시', c: 'F-MES', d: '[열기](command:fmes.open)' };

test('a complete translation has no problems; a word-free text may equal the English', () => {
  assert.deepEqual(translationProblems(en, ko), []);
});

test('missing, empty, English-as-Korean, lost placeholders, broken links and stray keys are each reported', () => {
  const bad = { a: '{0} 잠금', b: 'Show Log', d: '[열기](command:fmes.other)', z: '남는 키', c: ' ' };
  const p = translationProblems(en, bad);
  assert.ok(
    p.some((x) => /^a: placeholders \{0,1\} in English, \{0\}/.test(x)),
    p.join('\n'),
  );
  assert.ok(p.includes('b: translation is the English text'), p.join('\n'));
  assert.ok(p.includes('c: empty translation'), p.join('\n'));
  assert.ok(p.includes('d: the links differ from the English'), p.join('\n'));
  assert.ok(p.includes('z: not in the English source'), p.join('\n'));
  assert.deepEqual(translationProblems(en, { ...ko, a: undefined as unknown as string }), ['a: no translation']);
});

test('a whitelisted key may keep its English words', () => {
  const same = { ...ko, b: 'Show Log' };
  assert.equal(translationProblems(en, same).length, 1);
  assert.deepEqual(translationProblems(en, same, { sameAllowed: new Set(['b']) }), []);
});

test('placeholders: numbered and named, sorted; JSON braces and nls %keys% are not placeholders', () => {
  assert.deepEqual(placeholders('{1} and {0} and {name}'), ['0', '1', 'name']);
  assert.deepEqual(placeholders('`{ "when": { "type": "docs" } }` %config.title%'), []);
});
