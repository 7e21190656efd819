// Prepared lock files (src/hot/locks/spares.ts): locks bound to this process are linked into place from a
// spare that is rewritten in place; these tests hold the pool to what its correctness argument relies on.
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import type { Core } from '../../../../src/core/createCore';
import { LockError } from '../../../../src/core/errors';
import { parseLockText } from '../../../../src/hot/locks/lockFile';
import { hostName, processStartId } from '../../../../src/hot/locks/liveness';
import { lockFileName } from '../../../../src/hot/locks/lockName';
import { LockView } from '../../../../src/hot/locks/lockView';
import { SPARE_DIR, SparePool } from '../../../../src/hot/locks/spares';
import { judgeLock, needsGuard } from '../../../../src/hot/locks/staleness';
import type { LockRecord } from '../../../../src/core/schemas/lock';
import { CLI, fmes } from '../../../fixtures/cli';
import { makeWorkspace, ManualClock, testCore } from '../../../fixtures/workspace';

describe('prepared lock files (spares)', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let core: Core;
  beforeEach(() => {
    ws = makeWorkspace();
    core = testCore(ws.root, new ManualClock(Date.now()));
  });
  afterEach(() => {
    core.dispose();
    ws.cleanup();
  });
  const lockFile = (p: string) => path.join(ws.root, '.locks', lockFileName(p));
  const spareDir = () => path.join(ws.root, '.locks', SPARE_DIR);
  const spares = () => (fs.existsSync(spareDir()) ? fs.readdirSync(spareDir()) : []);

  test('a lock of this process is linked from a spare, complete, and its inode is reused after release', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'a long intent, longer than the next one' });
    assert.ok(a.ok);
    const held = fs.statSync(lockFile('src/a.ts'));
    assert.equal(held.nlink, 2, 'the lock path and the spare name');
    assert.equal(spares().length, 1);
    const spareIno = fs.statSync(path.join(spareDir(), spares()[0])).ino;
    assert.equal(held.ino, spareIno);
    a.handle.release();
    assert.ok(!fs.existsSync(lockFile('src/a.ts')));

    const b = core.locks.tryAcquire('README.md', { agent: 'gemini', intent: 'short' });
    assert.ok(b.ok);
    const again = fs.statSync(lockFile('README.md'));
    assert.equal(again.ino, spareIno, 'the same spare, rewritten');
    const text = fs.readFileSync(lockFile('README.md'), 'utf8');
    assert.match(text, / +$/, 'padded over the longer record before it');
    const parsed = parseLockText(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.record, b.handle.record);
    assert.equal(spares().length, 1);
    b.handle.release();
  });

  test('every record starts with the identity fields, the same bytes for every lock of this process', () => {
    const prefix = SparePool.prefixOf({
      version: 1,
      pid: process.pid,
      pidStart: processStartId(process.pid) ?? null,
      host: hostName(),
    });
    for (const [p, agent] of [
      ['src/a.ts', 'claude'],
      ['src/auth', 'codex'],
    ] as const) {
      const r = core.locks.tryAcquire(p, { agent, intent: 'x' });
      assert.ok(r.ok);
      assert.ok(fs.readFileSync(lockFile(p), 'utf8').startsWith(prefix));
      r.handle.release();
    }
  });

  test('detached locks and records with a quote or backslash are created with O_EXCL, not from a spare', () => {
    const detached = core.locks.tryAcquire('src/a.ts', { agent: 'claude', pid: null });
    assert.ok(detached.ok);
    assert.equal(fs.statSync(lockFile('src/a.ts')).nlink, 1);
    detached.handle.release();
    for (const intent of ['fix the "auth" bug', 'C:\\path']) {
      const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent });
      assert.ok(r.ok);
      assert.equal(fs.statSync(lockFile('src/a.ts')).nlink, 1, intent);
      assert.equal(JSON.parse(fs.readFileSync(lockFile('src/a.ts'), 'utf8')).intent, intent);
      r.handle.release();
      assert.ok(!fs.existsSync(lockFile('src/a.ts')));
    }
  });

  test('a force-broken lock keeps its archived record: the spare is retired, never rewritten', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'stuck' });
    assert.ok(a.ok);
    const rec = core.locks.forceBreak('src/a.ts', { by: 'human:ana', reason: 'hung' });
    const archived = fs.readFileSync(rec.archivedAs, 'utf8');
    assert.throws(
      () => a.handle.release(),
      (e) => LockError.is(e, 'notHolder'),
    );
    for (let i = 0; i < 3; i++) {
      const r = core.locks.tryAcquire('src/a.ts', { agent: 'gemini', intent: `cycle ${i}` });
      assert.ok(r.ok);
      r.handle.release();
    }
    assert.equal(fs.readFileSync(rec.archivedAs, 'utf8'), archived);
    assert.equal(fs.statSync(rec.archivedAs).nlink, 1, 'no spare name shares the archive');
  });

  test('a spare still linked when the pool looks again is not reused (a breaker raced the release)', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'first' });
    assert.ok(a.ok);
    // What a force-break between the release's check and its unlink leaves: another name on the inode.
    const extra = path.join(ws.root, '.locks', 'extra-name');
    fs.linkSync(lockFile('src/a.ts'), extra);
    a.handle.release();
    const b = core.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'second' });
    assert.ok(b.ok);
    assert.notEqual(fs.statSync(lockFile('src/a.ts')).ino, fs.statSync(extra).ino);
    assert.equal(JSON.parse(fs.readFileSync(extra, 'utf8')).intent, 'first');
    b.handle.release();
  });

  test('spare names removed from under the pool: acquisitions go on', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(a.ok);
    fs.rmSync(spareDir(), { recursive: true });
    a.handle.release();
    for (let i = 0; i < 2; i++) {
      const r = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
      assert.ok(r.ok);
      assert.ok(parseLockText(fs.readFileSync(lockFile('src/a.ts'), 'utf8')).ok);
      r.handle.release();
    }
    assert.equal(spares().length, 1);
  });

  test('forget keeps the lock file and takes the spare out of use; renew moves the lock off its spare', () => {
    const kept = core.locks.tryAcquire('src/a.ts', { agent: 'mcp', intent: 'kept' });
    assert.ok(kept.ok);
    kept.handle.forget();
    const renewed = core.locks.tryAcquire('README.md', { agent: 'claude', intent: 'renewed' });
    assert.ok(renewed.ok);
    renewed.handle.renew(60_000);
    const other = core.locks.tryAcquire('src/auth/x.ts', { agent: 'codex', intent: 'other' });
    assert.ok(other.ok);
    assert.equal(JSON.parse(fs.readFileSync(lockFile('src/a.ts'), 'utf8')).intent, 'kept');
    assert.equal(fs.statSync(lockFile('src/a.ts')).nlink, 1);
    assert.equal(JSON.parse(fs.readFileSync(lockFile('README.md'), 'utf8')).intent, 'renewed');
    renewed.handle.release();
    other.handle.release();
    core.locks.release('src/a.ts', { agent: 'mcp' });
    assert.deepEqual(
      fs.readdirSync(path.join(ws.root, '.locks')).filter((n) => n.endsWith('.lock')),
      [],
    );
  });

  test('seen from another host: a lock past its TTL is live while its file is fresh, stale once it is not', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(a.ok);
    const inAnHour = new ManualClock(Date.now() + 3_600_000);
    const elsewhere = new LockView(core.paths, core.locks.reader, {
      host: 'another-host',
      clock: inAnHour,
      invalidGraceMs: 5_000,
    });
    const judged = () => elsewhere.status().map((s) => s.staleness);
    assert.deepEqual(judged(), [{ stale: false }], 'written just now: perhaps mid-rewrite');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile('src/a.ts'), old, old);
    assert.deepEqual(judged(), [{ stale: true, reason: 'expired' }]);
    a.handle.release();
  });

  test('dispose removes the spare names; a handle still held then releases by its token', () => {
    const a = core.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(a.ok);
    core.locks.dispose();
    assert.deepEqual(spares(), []);
    assert.equal(fs.statSync(lockFile('src/a.ts')).nlink, 1);
    a.handle.release();
    assert.ok(!fs.existsSync(lockFile('src/a.ts')));
  });
});

