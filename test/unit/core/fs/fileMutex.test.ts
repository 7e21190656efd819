// The file mutex around read-modify-write stores (src/core/fs/fileMutex.ts), with real processes: no update is
// lost, a dead or stale holder is broken, a live one makes the caller wait and then refuse; and the confirmation
// store built on it keeps every decision and never overwrites a damaged store.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { FileMutexError, withFileMutexSync } from '../../../../src/core/fs/fileMutex';
import { confirmRepoConfig, loadConfigFile } from '../../../../src/core/configFile';
import { ConfirmationError } from '../../../../src/core/safety/repoConfirmation';
import { hostName, processStartId } from '../../../../src/hot/locks/liveness';

const WORKER = path.resolve(__dirname, '../../../fixtures/mutexWorker.ts');
const made: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-mutex-'));
  made.push(d);
  return d;
}
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function worker(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

/** A pid that is not running: a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function repo(base: string, i: number): string {
  const root = path.join(base, `repo-${i}`);
  fs.mkdirSync(path.join(root, '.fmes'), { recursive: true });
  fs.writeFileSync(path.join(root, '.fmes', 'config.json'), JSON.stringify({ safety: { hooks: false } }));
  return root;
}

describe('withFileMutexSync', () => {
  it(
    '6 processes × 150 read-modify-writes of one file lose no update, all racing to break a dead holder first',
    { timeout: 120_000 },
    async () => {
      const file = path.join(tmp(), 'counter');
      fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid(), start: null, host: hostName() }));
      await Promise.all(Array.from({ length: 6 }, () => worker(['count', file, '150'])));
      assert.equal(fs.readFileSync(file, 'utf8'), '900');
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['counter'], 'no lock and nothing set aside is left');
    },
  );

  it('a holder whose process died is broken at once; its lock file is removed', () => {
    const file = path.join(tmp(), 'store');
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid(), start: null, host: hostName() }));
    assert.equal(
      withFileMutexSync(file, () => 'ran', { waitMs: 0 }),
      'ran',
    );
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [], 'no lock and nothing set aside is left');
  });

  it('a live holder makes the caller wait, then refuse naming it; the holder keeps its lock', () => {
    const file = path.join(tmp(), 'store');
    const mine = JSON.stringify({ pid: process.pid, start: processStartId(process.pid) ?? null, host: hostName() });
    fs.writeFileSync(`${file}.lock`, mine);
    let ran = false;
    const t0 = Date.now();
    assert.throws(
      () => withFileMutexSync(file, () => (ran = true), { waitMs: 150 }),
      (e) => FileMutexError.is(e) && e.file === file && e.holder === `process ${process.pid} on ${hostName()}`,
    );
    assert.ok(Date.now() - t0 >= 150, 'it waited');
    assert.equal(ran, false);
    assert.equal(fs.readFileSync(`${file}.lock`, 'utf8'), mine);
  });

  it('a holder on another host, or a hung one, is broken once older than staleMs only', () => {
    const file = path.join(tmp(), 'store');
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, start: null, host: 'another-host' }));
    assert.throws(() => withFileMutexSync(file, () => 0, { waitMs: 20 }), FileMutexError);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${file}.lock`, old, old);
    assert.equal(
      withFileMutexSync(file, () => 1, { waitMs: 0 }),
      1,
    );
  });

  it('an empty lock file (a holder between create and write) gets 2 s, then is broken', () => {
    const file = path.join(tmp(), 'store');
    fs.writeFileSync(`${file}.lock`, '');
    assert.throws(
      () => withFileMutexSync(file, () => 0, { waitMs: 20 }),
      (e) => FileMutexError.is(e) && /unreadable/.test(e.holder),
    );
    const old = new Date(Date.now() - 3000);
    fs.utimesSync(`${file}.lock`, old, old);
    assert.equal(
      withFileMutexSync(file, () => 2, { waitMs: 0 }),
      2,
    );
  });

  it('the lock is released when the critical section throws', () => {
    const file = path.join(tmp(), 'store');
    assert.throws(() =>
      withFileMutexSync(file, () => {
        throw new Error('boom');
      }),
    );
    assert.ok(!fs.existsSync(`${file}.lock`));
  });

  it('a lock path that cannot be created is an error, not a wait', () => {
    const file = path.join(tmp(), 'missing-folder', 'store');
    assert.throws(
      () => withFileMutexSync(file, () => 0, { waitMs: 10_000 }),
      (e) => (e as NodeJS.ErrnoException).code === 'ENOENT',
    );
  });
});

describe('the confirmation store under the mutex', () => {
  it(
    '4 processes confirming 40 repositories into one store at once: every decision is kept',
    { timeout: 120_000 },
    async () => {
      const base = tmp();
      const store = path.join(base, 'state', 'confirmations.json');
      const roots = Array.from({ length: 40 }, (_, i) => repo(base, i));
      await Promise.all([0, 1, 2, 3].map((w) => worker(['confirm', store, ...roots.filter((_, i) => i % 4 === w)])));
      for (const root of roots)
        assert.equal(loadConfigFile(root, { store, env: {} }).config.safety.hooks, false, `${root} stays confirmed`);
    },
  );

  it('a busy store refuses with storeBusy and records nothing', () => {
    const base = tmp();
    const store = path.join(base, 'confirmations.json');
    const root = repo(base, 0);
    fs.writeFileSync(
      `${store}.lock`,
      JSON.stringify({ pid: process.pid, start: processStartId(process.pid) ?? null, host: hostName() }),
    );
    // The default wait is 5 s; the refusal comes after it.
    assert.throws(
      () => confirmRepoConfig(root, { store, env: {} }),
      (e) =>
        ConfirmationError.is(e, 'storeBusy') && e.message.includes(store) && /nothing was recorded/.test(e.message),
    );
    assert.ok(!fs.existsSync(store));
  });

  it('a store others could write is set aside: its forged entries are not carried into the new one', () => {
    const base = tmp();
    const store = path.join(base, 'confirmations.json');
    const forged = {
      version: 1,
      workspaces: { '/elsewhere': { 'safety.hooks': { hash: 'x', decision: 'confirmed' } } },
    };
    fs.writeFileSync(store, JSON.stringify(forged));
    fs.chmodSync(store, 0o666);
    const root = repo(base, 0);
    confirmRepoConfig(root, { store, env: {} });
    const now = JSON.parse(fs.readFileSync(store, 'utf8')) as { workspaces: Record<string, unknown> };
    assert.deepEqual(Object.keys(now.workspaces), [fs.realpathSync(root)], 'only the decision just made');
    assert.equal(fs.statSync(store).mode & 0o777, 0o600);
    const aside = fs.readdirSync(base).filter((n) => n.startsWith('confirmations.json.unusable-'));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(base, aside[0]), 'utf8')), forged, 'kept aside as it was');
  });

  it('a lock file that is a symlink is never written through: the file it names stays as it was', () => {
    const base = tmp();
    const store = path.join(base, 'confirmations.json');
    const victim = path.join(base, 'victim.txt');
    fs.writeFileSync(victim, 'do not touch');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(victim, old, old);
    fs.symlinkSync(victim, `${store}.lock`);
    const root = repo(base, 0);
    confirmRepoConfig(root, { store, env: {} });
    assert.equal(loadConfigFile(root, { store, env: {} }).config.safety.hooks, false, 'the confirmation landed');
    assert.equal(fs.readFileSync(victim, 'utf8'), 'do not touch');
    assert.ok(!fs.existsSync(`${store}.lock`), 'the link is gone; its target is not');
  });

  it('a damaged store is set aside with its bytes, not overwritten', () => {
    const base = tmp();
    const store = path.join(base, 'confirmations.json');
    fs.writeFileSync(store, '{"version":1,"workspaces":{"/x": ', { mode: 0o600 });
    const root = repo(base, 0);
    confirmRepoConfig(root, { store, env: {} });
    assert.equal(loadConfigFile(root, { store, env: {} }).config.safety.hooks, false);
    const aside = fs.readdirSync(base).filter((n) => n.startsWith('confirmations.json.unusable-'));
    assert.equal(aside.length, 1);
    assert.equal(fs.readFileSync(path.join(base, aside[0]), 'utf8'), '{"version":1,"workspaces":{"/x": ');
  });
});
