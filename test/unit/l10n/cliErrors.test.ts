// Every typed error the `fmes` CLI prints has Korean (src/cli/errorKo.ts), worded from the error's kind, reason
// and fields: the samples below are one per kind and reason, typed like the table, so a new reason without a
// sample does not compile either; a new error class without Korean fails the source scan. CLI runs check real
// cases end to end (dist/cli.mjs: `npm run build` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { ArtifactError, LockError, PathError, TrustError } from '../../../src/core/errors';
import { MissionError } from '../../../src/core/orchestrator/missionTypes';
import { TodoError } from '../../../src/core/orchestrator/todoFile';
import { RunSetupError } from '../../../src/core/agents/runSetupError';
import { ConfirmationError } from '../../../src/core/safety/repoConfirmation';
import { FileMutexError } from '../../../src/core/fs/fileMutex';
import { GitError } from '../../../src/core/git/git';
import { BrokerCallError } from '../../../src/hot/broker/client';
import { ControlCharacterError } from '../../../src/hot/locks/printable';
import { LockBackendError } from '../../../src/hot/locks/backendSpec';
import { UsageError } from '../../../src/cli/usageError';
import { KO_ERRORS, koErrorText, type ErrorKinds } from '../../../src/cli/errorKo';
import { cliErrorText } from '../../../src/cli/errorText';
import { schemaText, setSchemaLocale, en as schemaEn, ko as schemaKo } from '../../../src/core/i18n/schemaText';
import { translationProblems } from '../../../src/core/i18n/check';
import { fmes } from '../../fixtures/cli';

/** One sample per kind and reason, and the machine parts its Korean must keep. */
type Sample = { error: Error; keeps: string[] };
type Samples = { [K in keyof ErrorKinds]: Record<ErrorKinds[K][1], Sample> };

const holder = { kind: 'lock', record: { agent: 'claude-7', path: 'src/a.ts' } };
const lock = (reason: ConstructorParameters<typeof LockError>[0], keeps: string[] = ['src/a.ts']): Sample => ({
  error: new LockError(reason, 'src/a.ts', `english ${reason}`, { holders: [holder], agent: 'bad id' }),
  keeps,
});
const mission = (reason: ConstructorParameters<typeof MissionError>[0], d = {}, keeps: string[] = []): Sample => ({
  error: new MissionError(reason, 'T-42', `english ${reason}`, d),
  keeps: ['T-42', ...keeps],
});
const git = (reason: ConstructorParameters<typeof GitError>[0]): Sample => ({
  error: new GitError(reason, `english ${reason}`, ['merge', 'fmes/T-42'], 'fatal: refusing x\nmore', 128, {
    subject: 'T-42',
  }),
  keeps: ['git merge fmes/T-42', ...(reason === 'notFound' || reason === 'unmerged' ? ['T-42'] : [])],
});
const broker = (reason: ConstructorParameters<typeof BrokerCallError>[0], keeps: string[] = []): Sample => ({
  error: new BrokerCallError(reason, `english ${reason}`, { path: 'src/b.ts' }),
  keeps,
});
const backend = (reason: ConstructorParameters<typeof LockBackendError>[0], keeps: string[] = []): Sample => ({
  error: new LockBackendError(reason, `english ${reason}`, {
    details: { where: 'redis://h:6379/0', said: 'connect ECONNREFUSED', field: 'locks.backend', value: '"redis://x"' },
  }),
  keeps,
});
// An issue's message is already in the CLI's language (zod's locale, src/core/i18n/schemaText.ts): passed through.
const artifact = (reason: ConstructorParameters<typeof ArtifactError>[0]): Sample => ({
  error: new ArtifactError(reason, '.fmes/plans/p.md', [{ field: 'meta.id', message: schemaKo.identifier }]),
  keeps: ['.fmes/plans/p.md', ...(reason === 'unknownKind' ? [] : ['meta.id'])],
});

