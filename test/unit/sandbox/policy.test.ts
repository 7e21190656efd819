import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mounts, bwrapArgs } from '../../../src/core/sandbox/bwrapArgs';
import { sandboxPolicy, type FsProbe, type PolicyInput } from '../../../src/core/sandbox/policy';

// The policy and bubblewrap's arguments as pure functions, over a fake disk: which paths exist, which are
// folders, which are symlinks to where.

function probe(tree: Record<string, 'dir' | 'file'>, links: Record<string, string> = {}): FsProbe {
  const realish = (p: string): string => {
    for (const [from, to] of Object.entries(links))
      if (p === from || p.startsWith(`${from}/`)) return realish(to + p.slice(from.length));
    return p;
  };
  return { realish, kind: (p) => tree[realish(p)] ?? 'missing' };
}

const ROOT = '/w/repo';
const WT = '/w/repo/.trees/claude-T1';
const disk: Record<string, 'dir' | 'file'> = {
  '/w/repo': 'dir',
  '/w/repo/src': 'dir',
  '/w/repo/src/auth': 'dir',
  '/w/repo/.fmes': 'dir',
  '/w/repo/.locks': 'dir',
  '/w/repo/.git': 'dir',
  '/w/repo/.git/hooks': 'dir',
  '/w/repo/.git/config': 'file',
  '/w/repo/.trees': 'dir',
  [WT]: 'dir',
  [`${WT}/.git`]: 'file',
  [`${WT}/src`]: 'dir',
  [`${WT}/src/auth`]: 'dir',
  [`${WT}/src/auth/deep`]: 'dir',
  [`${WT}/my dir\nnew`]: 'dir',
  '/home/u': 'dir',
  '/home/u/.ssh': 'dir',
  '/home/u/.netrc': 'file',
  '/home/u/.claude': 'dir',
  '/tmp': 'dir',
  '/tmp/run/tmp': 'dir',
  '/etc/shadow': 'file',
};

const input = (o: Partial<PolicyInput> = {}): PolicyInput => ({
  root: ROOT,
  cwd: WT,
  agentId: 'claude@T1',
  locks: [],
  home: '/home/u',
  realHome: '/home/u',
  tmpDir: '/tmp/run/tmp',
  stateDirs: ['/home/u/.claude'],
  extraWritable: [],
  readBack: [],
  secrets: ['/home/u/.ssh', '/home/u/.netrc', '/home/u/.aws', '/etc/shadow'],
  hookWritable: ['/w/repo/.fmes/audit', '/w/repo/.fmes/approvals'],
  ...o,
});