describe('spares across processes', () => {
  test(
    'a CLI that exits leaves no spare; one killed with SIGKILL is swept, and its lock recovered',
    { timeout: 60_000 },
    async () => {
      const ws = makeWorkspace();
      try {
        const ok = fmes(['--workspace', ws.root, 'lock', 'run', 'src/a.ts', '--agent', 'w', '--', 'true']);
        assert.equal(ok.status, 0, ok.stderr);
        const spareDir = path.join(ws.root, '.locks', SPARE_DIR);
        assert.deepEqual(fs.readdirSync(spareDir), []);

        const holder = spawn(
          process.execPath,
          [CLI, '--workspace', ws.root, 'lock', 'run', 'src/a.ts', '--agent', 'doomed', '--', 'sleep', '60'],
          { detached: true, stdio: 'ignore' },
        );
        const lock = path.join(ws.root, '.locks', lockFileName('src/a.ts'));
        while (!fs.existsSync(lock)) await new Promise((r) => setTimeout(r, 20));
        const left = fs.readdirSync(spareDir);
        assert.equal(left.length, 1);
        process.kill(-holder.pid!, 'SIGKILL');
        await new Promise((r) => holder.once('exit', r));
        assert.deepEqual(fs.readdirSync(spareDir), left, 'a killed process cannot clean up');

        const core = testCore(ws.root);
        try {
          const h = await core.locks.acquire('src/a.ts', { agent: 'next', waitMs: 5_000 });
          assert.equal(h.record.agent, 'next');
          const names = fs.readdirSync(spareDir);
          assert.ok(!names.includes(left[0]), 'the dead process spare was swept');
          const archived = fs
            .readdirSync(path.join(ws.root, '.locks', '.broken'))
            .filter((n) => n.startsWith(lockFileName('src/a.ts')));
          assert.equal(archived.length, 1);
          assert.equal(
            JSON.parse(fs.readFileSync(path.join(ws.root, '.locks', '.broken', archived[0]), 'utf8')).agent,
            'doomed',
          );
          h.release();
        } finally {
          core.dispose();
        }
      } finally {
        ws.cleanup();
      }
    },
  );
});

