import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRunSandbox, type RunLauncher } from '../../../src/core/sandbox/runSandbox';
import { sandboxSupport } from '../../../src/core/sandbox/support';
import { Redactor } from '../../../src/hot/safety/redact';

// The launcher with REAL bubblewrap and a shell instead of an agent CLI: what the OS refuses and what it lets
// through, for the attacks a hook cannot see (symlinks, renames, odd names), the environment, the network.

const support = sandboxSupport();
const skip = support.ok ? false : `bubblewrap cannot run here: ${support.why}`;

let scratch: string;
let root: string;
let home: string;
let upstream: http.Server;
let upstreamPort = 0;
let otherPort = 0;
let other: http.Server;
const seen: string[] = [];
/** A stand-in for the run's broker: a sandboxed run does not start without one (FMES_BROKER, FMES_RUN_TOKEN). */
let brokerStub: net.Server;
const brokerEnv = () => ({ FMES_BROKER: path.join(scratch, 'stub-broker.sock'), FMES_RUN_TOKEN: 'tok-0' });

before(async () => {
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-sbx-unit-')));
  root = path.join(scratch, 'my repo');
  home = path.join(scratch, 'home');
  fs.mkdirSync(path.join(root, 'src/auth'), { recursive: true });
  fs.mkdirSync(path.join(root, '.fmes'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src/auth/login.ts'), 'login\n');
  fs.mkdirSync(path.join(root, 'odd name dir'), { recursive: true });
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(home, '.ssh/id_ed25519'), 'KEY\n');
  fs.writeFileSync(path.join(home, '.netrc'), 'machine x password y\n');
  upstream = http.createServer((q, s) => {
    seen.push(`${q.method} ${q.url}`);
    s.end('model says hi\n');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as AddressInfo).port;
  other = http.createServer((_q, s) => s.end('other\n'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherPort = (other.address() as AddressInfo).port;
  brokerStub = net.createServer((c) => c.end());
  await new Promise<void>((r) => brokerStub.listen(brokerEnv().FMES_BROKER, r));
});
after(() => {
  upstream.close();
  other.close();
  brokerStub.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function open(
  o: {
    locks?: [string, string][];
    env?: Record<string, string>;
    allowed?: string[];
    remoteLocks?: () => Promise<{ path: string; agent: string | undefined }[]>;
    keepDir?: string;
  } = {},
) {
  for (const [p, agent] of o.locks ?? []) lock('acquire', p, agent);
  const notices: string[] = [];
  const launcher = await openRunSandbox({
    root,
    cwd: root,
    cli: 'claude',
    agentId: 'me',
    command: 'bash',
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: home,
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
      ANTHROPIC_API_KEY: 'sk-secret-in-env',
      FMES_RUN_ID: 'run-unit',
      ...brokerEnv(),
      ...o.env,
    },
    config: { mode: 'on', allowedDomains: o.allowed ?? [], extraWritable: [] },
    remoteLocks: o.remoteLocks,
    keepDir: o.keepDir,
    keepPrefix: 'run-unit',
    redactor: new Redactor({ ANTHROPIC_API_KEY: 'sk-secret-in-env' }),
    onNotice: (l) => notices.push(l),
  });
  return { launcher, notices, release: () => (o.locks ?? []).forEach(([p, agent]) => lock('release', p, agent)) };
}

/** `fmes lock acquire|release <p> --agent <a>` from the built CLI, as an agent takes a lock from a shell. */
function lock(verb: 'acquire' | 'release', p: string, agent: string): void {
  const cli = path.resolve(__dirname, '../../../dist/cli.mjs');
  execFileSync(process.execPath, [cli, '--workspace', root, 'lock', verb, p, '--agent', agent], { stdio: 'ignore' });
}

/** Starts `command` as the launcher wraps it (node's spawn here: the runner uses execa, which tsx cannot load). */
function start(l: RunLauncher, command: string, args: string[], cwd = root) {
  const w = l.wrap({
    command,
    args,
    cwd,
    env: { FMES_RUN_ID: 'run-unit' },
    stdin: '',
    onStdoutLine: () => undefined,
    onStderrLine: () => undefined,
  });
  return spawn(w.command, [...w.args], { cwd: w.cwd, env: w.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function sh(l: RunLauncher, script: string, cwd = root): Promise<{ out: string; code: number | null }> {
  const child = start(l, 'bash', ['-c', script], cwd);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ out, code })));
}

describe('the sandbox launcher with real bubblewrap', { skip }, () => {
  it('refuses a write through a symlink to outside, a hard link, and a rename of a pinned parent', async () => {
    const { launcher, release } = await open({ locks: [['src/auth', 'other']] });
    try {
      const r = await sh(
        launcher,
        [
          `ln -s ${JSON.stringify(home)} out && echo x > out/pwned; echo "link:$?"`,
          'echo y >> src/auth/login.ts; echo "held:$?"',
          'mv src src2; echo "mvparent:$?"',
          'mv src/auth src/auth2; echo "mvheld:$?"',
          'ln src/auth/login.ts hard 2>&1; echo "hard:$?"',
          'echo mine > own.txt; echo "own:$?"',
          'rm -f out',
        ].join('\n'),
      );
      assert.match(r.out, /link:[1-9]/);
      assert.match(r.out, /held:[1-9]/);
      assert.match(r.out, /mvparent:[1-9]/);
      assert.match(r.out, /Device or resource busy/);
      assert.match(r.out, /mvheld:[1-9]/);
      assert.match(r.out, /hard:[1-9]/);
      assert.match(r.out, /own:0/);
      assert.ok(!fs.existsSync(path.join(home, 'pwned')));
      assert.equal(fs.readFileSync(path.join(root, 'src/auth/login.ts'), 'utf8'), 'login\n');
      assert.ok(fs.existsSync(path.join(root, 'src/auth')));
    } finally {
      await launcher.dispose();
      release();
      fs.rmSync(path.join(root, 'own.txt'), { force: true });
    }
  });

  it('a locked folder with a space in its name is read-only (lock paths refuse control characters); secrets are hidden', async () => {
    const { launcher, release } = await open({ locks: [['odd name dir', 'other']] });
    try {
      const r = await sh(
        launcher,
        `touch "odd name dir/f"; echo "odd:$?"; cat ~/.ssh/id_ed25519; echo "ssh:$?"; cat ~/.netrc; echo "netrc:$?"; cat /etc/shadow >/dev/null; echo "shadow:$?"`,
      );
      assert.match(r.out, /odd:[1-9]/);
      assert.match(r.out, /ssh:[1-9]/);
      assert.match(r.out, /netrc:[1-9]/);
      assert.match(r.out, /shadow:[1-9]/);
      assert.ok(!r.out.includes('KEY') && !r.out.includes('password y'));
    } finally {
      await launcher.dispose();
      release();
    }
  });

  it('a path another machine holds on a remote backend (Redis) is read-only; unreadable holders stop the run', async () => {
    const { launcher } = await open({ remoteLocks: async () => [{ path: 'src/auth', agent: 'other@laptop' }] });
    try {
      const r = await sh(launcher, 'echo x >> src/auth/login.ts; echo "held:$?"; touch src/free.ts; echo "free:$?"');
      assert.match(r.out, /held:[1-9]/);
      assert.match(r.out, /free:0/);
      assert.equal(fs.readFileSync(path.join(root, 'src/auth/login.ts'), 'utf8'), 'login\n');
    } finally {
      await launcher.dispose();
      fs.rmSync(path.join(root, 'src/free.ts'), { force: true });
    }
    await assert.rejects(
      open({
        remoteLocks: async () => {
          throw new Error('redis://127.0.0.1:1 is not answering');
        },
      }),
      (e: Error) => e.name === 'RunSetupError' && /not answering/.test(e.message),
    );
  });

  it('the environment is exactly the run’s, values intact, and never on bubblewrap’s command line', async () => {
    const tricky = `it's "quoted"\nand $NOT_EXPANDED \\ too`;
    const { launcher } = await open({ env: { TRICKY: tricky } });
    try {
      const r = await sh(launcher, 'printf "%s" "$TRICKY" | base64 -w0; echo; env | cut -d= -f1 | sort | tr "\\n" " "');
      const [b64, names] = r.out.split('\n');
      assert.equal(Buffer.from(b64, 'base64').toString(), tricky);
      assert.ok(!/\bSSH_AUTH_SOCK\b|\bNODE_OPTIONS\b/.test(names), names);
      assert.match(names, /FMES_SANDBOX/);
      const proc = start(launcher, 'sleep', ['2']);
      const cmdline = fs.readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8');
      assert.ok(cmdline.includes('bwrap') && !cmdline.includes('sk-secret-in-env'), 'the API key is not in argv');
      // Let it end by itself: killed this early, bubblewrap's child can be born after any snapshot of the tree
      // and before it armed --die-with-parent, and then outlive it holding this process's pipes. (The runner's
      // stop also sweeps by the run's FMES_RUN_ID, which such a child carries.)
      const closed = new Promise((r) => proc.once('close', r));
      await closed;
    } finally {
      await launcher.dispose();
    }
  });

  it('reaches the model API through the relay; another loopback port and other hosts are refused and reported', async () => {
    const { launcher, notices } = await open();
    try {
      const r = await sh(
        launcher,
        [
          'curl -sS -m 5 "$ANTHROPIC_BASE_URL/v1/messages"; echo "api:$?"',
          `curl -sS -m 5 --noproxy '*' http://127.0.0.1:${otherPort}/; echo "direct:$?"`,
          'curl -sS -m 5 http://example.com/ 2>&1; echo "proxied:$?"',
          'curl -sS -m 5 -o /dev/null https://example.com/ 2>&1; echo "https:$?"',
        ].join('\n'),
      );
      assert.match(r.out, /model says hi\napi:0/);
      assert.ok(seen.includes('GET /v1/messages'));
      assert.match(r.out, /direct:[1-9]/);
      assert.match(r.out, /not an allowed host/);
      assert.match(r.out, /https:[1-9]/);
      assert.ok(
        notices.some((n) => n.includes('refused') && n.includes('example.com:443')),
        notices.join('\n'),
      );
    } finally {
      await launcher.dispose();
    }
  });

  it('says why the route to the model broke, and keeps a CLI error report but never a link swapped in for one', async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const keepDir = path.join(root, '.fmes', 'runs', 'unit');
    const { launcher, notices } = await open({
      env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${deadPort}` },
      keepDir,
    });
    try {
      const r = await sh(
        launcher,
        [
          'curl -sS -m 5 -o /dev/null -w "%{http_code}" "$ANTHROPIC_BASE_URL/v1/messages"; echo " api:$?"',
          'echo \'{"error":"key sk-secret-in-env"}\' > "$TMPDIR/gemini-client-error-a.json"',
          `ln -s ${JSON.stringify(path.join(home, '.netrc'))} "$TMPDIR/gemini-client-error-b.json"`,
          'mkfifo "$TMPDIR/gemini-client-error-c.json"',
          'echo "E connect(5, AF=1 \\"/run/fmes/api.sock\\", 23): Connection refused" >> "$TMPDIR/.fmes-relay.log"',
        ].join('\n'),
      );
      assert.match(r.out, /502 api:0/);
      launcher.afterAttempt();
      const said = notices.join('\n');
      assert.match(
        said,
        new RegExp(`bridge: the model API at 127\\.0\\.0\\.1:${deadPort} failed: GET /v1/messages: .*ECONNREFUSED`),
      );
      assert.match(said, /F-MES sandbox relay: E connect.*Connection refused/);
      const kept = fs.readdirSync(keepDir);
      assert.deepEqual(kept, ['run-unit.gemini-client-error-a.json']);
      const text = fs.readFileSync(path.join(keepDir, kept[0]), 'utf8');
      assert.ok(!text.includes('sk-secret-in-env'), text);
      assert.match(said, /kept claude's error report/);
      // A second look says nothing new.
      const before = notices.length;
      launcher.afterAttempt();
      assert.equal(notices.length, before);
      // The relay log swapped for a link to a file the sandbox hides is not read on the host.
      const tmp = notices[0].match(/writes to ([^,]+\/tmp),/)?.[1];
      assert.ok(tmp, notices[0]);
      fs.rmSync(path.join(tmp, '.fmes-relay.log'));
      fs.symlinkSync(path.join(home, '.netrc'), path.join(tmp, '.fmes-relay.log'));
      launcher.afterAttempt();
      assert.ok(!notices.join('\n').includes('password'), notices.join('\n'));
    } finally {
      await launcher.dispose();
      fs.rmSync(keepDir, { recursive: true, force: true });
    }
  });

  it('a run without its broker does not start: the hook and fmes inside could neither audit nor lock', async () => {
    for (const drop of ['FMES_BROKER', 'FMES_RUN_TOKEN'] as const) {
      const env: Record<string, string> = {
        PATH: '/usr/bin:/bin',
        HOME: home,
        FMES_RUN_ID: 'run-unit',
        ...brokerEnv(),
      };
      delete env[drop];
      await assert.rejects(
        openRunSandbox({
          root,
          cwd: root,
          cli: 'claude',
          agentId: 'me',
          command: 'bash',
          env,
          config: { mode: 'auto', allowedDomains: [], extraWritable: [] },
          redactor: new Redactor({}),
          onNotice: () => undefined,
        }),
        (e: Error) => e.name === 'RunSetupError' && /broker/.test(e.message),
        drop,
      );
    }
  });

  it('binds FMES_BROKER’s socket at its path and passes FMES_RUN_TOKEN', async () => {
    const sock = path.join(scratch, 'broker.sock');
    const srv = net.createServer((c) => c.end('broker here\n'));
    await new Promise<void>((r) => srv.listen(sock, r));
    const { launcher } = await open({ env: { FMES_BROKER: sock, FMES_RUN_TOKEN: 'tok-1' } });
    try {
      const r = await sh(launcher, 'socat - UNIX-CONNECT:"$FMES_BROKER" </dev/null; echo "token:$FMES_RUN_TOKEN"');
      assert.match(r.out, /broker here/);
      assert.match(r.out, /token:tok-1/);
    } finally {
      await launcher.dispose();
      srv.close();
    }
  });

  it('a placeholder stands in for a locked path that does not exist, and is gone after the run', async () => {
    // A worktree run: placeholders go into the run's own checkout.
    const wt = path.join(root, '.trees', 'me-T');
    fs.mkdirSync(wt, { recursive: true });
    lock('acquire', 'src/new/file.ts', 'other');
    const launcher = await openRunSandbox({
      root,
      cwd: wt,
      cli: 'claude',
      agentId: 'me',
      command: 'bash',
      env: { PATH: '/usr/bin:/bin', HOME: home, FMES_RUN_ID: 'run-unit', ...brokerEnv() },
      config: { mode: 'on', allowedDomains: [], extraWritable: [] },
      redactor: new Redactor({}),
      onNotice: () => undefined,
    });
    try {
      assert.ok(fs.statSync(path.join(wt, 'src/new/file.ts')).isDirectory());
      const { out } = await sh(
        launcher,
        'echo x > src/new/file.ts; echo "c:$?"; rmdir src/new/file.ts; echo "r:$?"; mv src/new src/n2; echo "m:$?"',
        wt,
      );
      assert.match(out, /c:[1-9]/);
      assert.match(out, /r:[1-9]/);
      assert.match(out, /m:[1-9]/);
    } finally {
      await launcher.dispose();
      lock('release', 'src/new/file.ts', 'other');
    }
    assert.ok(!fs.existsSync(path.join(wt, 'src')), 'the placeholders were removed');
    execFileSync('rm', ['-rf', path.join(root, '.trees')]);
  });

  it('a protected file the run creates where none was (.mcp.json) is moved out of the way when it ends', async () => {
    const { launcher, notices } = await open();
    try {
      const r = await sh(launcher, 'echo "{}" > .mcp.json; echo "mcp:$?"; touch .locks/forged.lock; echo "locks:$?"');
      assert.match(r.out, /mcp:0/, 'the sandbox cannot bind what does not exist yet');
      assert.match(r.out, /locks:[1-9]/, '.locks exists before the run, read-only');
    } finally {
      await launcher.dispose();
    }
    assert.ok(!fs.existsSync(path.join(root, '.mcp.json')));
    assert.ok(
      notices.some((n) => n.includes('.mcp.json') && n.includes('moved to')),
      notices.join('\n'),
    );
    assert.ok(!fs.existsSync(path.join(root, '.locks/forged.lock')));
  });
});