const SAMPLES: Samples = {
  path: {
    empty: { error: new PathError('empty', '', 'A path is required.'), keeps: [] },
    invalidCharacter: { error: new PathError('invalidCharacter', 'a\0b', 'x'), keeps: ['"a\\u0000b"'] },
    reserved: { error: new PathError('reserved', '.git/x', 'x'), keeps: ['".git/x"'] },
    outsideWorkspace: { error: new PathError('outsideWorkspace', '/etc/passwd', 'x'), keeps: ['"/etc/passwd"'] },
    symlinkEscape: { error: new PathError('symlinkEscape', 'link/x', 'x'), keeps: ['"link/x"'] },
  },
  lock: {
    held: lock('held', ['src/a.ts', 'claude-7']),
    notHolder: lock('notHolder', ['src/a.ts', 'claude-7']),
    notHeld: lock('notHeld'),
    busy: lock('busy'),
    invalidAgent: lock('invalidAgent', ['src/a.ts', '"bad id"']),
  },
  artifact: {
    unreadable: artifact('unreadable'),
    syntax: artifact('syntax'),
    schema: artifact('schema'),
    unknownKind: artifact('unknownKind'),
  },
  trust: { untrusted: { error: new TrustError('Starting an agent'), keeps: [] } },
  usage: {
    usage: {
      error: new UsageError('english', { cause: new ControlCharacterError('intent', 'a\nb') }),
      keeps: ['intent'],
    },
  },
  mission: {
    unknownMission: mission('unknownMission'),
    invalidRecord: mission('invalidRecord', { file: '.fmes/missions/T-42.json' }, ['.fmes/missions/T-42.json']),
    badState: mission('badState', { state: 'running', action: 'merge' }, ['running']),
    alreadyRunning: mission('alreadyRunning', { state: 'running', action: 'start' }, ['running']),
    noWorktree: mission('noWorktree', { action: 'merge' }),
    notConfirmed: mission('notConfirmed', { action: 'merge', why: 'tests failed' }, ['tests failed']),
  },
  todo: { busy: { error: new TodoError('busy', 'TODO.md', 'x'), keeps: ['TODO.md'] } },
  runSetup: {
    hooksDisabled: {
      error: new RunSetupError('hooksDisabled', 'x', { file: '/w/.gemini/settings.json' }),
      keeps: ['/w/.gemini/settings.json'],
    },
    untrusted: {
      error: new RunSetupError('untrusted', 'x', { cwd: '/w/.trees/T-1', root: '/w' }),
      keeps: ['55', '/w/.trees/T-1', 'GEMINI_CLI_TRUST_WORKSPACE'],
    },
    unreadableSettings: {
      error: new RunSetupError('unreadableSettings', 'x', { file: '/w/s.json', said: 'EACCES' }),
      keeps: ['/w/s.json', 'EACCES'],
    },
    noSandbox: { error: new RunSetupError('noSandbox', 'x'), keeps: ['fmes.sandbox.mode'] },
  },
  confirmation: {
    insideAgentRun: { error: new ConfirmationError('insideAgentRun', 'x'), keeps: [] },
    storeInsideRepository: { error: new ConfirmationError('storeInsideRepository', 'x'), keeps: ['FMES_STATE_DIR'] },
    storeBusy: {
      error: new ConfirmationError('storeBusy', 'x', {
        cause: new FileMutexError('/s/confirmations.json', 'process 42 on h'),
      }),
      keeps: ['/s/confirmations.json', 'process 42 on h'],
    },
  },
  git: {
    notARepo: git('notARepo'),
    unmerged: git('unmerged'),
    dirty: { ...git('dirty'), keeps: ['fatal: refusing x'] },
    conflict: git('conflict'),
    notFound: { ...git('notFound'), keeps: ['git merge fmes/T-42', 'fatal: refusing x'] },
    failed: { ...git('failed'), keeps: ['git merge fmes/T-42', '128', 'fatal: refusing x'] },
  },
  broker: {
    unavailable: broker('unavailable'),
    timeout: broker('timeout'),
    ended: broker('ended'),
    tooLarge: broker('tooLarge'),
    refused: broker('refused'),
    badRequest: broker('badRequest', ['badRequest']),
    badVersion: broker('badVersion', ['badVersion']),
    badToken: broker('badToken', ['badToken']),
    unknownOp: broker('unknownOp', ['unknownOp']),
    held: broker('held', ['src/b.ts']),
    notHolder: broker('notHolder', ['src/b.ts']),
    notHeld: broker('notHeld', ['src/b.ts']),
    busy: broker('busy'),
    invalidAgent: broker('invalidAgent'),
    invalidPath: broker('invalidPath', ['invalidPath']),
    invalid: broker('invalid', ['invalid']),
    internal: broker('internal', ['internal']),
  },
  controlCharacter: { controlCharacter: { error: new ControlCharacterError('intent', 'a\x1bb'), keeps: ['intent'] } },
  lockBackend: {
    unreachable: backend('unreachable', ['redis://h:6379/0', 'connect ECONNREFUSED', 'locks.backend']),
    refused: backend('refused', ['redis://h:6379/0', 'FMES_REDIS_PASSWORD']),
    config: backend('config', ['locks.backend', 'locks.namespace']),
    invalid: backend('invalid'),
    lost: backend('lost'),
    unconfirmed: backend('unconfirmed', ['locks.backend', '"redis://x"', 'fmes config confirm', 'FMES_LOCKS_BACKEND']),
  },
};

const HANGUL = /[\uac00-\ud7a3]/;

