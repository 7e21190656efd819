// What the CLI refuses to an agent inside an F-MES run, even when it hides the run (`env -u FMES_RUN_ID`) or
// forges another identity; release keys; control characters refused at write and escaped at display.
// Uses dist/cli.mjs (`npm run build`).
/* eslint-disable no-control-regex -- these tests look for control characters */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApprovalStore } from '../../../src/core/safety/approvals';
import { CLI, fmes } from '../../fixtures/cli';
import { inRun } from '../../fixtures/inRun';
import { makeWorkspace, writeLockFile } from '../../fixtures/workspace';

const NOPERM = 77;
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/; // tab and newline are the output's own

describe('inside an agent run', { skip: process.platform !== 'linux' && 'the run is found through /proc' }, () => {
  let ws: ReturnType<typeof makeWorkspace>;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());
  const cli = (...args: string[]) => [process.execPath, CLI, '--workspace', ws.root, ...args];
  const lockFile = (p: string) => path.join(ws.root, '.locks', `${p.replace(/\//g, '%2F')}.lock`);

  function pending(): string {
    return new ApprovalStore(ws.root).request({
      agent: 'claude',
      tool: 'Bash',
      summary: 'git reset --hard',
      reason: 'destroys work',
      toolInput: { command: 'git reset --hard' },
    }).id;
  }

  test('fmes approve and fmes reject refuse, whatever the flags; the request stays pending', () => {
    const id = pending();
    for (const args of [
      ['approve', id],
      ['approve', id, '--by', 'human:ana'],
      ['reject', id, '--by', 'human:ana', '--note', 'no'],
    ]) {
      for (const forged of [{}, { FMES_AGENT: 'human:ana' }] as Record<string, string>[]) {
        const r = inRun(cli(...args), { forged });
        assert.equal(r.status, NOPERM, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /refused: .*decided by a person/);
      }
    }
    assert.equal(new ApprovalStore(ws.root).get(id)?.status, 'pending');
    // Outside the run a person decides.
    const ok = fmes(['--workspace', ws.root, 'approve', id, '--by', 'human:ana']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(new ApprovalStore(ws.root).get(id)?.status, 'approved');
  });

  test('fmes lock break refuses; the lock stays', () => {
    assert.equal(fmes(['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini']).status, 0);
    const r = inRun(cli('lock', 'break', 'src/a.ts', '--reason', 'mine now', '--by', 'human:ana'));
    assert.equal(r.status, NOPERM, r.stderr);
    assert.match(r.stderr, /a person's decision/);
    assert.ok(fs.existsSync(lockFile('src/a.ts')));
  });

  test("releasing or renewing another agent's lock by name refuses, however the name is given", () => {
    assert.equal(fmes(['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini']).status, 0);
    const attempts: [string[], Record<string, string>][] = [
      [['lock', 'release', 'src/a.ts', '--agent', 'gemini'], {}],
      [['lock', 'release', 'src/a.ts'], { FMES_AGENT: 'gemini' }],
      [['lock', 'release', 'src/a.ts', '--agent', 'gemini'], { FMES_RUN_ID: 'other', FMES_AGENT: 'gemini' }],
      [['lock', 'renew', 'src/a.ts', '--agent', 'gemini'], {}],
    ];
    for (const [args, forged] of attempts) {
      const r = inRun(cli(...args), { forged });
      assert.equal(r.status, NOPERM, `${args.join(' ')} ${JSON.stringify(forged)}: ${r.stderr}`);
      assert.match(r.stderr, /acts only as itself \(claude\)/);
    }
    // As itself it is simply not the holder.
    const own = inRun(cli('lock', 'release', 'src/a.ts'));
    assert.equal(own.status, 1);
    assert.match(own.stderr, /held by gemini, not claude/);
    assert.ok(fs.existsSync(lockFile('src/a.ts')));
  });

  test('taking a lock in another agent’s name refuses; its own works and releases as itself', () => {
    const other = inRun(cli('lock', 'acquire', 'src/a.ts', '--agent', 'gemini'));
    assert.equal(other.status, NOPERM, other.stderr);
    assert.equal(inRun(cli('lock', 'run', 'src/a.ts', '--agent', 'gemini', '--', 'true')).status, NOPERM);
    assert.equal(fs.existsSync(lockFile('src/a.ts')), false);
    const own = inRun(cli('lock', 'acquire', 'src/a.ts', '--agent', 'claude'));
    assert.equal(own.status, 0, own.stderr);
    const rel = inRun(cli('lock', 'release', 'src/a.ts'));
    assert.equal(rel.status, 0, rel.stderr);
    assert.equal(fs.existsSync(lockFile('src/a.ts')), false);
  });

  test("another agent's lock is released with its token", () => {
    const a = fmes(['--workspace', ws.root, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini', '--json']);
    const { token } = JSON.parse(a.stdout) as { token: string };
    const wrong = inRun(cli('lock', 'release', 'src/a.ts', '--token', token.slice(1)));
    assert.equal(wrong.status, 1);
    assert.ok(fs.existsSync(lockFile('src/a.ts')));
    const r = inRun(cli('lock', 'release', 'src/a.ts', '--token', token));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.existsSync(lockFile('src/a.ts')), false);
  });
});

describe('tokens and identities outside runs', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => fmes(['--workspace', ws.root, ...args], { env });

  test('acquire prints the token once, text and JSON; .locks/ does not reveal it', () => {
    const t = run(['lock', 'acquire', 'src/a.ts', '--agent', 'claude']);
    assert.equal(t.status, 0, t.stderr);
    const token = /\(token (\S+):/.exec(t.stdout)?.[1];
    assert.ok(token && token.length >= 32, t.stdout);
    const j = run(['lock', 'acquire', 'README.md', '--agent', 'claude', '--json']);
    const rec = JSON.parse(j.stdout) as { token: string; generation: string; keyHash: string };
    assert.ok(rec.token.length >= 32 && rec.token !== rec.generation);
    const onDisk = fs
      .readdirSync(path.join(ws.root, '.locks'), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => fs.readFileSync(path.join(d.parentPath, d.name), 'utf8'))
      .join('\n');
    assert.ok(!onDisk.includes(token) && !onDisk.includes(rec.token), 'no token in .locks/');
    assert.ok(!run(['lock', 'status', '--json']).stdout.includes(rec.token));
    // The generation printed in the record releases nothing.
    assert.equal(run(['lock', 'release', 'README.md', '--token', rec.generation]).status, 1);
    assert.equal(run(['lock', 'release', 'README.md', '--token', rec.token]).status, 0);
    assert.equal(run(['lock', 'release', 'src/a.ts', '--token', token]).status, 0);
    assert.equal(run(['lock', 'status']).stdout.trim(), 'no locks');
  });

  test('a shell that declares an agent ($FMES_AGENT) releases only that agent’s locks by name', () => {
    run(['lock', 'acquire', 'src/a.ts', '--agent', 'gemini']);
    const r = run(['lock', 'release', 'src/a.ts', '--agent', 'gemini'], { FMES_AGENT: 'claude' });
    assert.equal(r.status, NOPERM, r.stderr);
    assert.match(r.stderr, /FMES_AGENT/);
    assert.equal(run(['lock', 'release', 'src/a.ts'], { FMES_AGENT: 'gemini' }).status, 0);
  });

  test('release with neither --agent nor --token is a usage error', () => {
    run(['lock', 'acquire', 'src/a.ts', '--agent', 'gemini']);
    assert.equal(run(['lock', 'release', 'src/a.ts']).status, 2);
  });
});

describe('control characters at the CLI', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());
  const run = (...args: string[]) => fmes(['--workspace', ws.root, ...args]);

  test('refused in --intent and in the path, exit 2, naming the field', () => {
    for (const bad of ['\u001b[2J', 'a\nb', '\u009b31m', '\u007f']) {
      const i = run('lock', 'acquire', 'src/a.ts', '--agent', 'claude', '--intent', `x${bad}`);
      assert.equal(i.status, 2, i.stderr);
      assert.match(i.stderr, /The intent .* contains a control character/);
      assert.doesNotMatch(i.stderr, RAW_CONTROL);
      const p = run('lock', 'acquire', `src/x${bad}.ts`, '--agent', 'claude');
      assert.equal(p.status, 2, p.stderr);
      assert.match(p.stderr, /The path .* contains a control character/);
      const r = run('lock', 'run', 'src/a.ts', '--agent', 'claude', '--intent', `x${bad}`, '--', 'true');
      assert.equal(r.status, 2, r.stderr);
    }
    assert.equal(run('lock', 'status').stdout.trim(), 'no locks');
    // An intent taken from the command line is escaped, not refused.
    const ok = run('lock', 'run', 'src/a.ts', '--agent', 'claude', '--', 'sh', '-c', 'true\ntrue');
    assert.equal(ok.status, 0, ok.stderr);
  });

  test('lock files written by hand print escaped in status (text and JSON) and in held reports', () => {
    writeLockFile(ws.root, 'src/a.ts', { host: 'h\u001b]0;owned\u0007\u009b2J', pid: 999_999, intent: 'ok' });
    fs.writeFileSync(
      path.join(ws.root, '.locks', 'src%2Fb%1B[2J.lock'),
      JSON.stringify({ path: 'src/b\u001b[2J', intent: '\u001b[31mred' }),
    );
    const text = run('lock', 'status');
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, RAW_CONTROL);
    assert.match(text.stdout, /\\e\]0;owned\\x07\\x9b2J/);
    const json = run('lock', 'status', '--json');
    assert.doesNotMatch(json.stdout.trim(), /[\u0000-\u001f\u007f-\u009f]/);
    assert.equal(
      (JSON.parse(json.stdout) as { host?: string }[]).find((l) => l.host)?.host,
      'h\u001b]0;owned\u0007\u009b2J',
    );
    const held = run('lock', 'acquire', 'src', '--agent', 'claude');
    assert.equal(held.status, 75);
    assert.doesNotMatch(held.stderr, RAW_CONTROL);
  });
});
