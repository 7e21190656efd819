// What Lock for Me and Release Lock say (src/host/lockFeedbackText.ts), through the real bundles: the path, the
// holder and the TTL in English and Korean, and the refusals that keep a lock in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockedText, notReleasedText, releasedText, ttlText } from '../../../src/host/lockFeedbackText';
import { l10nOf } from '../../fixtures/l10nBundle';

const en = l10nOf();
const ko = l10nOf('bundle.l10n.ko.json');

test('ttlText reads as a person would say it, in both languages', () => {
  assert.equal(ttlText(45_000, en), '45 s');
  assert.equal(ttlText(30 * 60_000, en), '30 min');
  assert.equal(ttlText(120 * 60_000, en), '2 h');
  assert.equal(ttlText(150 * 60_000, en), '2 h 30 min');
  assert.equal(ttlText(-5, en), '0 s', 'a clock step backwards is not a negative TTL');
  assert.equal(ttlText(30 * 60_000, ko), '30분');
  assert.equal(ttlText(150 * 60_000, ko), '2시간 30분');
});

test('Lock for Me names the path, the holder and the TTL; several paths are said once', () => {
  const one = lockedText(['src/a.ts'], 'human:kim', 30 * 60_000, en);
  assert.match(one, /^F-MES: locked src\/a\.ts for human:kim \(TTL 30 min, renewed while this window is open\)/);
  assert.match(one, /Agents cannot write it until you release it\.$/);
  const many = lockedText(['a.ts', 'b.ts', 'c/'], 'human:kim', 30 * 60_000, en);
  assert.match(many, /locked 3 paths for human:kim .*: a\.ts, b\.ts, c\/\./);
  const k = lockedText(['src/a.ts'], 'human:kim', 30 * 60_000, ko);
  assert.match(k, /human:kim의 이름으로 src\/a\.ts을\(를\) 잠갔습니다 \(TTL 30분/);
  assert.doesNotMatch(k.replace(/F-MES|TTL|human:kim|src\/a\.ts/g, ''), /[A-Za-z]{2,}/, 'no English left');
});

test('Release says what it freed; a lock of someone else or none at all is said plainly, and stays', () => {
  assert.equal(
    releasedText('src/a.ts', 'human:kim', en),
    'F-MES: released src/a.ts (held by human:kim). Agents may write it again.',
  );
  assert.match(releasedText('src/a.ts', 'human:kim', ko), /src\/a\.ts의 잠금을 해제했습니다/);
  assert.equal(notReleasedText('x.ts', 'human:kim', undefined, en), 'F-MES: nothing to release: x.ts is not locked.');
  const other = notReleasedText('x.ts', 'human:kim', 'claude', en);
  assert.match(other, /x\.ts is held by claude, not by you \(human:kim\): it stays locked/);
  assert.match(notReleasedText('x.ts', 'human:kim', 'claude', ko), /claude이\(가\) 잠그고 있어 잠금이 유지됩니다/);
});