test('every kind and reason of the typed errors has Korean that keeps the machine parts', () => {
  let n = 0;
  for (const [kind, reasons] of Object.entries(SAMPLES) as [string, Record<string, Sample>][]) {
    assert.deepEqual(
      Object.keys(reasons).sort(),
      Object.keys((KO_ERRORS as Record<string, object>)[kind]).sort(),
      `${kind}: samples and table name the same reasons`,
    );
    for (const [reason, s] of Object.entries(reasons)) {
      n++;
      const e = s.error as Error & { kind: string; reason: string };
      assert.equal(e.kind, kind, `${kind}.${reason}: the sample is of its kind`);
      assert.equal(e.reason, reason, `${kind}.${reason}: the sample has its reason`);
      const ko = cliErrorText(e, 'ko');
      assert.match(ko, HANGUL, `${kind}.${reason}: Korean, got ${ko}`);
      assert.doesNotMatch(ko, /english/, `${kind}.${reason}: not the English message`);
      for (const k of s.keeps) assert.ok(ko.includes(k), `${kind}.${reason}: keeps ${k} in ${ko}`);
      assert.equal(cliErrorText(e, 'en'), e.message, `${kind}.${reason}: English is the error's own message`);
    }
  }
  assert.ok(n >= 59, `${n} reasons`);
});

test('an error that is not one of ours keeps its message; a usage error without a typed cause its own', () => {
  assert.equal(koErrorText(new Error('boom')), undefined);
  assert.equal(cliErrorText(new Error('boom'), 'ko'), 'boom');
  assert.equal(cliErrorText(new UsageError('이미 번역됨'), 'ko'), '이미 번역됨');
});

test('every FmesError class in src/ has Korean, or is one the CLI never prints', () => {
  // Errors of the MCP server (results for agents) and of the broker's server side (sent to the run, which reads
  // them as BrokerCallError): English by design.
  const notPrinted = new Set(['mcpInput', 'brokerOp']);
  const kinds: string[] = [];
  const walk = (dir: string): void => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, d.name);
      if (d.isDirectory()) walk(f);
      else if (f.endsWith('.ts')) {
        const text = fs.readFileSync(f, 'utf8');
        for (const m of text.matchAll(/extends FmesError<[\s\S]*?\{\s*readonly kind = '(\w+)'/g)) kinds.push(m[1]);
      }
    }
  };
  walk(path.resolve(__dirname, '../../../src'));
  assert.ok(kinds.length >= 15, kinds.join());
  for (const k of kinds) assert.ok(k in KO_ERRORS || notPrinted.has(k), `${k} has no Korean in src/cli/errorKo.ts`);
});

test("our schemas' own messages: complete Korean, chosen when a value is checked", async () => {
  assert.deepEqual(translationProblems(schemaEn, schemaKo), []);
  const { relPath } = await import('../../../src/core/schemas/common');
  try {
    assert.equal(relPath.safeParse('../x').error?.issues[0].message, schemaText('noDotDot'));
    setSchemaLocale('ko');
    assert.equal(relPath.safeParse('../x').error?.issues[0].message, '..을 포함할 수 없습니다');
  } finally {
    setSchemaLocale('en');
  }
  assert.equal(relPath.safeParse('../x').error?.issues[0].message, 'must not contain ..');
});

const KO = { LANG: 'ko_KR.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
const C = { LANG: 'ko_KR.UTF-8', LC_ALL: 'C' };

function repo(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-koerr-')));
  execFileSync('git', ['init', '-q'], { cwd: d });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'i'], {
    cwd: d,
  });
  return d;
}

