// Issue 12, item 8 and the lock half of item 5, in one process: folder locks against the locks inside them
// whether or not the folder exists, release keys, and control characters in what lock records carry.
/* eslint-disable no-control-regex -- these tests look for control characters */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { LockError } from '../../../../src/core/errors';
import type { Core } from '../../../../src/core/createCore';
import { describeHolder } from '../../../../src/hot/locks/holders';
import { lockFileName } from '../../../../src/hot/locks/lockName';
import { ControlCharacterError, escapeControls, safeJson } from '../../../../src/hot/locks/printable';
import { lockRecordSchema } from '../../../../src/core/schemas/lock';
import { checkLockRecord } from '../../../../src/hot/locks/lockRecord';
import { makeWorkspace, testCore, writeLockFile } from '../../../fixtures/workspace';

describe('folder locks and the locks inside them', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  beforeEach(() => {
    ws = makeWorkspace();
    core = testCore(ws.root);
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });

  const cases: [string, string, string][] = [
    ['absent folder, file inside first', 'nx/sub/f.txt', 'nx'],
    ['absent folder first, file inside second', 'nx', 'nx/sub/f.txt'],
    ['absent folder, absent folder inside', 'nx/sub', 'nx'],
    ['existing folder, absent file inside', 'src/new/f.ts', 'src'],
    ['an existing file, then a path below it', 'README.md', 'README.md/x'],
    ['a long path inside (hashed lock file name)', `nx/${'d'.repeat(150)}/f.txt`, 'nx'],
  ];
  for (const [name, first, second] of cases) {
    test(`${name}: the second is refused`, () => {
      const a = core.locks.tryAcquire(first, { agent: 'claude' });
      assert.ok(a.ok);
      const b = core.locks.tryAcquire(second, { agent: 'gemini' });
      assert.equal(b.ok, false, `${second} while ${first} is held`);
      assert.equal(!b.ok && b.holders[0]?.kind === 'lock' && b.holders[0].record.path, first);
      assert.equal(
        fs.existsSync(path.join(ws.root, '.locks', lockFileName(second))),
        false,
        'the refused claim is gone',
      );
      a.handle.release();
      const c = core.locks.tryAcquire(second, { agent: 'gemini' });
      assert.ok(c.ok, 'free once released');
      c.handle.release();
    });
  }

  test('the same agent may hold a folder and paths inside it', () => {
    const a = core.locks.tryAcquire('nx/f.txt', { agent: 'claude' });
    const b = core.locks.tryAcquire('nx', { agent: 'claude' });
    assert.ok(a.ok && b.ok);
  });
});

describe('release keys', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  beforeEach(() => {
    ws = makeWorkspace();
    core = testCore(ws.root);
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });
  const file = (p: string) => path.join(ws.root, '.locks', lockFileName(p));

  test('a detached lock gets a key; the file has only its hash', async () => {
    const h = await core.locks.acquire('src/a.ts', { agent: 'claude', pid: null });
    assert.ok(h.key && h.key.length >= 32);
    const text = fs.readFileSync(file('src/a.ts'), 'utf8');
    assert.ok(!text.includes(h.key), 'the key is not in the lock file');
    assert.equal(JSON.parse(text).keyHash, createHash('sha256').update(h.key).digest('hex'));
    assert.notEqual(h.key, h.record.token);
    h.forget();
    // Neither the public generation token nor a wrong key releases it; its key does, whoever asks.
    assert.throws(
      () => core.locks.release('src/a.ts', { key: h.record.token }),
      (e) => LockError.is(e, 'notHolder'),
    );
    assert.throws(
      () => core.locks.release('src/a.ts', { key: h.key!.slice(0, -1) + (h.key!.endsWith('A') ? 'B' : 'A') }),
      (e) => LockError.is(e, 'notHolder'),
    );
    assert.throws(
      () => core.locks.release('src/a.ts', { agent: 'gemini' }),
      (e) => LockError.is(e, 'notHolder'),
    );
    assert.ok(fs.existsSync(file('src/a.ts')));
    assert.equal(core.locks.release('src/a.ts', { key: h.key }).agent, 'claude');
    assert.equal(fs.existsSync(file('src/a.ts')), false);
  });

  test('renewal by key; re-entry keeps the key and hands out none', async () => {
    const h = await core.locks.acquire('src/a.ts', { agent: 'claude', pid: null, ttlMs: 60_000 });
    h.forget();
    const again = core.locks.tryAcquire('src/a.ts', { agent: 'claude', pid: null });
    assert.ok(again.ok && again.reentered);
    assert.equal(again.handle.key, undefined);
    again.handle.forget();
    const r = core.locks.renew('src/a.ts', { key: h.key!, ttlMs: 120_000 });
    assert.equal(r.keyHash, h.record.keyHash);
    core.locks.release('src/a.ts', { key: h.key! });
  });

  test('a process-bound lock has no key', () => {
    const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(r.ok);
    assert.equal(r.handle.key, undefined);
    assert.equal(JSON.parse(fs.readFileSync(file('src/a.ts'), 'utf8')).keyHash, undefined);
    assert.throws(() => core.locks.release('src/a.ts', { key: 'anything-at-all' }), /no release token/);
    r.handle.release();
  });

  test('an older record without a key hash: released by its agent, never by a key', () => {
    writeLockFile(ws.root, 'src/a.ts', { agent: 'old-agent' });
    assert.throws(() => core.locks.release('src/a.ts', { key: 'x'.repeat(32) }), /no release token/);
    core.locks.release('src/a.ts', { agent: 'old-agent' });
    assert.equal(fs.existsSync(file('src/a.ts')), false);
  });
});

