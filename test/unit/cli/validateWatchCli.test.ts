import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI, fmes } from '../../fixtures/cli';
import { makeWorkspace, writeLockFile, writeIn } from '../../fixtures/workspace';

const REPORT = {
  agent: 'claude',
  taskId: 'T-1',
  status: 'success',
  summary: 'done',
  startedAt: '2026-11-22T10:00:00.000Z',
  finishedAt: '2026-11-22T10:05:00.000Z',
};

describe('fmes validate', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());
  const write = (rel: string, text: string) => writeIn(ws.root, rel, text);

  test('exit 0 for valid files, naming their kind', () => {
    const f = write('.claude/outbox/report.json', JSON.stringify(REPORT));
    const r = fmes(['validate', f]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /valid report/);
  });

  test('exit 1 naming the file and the field, never a stack trace', () => {
    const f = write('.claude/outbox/bad.json', JSON.stringify({ ...REPORT, tests: { run: 1, passed: 3, failed: 0 } }));
    const g = write('.antigravity/plans/active_plan.md', '---\nid: T-1\ntitle: x\nfiles: []\nrollback: r\n---\nbody\n');
    const r = fmes(['validate', f, g]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.json: tests\.passed: /);
    assert.match(r.stderr, /active_plan\.md: files: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('truncated JSON and unknown kinds are problems, not crashes', () => {
    const f = write('.claude/outbox/cut.json', '{"agent": "cla');
    const u = write('notes.txt', 'hello');
    const r = fmes(['validate', f, u]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cut\.json/);
    assert.match(r.stderr, /notes\.txt/);
  });

  test('--all checks every artifact on the bus; --json is machine-readable', () => {
    write('.claude/outbox/ok.json', JSON.stringify(REPORT));
    write(
      '.claude/cost_logs/2026-11-22.jsonl',
      '{"ts":"2026-11-22T10:00:00.000Z","agent":"claude","sessionId":"s","costUsd":-1}\n',
    );
    writeLockFile(ws.root, 'src/a.ts');
    const r = fmes(['--workspace', ws.root, 'validate', '--all', '--json']);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout) as { file: string; ok: boolean; issues?: { field: string }[] }[];
    assert.equal(out.length, 3);
    const bad = out.filter((x) => !x.ok);
    assert.equal(bad.length, 1);
    assert.equal(bad[0].issues![0].field, 'line 1: costUsd');
  });

  test('nothing to check is a usage error', () => {
    assert.equal(fmes(['validate']).status, 2);
  });
});

describe('fmes watch', () => {
  test('--json prints one event per line, starting with what is already there', async () => {
    const ws = makeWorkspace();
    try {
      writeLockFile(ws.root, 'src/a.ts', { agent: 'gemini' });
      const child = spawn(process.execPath, [CLI, '--workspace', ws.root, 'watch', '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const events: { type: string; path?: string; initial?: boolean }[] = [];
      let buf = '';
      const seen = (type: string, p?: string) =>
        new Promise<void>((resolve) => {
          const check = () => events.some((e) => e.type === type && (p === undefined || e.path === p)) && resolve();
          child.stdout.on('data', check);
          check();
        });
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)) as { type: string });
          buf = buf.slice(i + 1);
        }
      });
      await seen('ready');
      const first = events.find((e) => e.type === 'lock.acquired');
      assert.equal(first?.path, 'src/a.ts');
      assert.equal(first?.initial, true);
      assert.equal(fmes(['--workspace', ws.root, 'lock', 'acquire', 'README.md', '--agent', 'claude']).status, 0);
      await seen('lock.acquired', 'README.md');
      assert.equal(fmes(['--workspace', ws.root, 'lock', 'release', 'README.md', '--agent', 'claude']).status, 0);
      await seen('lock.released', 'README.md');
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      assert.equal(code, 0, 'Ctrl-C ends it cleanly');
    } finally {
      ws.cleanup();
    }
  });
});