describe('sandboxPolicy', () => {
  it('a worktree run writes its worktree, temp and state; F-MES state and the .git file are read-only', () => {
    const p = sandboxPolicy(input(), probe(disk));
    assert.deepEqual(p.writable.slice().sort(), [
      '/home/u/.claude',
      '/tmp/run/tmp',
      '/w/repo/.fmes/approvals',
      '/w/repo/.fmes/audit',
      WT,
    ]);
    assert.ok(p.readOnly.includes(`${WT}/.git`));
    assert.ok(!p.writable.includes(ROOT), 'the main checkout is not writable');
    assert.deepEqual(p.hideFirst, ['/run', '/tmp', '/home/u']);
    assert.deepEqual(p.hideInside, ['/w/repo/.trees']);
    assert.deepEqual(p.hide, ['/home/u/.ssh', '/home/u/.netrc', '/etc/shadow'], 'only secrets that exist');
  });

  it("another agent's lock is read-only in the worktree; the run's own locks are not", () => {
    const p = sandboxPolicy(
      input({
        locks: [
          { path: 'src/auth', agent: 'other' },
          { path: 'src', agent: 'claude@T1' },
        ],
      }),
      probe(disk),
    );
    assert.ok(p.readOnly.includes(`${WT}/src/auth`));
    assert.ok(!p.readOnly.includes(`${WT}/src`));
  });

  it('a locked path that does not exist gets a placeholder in the worktree, missing parents included', () => {
    const p = sandboxPolicy(input({ locks: [{ path: 'src/future/plan.ts', agent: 'other' }] }), probe(disk));
    assert.deepEqual(p.placeholders, [`${WT}/src/future/plan.ts`]);
    assert.ok(p.readOnly.includes(`${WT}/src/future/plan.ts`));
  });

  it('in place, a missing locked path makes its nearest existing folder read-only (no placeholder in the shared checkout)', () => {
    const p = sandboxPolicy(input({ cwd: ROOT, locks: [{ path: 'src/auth/new/x.ts', agent: 'other' }] }), probe(disk));
    assert.deepEqual(p.placeholders, []);
    assert.ok(p.readOnly.includes('/w/repo/src/auth'));
  });

  it('`..` and absolute lock paths never reach outside the worktree', () => {
    const p = sandboxPolicy(
      input({
        locks: [
          { path: '../../../etc', agent: 'other' },
          { path: '/etc', agent: 'other' },
        ],
      }),
      probe(disk),
    );
    assert.ok(
      p.readOnly.every((r) => r.startsWith(WT) || r.startsWith('/w/repo/.')),
      p.readOnly.join('\n'),
    );
  });

  it('a lock through a symlink protects the real folder, wherever it leads inside a writable region', () => {
    const d = { ...disk, '/tmp/run/tmp/real': 'dir' as const };
    const p = sandboxPolicy(
      input({ locks: [{ path: 'lib/auth', agent: 'other' }] }),
      probe(d, { [`${WT}/lib`]: '/tmp/run/tmp/real' }),
    );
    assert.ok(p.readOnly.includes('/tmp/run/tmp/real/auth') || p.placeholders.includes('/tmp/run/tmp/real/auth'));
  });

  it('a lock on the whole workspace or on a folder above a declared one leaves nothing of it writable', () => {
    const whole = sandboxPolicy(input({ cwd: ROOT, locks: [{ path: '.', agent: 'human:ann' }] }), probe(disk));
    assert.ok(!whole.writable.includes(ROOT));
    const above = sandboxPolicy(
      input({ cwd: ROOT, declared: ['src/auth/login.ts'], locks: [{ path: 'src', agent: 'other' }] }),
      probe(disk),
    );
    assert.ok(!above.writable.some((w) => w.startsWith('/w/repo/src')), above.writable.join('\n'));
  });

  it('in place with a plan, only the declared files’ folders are writable; without a plan the workspace is', () => {
    const planned = sandboxPolicy(input({ cwd: ROOT, declared: ['src/auth/login.ts', '../escape'] }), probe(disk));
    assert.ok(planned.writable.includes('/w/repo/src/auth'));
    assert.ok(!planned.writable.includes(ROOT));
    const free = sandboxPolicy(input({ cwd: ROOT }), probe(disk));
    assert.ok(free.writable.includes(ROOT));
    for (const p of ['/w/repo/.fmes', '/w/repo/.locks', '/w/repo/.git/hooks', '/w/repo/.git/config'])
      assert.ok(free.readOnly.includes(p), p);
  });

  it('nested locks: a folder and a file inside it are both read-only, pins stop at the read-only folder', () => {
    const p = sandboxPolicy(
      input({
        locks: [
          { path: 'src/auth', agent: 'a' },
          { path: 'src/auth/deep/x.ts', agent: 'b' },
        ],
      }),
      probe({ ...disk, [`${WT}/src/auth/deep/x.ts`]: 'file' }),
    );
    const m = mounts(p);
    assert.ok(m.some((x) => x.path === `${WT}/src` && x.how === 'pin'));
    assert.ok(!m.some((x) => x.path === `${WT}/src/auth/deep` && x.how === 'pin'), 'no pin inside a read-only folder');
  });

  it('a read-only run (reviewer, auditor) writes only its temp and state; its worktree comes back read-only', () => {
    const extraWritable = ['/w/repo/node_modules/.cache', `${WT}/dist`, '/opt/cache'];
    const p = sandboxPolicy(input({ readOnly: true, extraWritable }), probe(disk));
    assert.deepEqual(p.writable.slice().sort(), [
      '/home/u/.claude',
      '/opt/cache',
      '/tmp/run/tmp',
      '/w/repo/.fmes/approvals',
      '/w/repo/.fmes/audit',
    ]);
    assert.deepEqual(p.readOnly, [WT], 'hidden with .trees, bound back read-only');
    const m = mounts(p);
    assert.ok(m.some((x) => x.path === WT && x.how === 'ro'));
    assert.ok(!m.some((x) => x.how === 'rw' && (x.path.startsWith(WT) || x.path === ROOT)));
    const args = bwrapArgs({ policy: p, cwd: WT, files: [], deniedFile: '/x', kind: () => 'dir' });
    assert.ok(args.join(' ').includes(`--ro-bind ${WT} ${WT}`));
    // In place: the declared folders a writer would get are not writable either.
    const inPlace = sandboxPolicy(input({ cwd: ROOT, declared: ['src/auth'], readOnly: true }), probe(disk));
    assert.ok(
      !inPlace.writable.some((w) => w.startsWith(ROOT) && !w.startsWith('/w/repo/.fmes')),
      inPlace.writable.join(),
    );
  });

  it('a secret holding something the run needs is not hidden over it', () => {
    const p = sandboxPolicy(input({ stateDirs: ['/home/u/.ssh/agent-state'] }), probe(disk));
    assert.ok(!p.hide.includes('/home/u/.ssh'));
  });
});

