// The dashboard's header says where locks live, and says it loudly when the lock server is down.
import * as assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { dashboardStateSchema, lockBackendViewSchema } from '../../../src/shared/protocol';
import { setLocale } from '../../../webview-ui/src/l10n';
import { lockBackendNotice } from '../../../webview-ui/src/lockNotice';

const WHERE = 'redis://locks.example:6379/0';
const MESSAGE = `cannot reach the lock server ${WHERE} (connect ECONNREFUSED). Nothing was locked.`;

afterEach(() => setLocale(undefined));

test('the file backend and a backend not known yet show nothing', () => {
  assert.equal(lockBackendNotice(undefined), undefined);
  assert.equal(lockBackendNotice({ kind: 'file', where: '.locks/', ok: true }), undefined);
});

test('a server that answers is one quiet line naming it', () => {
  assert.deepEqual(lockBackendNotice({ kind: 'redis', where: WHERE, ok: true }), {
    tone: 'ok',
    title: `Locks live on ${WHERE}`,
  });
});

test('a server that is down is an alert naming it, with the host’s message of what to check', () => {
  const n = lockBackendNotice({ kind: 'redis', where: WHERE, ok: false, message: MESSAGE });
  assert.equal(n?.tone, 'down');
  assert.equal(n?.title, `Lock server down: ${WHERE}. Writes by agents are denied until it answers.`);
  assert.equal(n?.detail, MESSAGE);
  // Down with no message (a backend value that could not be used at all) still says so.
  assert.deepEqual(lockBackendNotice({ kind: 'redis', where: 'locks.backend', ok: false }), {
    tone: 'down',
    title: 'Lock server down: locks.backend. Writes by agents are denied until it answers.',
  });
});

test('in Korean', () => {
  setLocale('ko');
  assert.equal(
    lockBackendNotice({ kind: 'redis', where: WHERE, ok: false, message: MESSAGE })?.title,
    `잠금 서버 응답 없음: ${WHERE}. 응답할 때까지 에이전트의 쓰기는 거부됩니다.`,
  );
  assert.equal(lockBackendNotice({ kind: 'redis', where: WHERE, ok: true })?.title, `잠금 위치: ${WHERE}`);
});

test('the protocol carries the state and refuses a malformed one', () => {
  assert.ok(lockBackendViewSchema.safeParse({ kind: 'redis', where: WHERE, ok: false, message: MESSAGE }).success);
  assert.ok(!lockBackendViewSchema.safeParse({ kind: 'etcd', where: WHERE, ok: true }).success);
  assert.ok(!lockBackendViewSchema.safeParse({ kind: 'redis', where: WHERE, ok: 'no' }).success);
  assert.ok(dashboardStateSchema.shape.lockBackend.safeParse(undefined).success);
});