test('fmes in Korean: an unknown mission, an unknown approval, a bad config field; English under LC_ALL=C', () => {
  const d = repo();
  try {
    const k = fmes(['mission', 'merge', 'T-9'], { cwd: d, env: KO });
    assert.equal(k.status, 1, k.stderr);
    assert.equal(k.stderr.trim(), 'fmes: 미션 T-9이(가) 없습니다');
    const e = fmes(['mission', 'merge', 'T-9'], { cwd: d, env: C });
    assert.equal(e.status, 1);
    assert.equal(e.stderr.trim(), 'fmes: there is no mission T-9');

    const a = fmes(['approve', 'nope-123'], { cwd: d, env: KO });
    assert.notEqual(a.status, 0);
    assert.match(a.stderr, /승인 요청 nope-123이\(가\) 없습니다/);

    fs.mkdirSync(path.join(d, '.fmes'));
    fs.writeFileSync(path.join(d, '.fmes/config.json'), JSON.stringify({ locks: { namespace: 'bad ns!' } }));
    const c = fmes(['mission', 'list'], { cwd: d, env: KO });
    assert.equal(c.status, 0, c.stderr);
    assert.ok(
      c.stderr.includes(`fmes: 경고: ${path.join(d, '.fmes/config.json')}: locks.namespace: ${schemaKo.namespace}`),
      c.stderr,
    );
    const ce = fmes(['mission', 'list'], { cwd: d, env: C });
    assert.ok(ce.stderr.includes(`locks.namespace: ${schemaEn.namespace} (using the default)`), ce.stderr);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('fmes in Korean: a lock server that cannot be reached exits 69 and names it; an unreachable broker too', () => {
  const d = repo();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-koerr-state-'));
  try {
    fs.mkdirSync(path.join(d, '.fmes'));
    fs.writeFileSync(
      path.join(d, '.fmes/config.json'),
      JSON.stringify({ locks: { backend: 'redis://127.0.0.1:1/0' } }),
    );
    fs.writeFileSync(path.join(d, 'a.txt'), 'a');
    const env = { ...KO, FMES_STATE_DIR: state, FMES_BROKER: '', FMES_RUN_TOKEN: '' };
    const u = fmes(['lock', 'acquire', 'a.txt', '--agent', 'me'], { cwd: d, env });
    assert.equal(u.status, 1, u.stderr);
    assert.match(u.stderr, /locks\.backend redis:\/\/127\.0\.0\.1:1\/0은\(는\) 이 머신에서 확인되지 않았습니다/);
    assert.equal(fmes(['config', 'confirm', '--yes'], { cwd: d, env }).status, 0);
    const r = fmes(['lock', 'acquire', 'a.txt', '--agent', 'me'], { cwd: d, env });
    assert.equal(r.status, 69, r.stderr);
    assert.match(r.stderr, /^fmes: 잠금 서버 redis:\/\/127\.0\.0\.1:1\/0에 연결할 수 없습니다 \(.*ECONNREFUSED.*\)/m);
    const re = fmes(['lock', 'acquire', 'a.txt', '--agent', 'me'], { cwd: d, env: { ...env, LC_ALL: 'C' } });
    assert.equal(re.status, 69);
    assert.match(re.stderr, /^fmes: cannot reach the lock server redis:\/\/127\.0\.0\.1:1\/0/m);

    const sock = path.join(state, 'no-broker.sock');
    const b = fmes(['lock', 'acquire', 'a.txt'], {
      cwd: d,
      env: { ...KO, FMES_BROKER: sock, FMES_RUN_TOKEN: 'x', FMES_AGENT: 'me' },
    });
    assert.equal(b.status, 69, b.stderr);
    assert.match(b.stderr, /^fmes: 이 실행의 F-MES 브로커에 연결할 수 없습니다/m);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
    fs.rmSync(state, { recursive: true, force: true });
  }
});

const BIN = path.resolve(__dirname, '../../../dist/fmes.cjs');
const bin = (args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FMES_AGENT: '', ...env },
  });

test('fmes lock run (the hot bin) in Korean: an unreachable lock server, a bad config field; English under C', () => {
  const d = repo();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-koerr-state-'));
  try {
    fs.mkdirSync(path.join(d, '.fmes'));
    fs.writeFileSync(
      path.join(d, '.fmes/config.json'),
      JSON.stringify({ locks: { backend: 'redis://127.0.0.1:1/0' } }),
    );
    const env = { ...KO, FMES_STATE_DIR: state, FMES_BROKER: '', FMES_RUN_TOKEN: '' };
    const args = ['lock', 'run', 'a.txt', '--agent', 'me', '--', process.execPath, '-e', '0'];
    const u = bin(args, d, env);
    assert.equal(u.status, 69, u.stderr);
    assert.match(u.stderr, /이 머신에서 확인되지 않았습니다/);
    assert.equal(fmes(['config', 'confirm', '--yes'], { cwd: d, env }).status, 0);
    const k = bin(args, d, env);
    assert.equal(k.status, 69, k.stderr);
    assert.match(k.stderr, /^fmes: 잠금 서버 redis:\/\/127\.0\.0\.1:1\/0에 연결할 수 없습니다 \(.*ECONNREFUSED.*\)/m);
    const e = bin(args, d, { ...env, LC_ALL: 'C' });
    assert.equal(e.status, 69);
    assert.match(e.stderr, /^fmes: cannot reach the lock server redis:\/\/127\.0\.0\.1:1\/0/m);

    fs.writeFileSync(path.join(d, '.fmes/config.json'), JSON.stringify({ locks: { namespace: 'bad ns!' } }));
    const w = bin(args, d, env);
    assert.equal(w.status, 0, w.stderr);
    assert.ok(w.stderr.includes(`locks.namespace: ${schemaKo.namespace} (기본값 사용)`), w.stderr);
    assert.doesNotMatch(w.stderr, /using the default/);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
    fs.rmSync(state, { recursive: true, force: true });
  }
});