describe('bwrapArgs', () => {
  const policy = sandboxPolicy(
    input({
      locks: [
        { path: 'src/auth', agent: 'other' },
        { path: 'my dir\nnew', agent: 'other' },
      ],
    }),
    probe(disk),
  );
  const args = bwrapArgs({
    policy,
    cwd: WT,
    files: [{ host: '/tmp/run/env.sh', inside: '/run/fmes/env.sh' }],
    brokerSocket: '/var/lib/fmes/broker.sock',
    deniedFile: '/tmp/run/denied',
    kind: probe(disk).kind,
  });
  const pairs = (flag: string) => args.flatMap((a, k) => (a === flag ? [args[k + 1]] : []));

  it('isolates: namespaces, no network, no nested user namespaces, no capabilities, dies with F-MES, clean env', () => {
    for (const f of [
      '--unshare-net',
      '--unshare-user',
      '--unshare-pid',
      '--disable-userns',
      '--die-with-parent',
      '--new-session',
      '--clearenv',
    ])
      assert.ok(args.includes(f), f);
    assert.deepEqual(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2), ['--cap-drop', 'ALL']);
    assert.ok(!args.includes('--share-net'));
  });

  it('binds narrower paths after broader ones: the worktree, then its pinned parents, then the locked folder', () => {
    const at = (flag: string, p: string) => args.findIndex((a, k) => a === flag && args[k + 1] === p);
    assert.ok(at('--bind', WT) < at('--bind', `${WT}/src`));
    assert.ok(at('--bind', `${WT}/src`) < at('--ro-bind', `${WT}/src/auth`));
    assert.ok(at('--ro-bind', '/w/repo/.fmes') < at('--bind', '/w/repo/.fmes/audit'), 'the audit dir stays writable');
    assert.ok(at('--tmpfs', '/home/u') < at('--bind', '/home/u/.claude'));
  });

  it('a path with a newline and a space is one argument, never split or quoted', () => {
    assert.ok(pairs('--ro-bind').includes(`${WT}/my dir\nnew`));
  });

  it('hides secret folders under a read-only tmpfs and secret files under a mode-000 file', () => {
    assert.ok(pairs('--tmpfs').includes('/home/u/.ssh'));
    assert.ok(pairs('--remount-ro').includes('/home/u/.ssh'));
    const k = args.findIndex(
      (a, n) => a === '--ro-bind' && args[n + 1] === '/tmp/run/denied' && args[n + 2] === '/etc/shadow',
    );
    assert.ok(k > 0);
  });

  it('binds the broker socket at its own path and the run files where the inner script finds them', () => {
    assert.ok(
      args.join('\0').includes(['--bind', '/var/lib/fmes/broker.sock', '/var/lib/fmes/broker.sock'].join('\0')),
    );
    assert.ok(args.join('\0').includes(['--ro-bind', '/tmp/run/env.sh', '/run/fmes/env.sh'].join('\0')));
    assert.deepEqual(args.slice(-2), ['--chdir', WT]);
  });
});

