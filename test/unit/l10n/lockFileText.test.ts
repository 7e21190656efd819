// Lock-file problems found on the fast path (an empty or non-JSON lock file) in Korean through the hot table
// (src/hot/hotText.ts), English under C, and never in --json (a machine field). Real runs of dist/fmes.cjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeWorkspace } from '../../fixtures/workspace';
import { parseLockText } from '../../../src/hot/locks/lockFile';
import { issueText } from '../../../src/hot/hotText';

const BIN = path.resolve(__dirname, '../../../dist/fmes.cjs');
const KO = { LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
const C = { LANG: 'ko_KR.UTF-8', LC_ALL: 'C' };
const HANGUL = /[\uac00-\ud7a3]/;

test('an empty and a non-JSON lock file: lock status and lock run in Korean; English under C; --json English', () => {
  const ws = makeWorkspace();
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: ws.root,
      encoding: 'utf8',
      env: { ...process.env, FMES_AGENT: '', FMES_BROKER: '', FMES_RUN_TOKEN: '', ...env },
    });
  try {
    fs.mkdirSync(path.join(ws.root, '.locks'));
    fs.writeFileSync(path.join(ws.root, '.locks/a.txt.lock'), '');
    fs.writeFileSync(path.join(ws.root, '.locks/b.txt.lock'), '{"x":');
    const k = run(['lock', 'status'], KO);
    assert.equal(k.status, 0, k.stderr);
    assert.match(k.stdout, /^a\.txt: 잘못된 잠금 파일 .*a\.txt\.lock \(파일이 비어 있음\)/m);
    assert.match(k.stdout, /^b\.txt: 잘못된 잠금 파일 .*b\.txt\.lock \(JSON이 아님 \(.+\)\)$/m);
    const e = run(['lock', 'status'], C);
    assert.match(e.stdout, /^a\.txt: invalid lock file .*a\.txt\.lock \(the file is empty\)/m);
    assert.match(e.stdout, /^b\.txt: invalid lock file .*b\.txt\.lock \(not JSON \(.+\)\)$/m);
    assert.doesNotMatch(e.stdout, HANGUL);
    const j = run(['lock', 'status', '--json'], KO);
    assert.doesNotMatch(j.stdout, HANGUL);
    assert.match(j.stdout, /"message":"the file is empty"/);

    const r = run(['lock', 'run', 'b.txt', '--agent', 'me', '--', process.execPath, '-e', '0'], KO);
    assert.equal(r.status, 75, r.stderr);
    assert.match(r.stderr, /^fmes: b\.txt은\(는\) 잠겨 있습니다:\n {2}b\.txt: 잘못된 잠금 파일 .*\(JSON이 아님 /m);
    const rc = run(['lock', 'run', 'b.txt', '--agent', 'me', '--', process.execPath, '-e', '0'], C);
    assert.equal(rc.status, 75);
    assert.match(rc.stderr, /^fmes: b\.txt is held:\n {2}b\.txt: invalid lock file .*\(not JSON /m);
  } finally {
    ws.cleanup();
  }
});

test('a hot issue keeps its English message for machines; its Korean is not copied into JSON', () => {
  const p = parseLockText('{"version":1,"version":1}');
  assert.equal(p.ok, false);
  if (p.ok) return;
  assert.deepEqual(JSON.parse(JSON.stringify(p.issues)), [{ field: 'version', message: 'appears more than once' }]);
  assert.equal(issueText(p.issues[0], 'ko'), 'version: 두 번 이상 나옴');
  assert.equal(issueText(p.issues[0], 'en'), 'version: appears more than once');
  assert.equal(issueText({ field: '', message: 'plain' }, 'ko'), 'plain', 'an issue without a key stays as it is');
});