describe('reads that overlap a rewrite', () => {
  const host = 'devbox.example';
  const owner = { version: 1, pid: 4242, pidStart: 'boot:777', host };
  const prefix = SparePool.prefixOf(owner);
  const safeText = (max: number) =>
    fc.stringMatching(/^[a-z0-9 ,:{}[\]pidhostvrn\u00e9\u4e2d-]*$/).filter((s) => s.length <= max);
  const record = fc.record({
    path: safeText(40).map((s) => 'src/' + s.replace(/[ ,:{}[\]]/g, 'x')),
    agent: fc.constantFrom('claude', 'gemini', 'codex', 'human:ana'),
    intent: safeText(80),
    at: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
    token: fc.uuid(),
  });
  const text = (r: { path: string; agent: string; intent: string; at: number; token: string }) => {
    const rec = {
      ...owner,
      path: r.path,
      agent: r.agent,
      intent: r.intent,
      acquiredAt: new Date(r.at).toISOString(),
      expiresAt: new Date(r.at + 300_000).toISOString(),
      token: r.token,
    };
    const json = JSON.stringify(rec);
    assert.ok(json.startsWith(prefix) && !json.includes('\\'));
    return Buffer.from(json);
  };

  test('any mix of two records of one process parses as nothing, or as that process', () => {
    // A read racing a write sees, in each stretch of bytes, the file before or after it: a few splice points.
    const splices = fc.tuple(fc.boolean(), fc.uniqueArray(fc.nat({ max: 400 }), { minLength: 1, maxLength: 4 }));
    let mixesThatParse = 0;
    fc.assert(
      fc.property(record, record, splices, (ra, rb, [startBefore, cuts]) => {
        const a = text(ra);
        const b = text(rb);
        // The file before and after the rewrite: each padded to the longer with spaces, as the pool writes.
        const size = Math.max(a.length, b.length);
        const before = Buffer.concat([a, Buffer.alloc(size - a.length, ' ')]);
        const after = Buffer.concat([b, Buffer.alloc(size - b.length, ' ')]);
        const sorted = [...cuts].sort((x, y) => x - y);
        const mixed = Buffer.alloc(size);
        for (let i = 0; i < size; i++) {
          const fromBefore = sorted.filter((c) => c <= i).length % 2 === 0 ? startBefore : !startBefore;
          mixed[i] = (fromBefore ? before : after)[i]!;
        }
        const parsed = parseLockText(mixed.toString('utf8'));
        if (!parsed.ok) return;
        if (!mixed.equals(before) && !mixed.equals(after)) mixesThatParse++;
        assert.equal(parsed.record.version, owner.version);
        assert.equal(parsed.record.pid, owner.pid);
        assert.equal(parsed.record.pidStart, owner.pidStart);
        assert.equal(parsed.record.host, owner.host);
      }),
      { numRuns: 4000 },
    );
    assert.ok(mixesThatParse > 100, `only ${mixesThatParse} true mixes parsed: the property checked too little`);
  });

  test('a text naming an identity field twice is invalid, naming the field', () => {
    const r = parseLockText(
      '{"version":1,"pid":1,"pidStart":null,"host":"h","path":"a","agent":"claude","intent":"","acquiredAt":"2026-01-01T00:00:00Z","expiresAt":"2026-01-01T00:05:00Z","token":"abcdefgh","pid" :2}',
    );
    assert.ok(!r.ok);
    assert.equal(r.issues[0]?.field, 'pid');
  });

  const expired: LockRecord = {
    version: 1,
    pid: 4242,
    pidStart: 'boot:777',
    host: 'another-host',
    path: 'src/a.ts',
    agent: 'claude',
    intent: '',
    acquiredAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:05:00.000Z',
    token: 'abcdefgh-1234',
  };
  const later = Date.parse('2026-01-01T01:00:00.000Z');

  test('another host: an expired record in a file written just before it was read is live; an old one is stale', () => {
    assert.deepEqual(judgeLock(expired, later, 'this-host', { readAtMs: later, mtimeMs: later - 3 }), { stale: false });
    assert.deepEqual(judgeLock(expired, later, 'this-host', { readAtMs: later, mtimeMs: later - 60_000 + 0.5 }), {
      stale: true,
      reason: 'expired',
    });
    // Whole-second mtimes (a coarse file system) get the coarse margin.
    assert.deepEqual(judgeLock(expired, later, 'this-host', { readAtMs: later, mtimeMs: later - 2_000 }), {
      stale: false,
    });
    assert.deepEqual(judgeLock(expired, later, 'this-host'), { stale: true, reason: 'expired' });
    // A lock with no pid is never rewritten in place: its TTL alone decides.
    assert.deepEqual(judgeLock({ ...expired, pid: null }, later, 'this-host', { readAtMs: later, mtimeMs: later }), {
      stale: true,
      reason: 'expired',
    });
  });

  test('a lock of this very process near its expiry is released under the guard (another host may judge it)', () => {
    const mine = { ...expired, pid: process.pid, host: 'this-host', expiresAt: new Date(later + 1_000).toISOString() };
    assert.equal(needsGuard(mine, later, 'this-host', 2_000), true);
    assert.equal(needsGuard(mine, later - 60_000, 'this-host', 2_000), false);
    assert.equal(needsGuard({ ...mine, pid: process.pid + 1 }, later - 60_000, 'this-host', 2_000), true);
  });
});