describe('fmes.sandbox settings from a repository', () => {
  it('off, allowed domains and extra writable paths weaken safety: ignored until a person confirms them', async () => {
    const { parseConfig } = await import('../../../src/core/config');
    const { weakeningValues } = await import('../../../src/core/safety/repoConfirmation');
    const weak = (sandbox: unknown) =>
      weakeningValues(parseConfig({ sandbox }).config)
        .map((w) => w.field)
        .sort();
    assert.deepEqual(weak({ mode: 'off', allowedDomains: ['evil.example'], extraWritable: ['/'] }), [
      'sandbox.allowedDomains',
      'sandbox.extraWritable',
      'sandbox.mode',
    ]);
    assert.deepEqual(weak({ mode: 'on' }), [], '"on" is stricter than the default');
    assert.deepEqual(weak({ mode: 'auto' }), []);
    assert.equal(parseConfig({ sandbox: { allowedDomains: ['a b'] } }).issues[0]?.field, 'sandbox.allowedDomains.0');
  });
});

describe('domainAllowed', () => {
  it('matches hosts, *.suffix and ports exactly, case-insensitively', async () => {
    const { domainAllowed } = await import('../../../src/core/sandbox/netBridge');
    const allowed = ['registry.npmjs.org', '*.github.com', 'example.com:8443'];
    assert.ok(domainAllowed(allowed, 'REGISTRY.npmjs.org', 443));
    assert.ok(domainAllowed(allowed, 'api.github.com', 443));
    assert.ok(!domainAllowed(allowed, 'github.com', 443), '*.github.com is the subdomains only');
    assert.ok(!domainAllowed(allowed, 'evilgithub.com', 443));
    assert.ok(!domainAllowed(allowed, 'registry.npmjs.org.evil.com', 443));
    assert.ok(domainAllowed(allowed, 'example.com', 8443));
    assert.ok(!domainAllowed(allowed, 'example.com', 443));
    assert.ok(!domainAllowed([], '127.0.0.1', 80));
  });
});

describe('codex inside the sandbox', () => {
  it('its own sandbox is switched off (it cannot nest) and its provider points at the relay', async () => {
    const { codexSandboxArgs } = await import('../../../src/core/sandbox/codexProvider');
    const out = codexSandboxArgs(
      ['exec', '--json', '-s', 'workspace-write', '--full-auto', '-'],
      { id: 'fake', baseUrl: 'http://127.0.0.1:1/v1' },
      'http://127.0.0.1:17480/v1',
    );
    assert.deepEqual(out, [
      'exec',
      '-s',
      'danger-full-access',
      '-c',
      'model_providers.fake.base_url="http://127.0.0.1:17480/v1"',
      '--json',
      '-',
    ]);
  });
});

describe('sandboxSupport', () => {
  it('says why where there is no sandbox: macOS (not written yet), other platforms', async () => {
    const { sandboxSupport } = await import('../../../src/core/sandbox/support');
    const mac = sandboxSupport({ PATH: '/usr/bin' }, 'darwin');
    assert.ok(!mac.ok && /macOS/.test(mac.why));
    const win = sandboxSupport({ PATH: '' }, 'win32');
    assert.ok(!win.ok && /win32/.test(win.why));
  });
});