describe('control characters', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  beforeEach(() => {
    ws = makeWorkspace();
    core = testCore(ws.root);
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });

  const hostile = [
    '\u001b[2J\u001b[H',
    'a\nb',
    'tab\there',
    'del\u007f',
    'csi\u009b31m',
    'nul\u0000',
    'bell\u0007',
    'cr\r',
  ];

  test('refused in intents and paths at acquire, naming the field; nothing written', () => {
    for (const bad of hostile) {
      assert.throws(
        () => core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: `x ${bad}` }),
        (e) => ControlCharacterError.is(e) && e.field === 'intent' && /intent/.test(e.message),
      );
      if (bad.includes('\u0000')) continue; // a NUL in a path is refused earlier, as a path error
      assert.throws(
        () => core.locks.tryAcquire(`src/${bad}.ts`, { agent: 'claude' }),
        (e) => ControlCharacterError.is(e) && e.field === 'path',
      );
    }
    const dir = path.join(ws.root, '.locks');
    assert.deepEqual(fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.lock')) : [], []);
    // The message itself shows the value escaped.
    try {
      core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: '\u001b]0;pwned\u0007' });
    } catch (e) {
      assert.doesNotMatch((e as Error).message, /[\u0000-\u001f\u007f-\u009f]/);
      assert.match((e as Error).message, /\\e\]0;pwned\\x07/);
    }
    // Ordinary text, non-ASCII included, is fine.
    const ok = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'réécrire « auth » — 認証' });
    assert.ok(ok.ok);
  });

  test('a lock file written by hand with escape codes is displayed escaped', () => {
    writeLockFile(ws.root, 'src/a.ts', { host: 'evil\u001b[31mhost', pid: 123, intent: 'fine' });
    fs.writeFileSync(path.join(ws.root, '.locks', 'src%2F%1B[2J.lock'), JSON.stringify({ intent: 'x\u001b[2J' }));
    fs.mkdirSync(path.join(ws.root, 'mk'));
    fs.writeFileSync(path.join(ws.root, 'mk', '.agent_lock'), 'claude \u001b]0;title\u0007 \u009b31m\n');
    const all = core.locks.status({ markers: true });
    assert.equal(all.length, 3);
    for (const s of all) {
      const line = describeHolder(s.holder);
      assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]/, line);
    }
    assert.match(all.map((s) => describeHolder(s.holder)).join('\n'), /evil\\e\[31mhost/);
  });

  test('escapeControls and safeJson', () => {
    assert.equal(escapeControls('a\u001b[1mb\n\t\u007f\u0085\u202e'), 'a\\e[1mb\\n\\t\\x7f\\x85\\u202e');
    const v = { s: 'a\u001b\u007f\u009b\u202eb' };
    const j = safeJson(v);
    assert.doesNotMatch(j, /[\u0000-\u001f\u007f-\u009f\u202e]/);
    assert.deepEqual(JSON.parse(j), v);
  });
});

describe('the fast lock-record check agrees with the schema on the new rules', () => {
  const good = {
    version: 1,
    path: 'src/auth',
    agent: 'claude',
    pid: null,
    host: 'devbox',
    intent: 'refactoring auth',
    acquiredAt: '2026-01-01T10:00:00.000Z',
    expiresAt: '2026-01-01T10:05:00.000Z',
    token: '0f8fad5b-d9cb-469f-a165-70867728950e',
  };
  const viaSchema = (v: unknown) => {
    const r = lockRecordSchema.safeParse(v);
    return r.success ? JSON.stringify(r.data) : undefined;
  };
  const viaFast = (v: unknown) => {
    const r = checkLockRecord(v);
    return r ? JSON.stringify(r) : undefined;
  };

  test('every character up to U+00A0 and a few beyond, in path and intent', () => {
    const chars = [
      ...Array.from({ length: 0xa1 }, (_, i) => String.fromCharCode(i)),
      '\u2028',
      '\u202e',
      'é',
      '\ufeff',
    ];
    let refused = 0;
    for (const c of chars) {
      for (const v of [
        { ...good, path: `src/${c}x` },
        { ...good, intent: `do ${c} it` },
      ]) {
        const fast = viaFast(v);
        const slow = viaSchema(v);
        // The fast path never accepts what the schema rejects, and gives the schema's output when it accepts.
        if (fast !== undefined) assert.equal(fast, slow, JSON.stringify(v));
        const control = /[\u0000-\u001f\u007f-\u009f]/.test(c);
        assert.equal(slow === undefined, control, `schema on ${JSON.stringify(c)}`);
        assert.equal(fast === undefined, control, `fast check on ${JSON.stringify(c)}`);
        if (control) refused++;
      }
    }
    assert.equal(refused, 2 * (32 + 1 + 32));
  });

  test('keyHash: a SHA-256 in hex, or absent', () => {
    const h = 'a'.repeat(64);
    assert.equal(viaFast({ ...good, keyHash: h }), viaSchema({ ...good, keyHash: h }));
    assert.match(viaFast({ ...good, keyHash: h }) ?? '', /"keyHash":"a{64}"/);
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), 42, null, '']) {
      assert.equal(viaFast({ ...good, keyHash: bad }), undefined, String(bad));
      assert.equal(viaSchema({ ...good, keyHash: bad }), undefined, String(bad));
    }
  });
});
