import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import { after, describe, it } from 'node:test';
import { confirmRepoConfig } from '../../../src/core/configFile';
import { createLogger, nullSink } from '../../../src/core/log';
import { LockManager } from '../../../src/hot/locks/lockManager';
import { WorkspacePaths } from '../../../src/hot/paths/workspacePath';
import { logicalPath, mainWorkspaceOf } from '../../../src/hot/safety/workspaceOf';
import { runHook } from '../../../src/hot/hook/runHook';

const made: string[] = [];
function workspace(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-hook-')));
  made.push(d);
  fs.mkdirSync(path.join(d, 'src'));
  return d;
}
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function lock(root: string, p: string, agent: string): void {
  const m = new LockManager(new WorkspacePaths(root), createLogger(nullSink));
  const r = m.tryAcquire(p, { agent, intent: 'test', pid: null });
  assert.ok(r.ok);
}

function call(
  root: string,
  tool: string,
  input: Record<string, unknown>,
  opts: { agent?: string; cwd?: string; event?: string; env?: Record<string, string> } = {},
) {
  const hookEvent =
    { 'post-tool-use': 'PostToolUse', 'post-tool-use-failure': 'PostToolUseFailure' }[opts.event ?? ''] ?? 'PreToolUse';
  const stdin = JSON.stringify({
    session_id: 'sess-1',
    cwd: opts.cwd ?? root,
    hook_event_name: hookEvent,
    tool_name: tool,
    tool_input: input,
    tool_use_id: 'tu-1',
    duration_ms: 12,
  });
  return runHook([opts.event ?? 'pre-tool-use', ...(opts.agent ? ['--agent', opts.agent] : []), '--workspace', root], {
    stdin,
    env: opts.env ?? {},
    self: '',
  });
}

function audit(root: string): { outcome: string; tool: string; agent: string; input: string; reason?: string }[] {
  const dir = path.join(root, '.fmes/audit');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as never);
}

describe('fmes hook pre-tool-use', () => {
  it('denies (exit 2, reason on stderr) a Write under a folder another agent holds; allows the holder', () => {
    const root = workspace();
    lock(root, 'src', 'gemini');
    const denied = call(root, 'Write', { file_path: path.join(root, 'src/a.ts'), content: 'x' }, { agent: 'claude' });
    assert.equal(denied.exitCode, 2);
    assert.match(denied.stderr, /src\/a\.ts.*locked by gemini \(test\)/);
    assert.equal(
      call(root, 'Write', { file_path: 'src/a.ts', content: 'x' }, { agent: 'gemini' }).exitCode,
      0,
      'the holder may write',
    );
    assert.equal(
      call(root, 'Write', { file_path: 'docs/x.md', content: 'x' }, { agent: 'claude' }).exitCode,
      0,
      'elsewhere is free',
    );
    assert.equal(audit(root).filter((a) => a.outcome === 'denied').length, 1, 'the denial is audited');
  });

  it('knows the agent from FMES_AGENT when --agent is absent', () => {
    const root = workspace();
    lock(root, 'src/a.ts', 'claude');
    assert.equal(
      call(root, 'Edit', { file_path: 'src/a.ts', old_string: 'a', new_string: 'b' }, { env: { FMES_AGENT: 'claude' } })
        .exitCode,
      0,
    );
    assert.equal(
      call(root, 'Edit', { file_path: 'src/a.ts', old_string: 'a', new_string: 'b' }, { env: { FMES_AGENT: 'codex' } })
        .exitCode,
      2,
    );
  });

  it('maps a shadow worktree path to the logical path the lock names', () => {
    const root = workspace();
    lock(root, 'src/a.ts', 'gemini');
    const tree = path.join(root, '.trees', 'claude-T1');
    fs.mkdirSync(path.join(tree, 'src'), { recursive: true });
    const r = call(
      root,
      'Write',
      { file_path: path.join(tree, 'src/a.ts'), content: 'x' },
      { agent: 'claude', cwd: tree },
    );
    assert.equal(r.exitCode, 2);
    assert.equal(mainWorkspaceOf(path.join(tree, 'src')), root);
    assert.equal(logicalPath(path.join(tree, 'src/a.ts'), root), 'src/a.ts');
    assert.equal(logicalPath('/elsewhere/x', root), undefined);
  });

  it('Bash: deny-listed commands and commands that write a held path are denied', () => {
    const root = workspace();
    lock(root, 'src/a.ts', 'gemini');
    const force = call(root, 'Bash', { command: 'npm test && git push -f origin main' }, { agent: 'claude' });
    assert.equal(force.exitCode, 2);
    assert.match(force.stderr, /rule/);
    const sed = call(root, 'Bash', { command: "sed -i 's/a/b/' src/a.ts" }, { agent: 'claude' });
    assert.equal(sed.exitCode, 2);
    assert.match(sed.stderr, /src\/a\.ts/);
    assert.equal(call(root, 'Bash', { command: 'git status && npm test' }, { agent: 'claude' }).exitCode, 0);
  });

  it('~ in a path is the home folder: a home inside the workspace is guarded like any path', () => {
    const root = workspace();
    lock(root, 'src/a.ts', 'gemini');
    const r = runHook(['pre-tool-use', '--agent', 'claude', '--workspace', root], {
      stdin: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'echo x > ~/src/a.ts' }, cwd: '/' }),
      env: { HOME: root },
      self: '',
    });
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /src\/a\.ts/);
  });

  it('Bash whose writes cannot be read: asked while others hold locks, allowed when nobody does', () => {
    const root = workspace();
    const cmd = { command: 'echo y > "$OUT"' };
    assert.equal(call(root, 'Bash', cmd, { agent: 'claude' }).stdout, '', 'no locks: allowed');
    lock(root, 'docs', 'gemini');
    const r = call(root, 'Bash', cmd, { agent: 'claude' });
    assert.equal(r.exitCode, 0);
    assert.equal(
      (JSON.parse(r.stdout) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput
        .permissionDecision,
      'ask',
    );
  });

  it('inline interpreter code that writes files is asked about whoever holds locks (it is read, not run)', () => {
    const root = workspace();
    const r = call(root, 'Bash', { command: "python3 -c \"open('x','w').write('y')\"" }, { agent: 'claude' });
    assert.match(r.stdout, /"permissionDecision":"ask"/);
    assert.equal(call(root, 'Bash', { command: 'python3 -c "print(42)"' }, { agent: 'claude' }).stdout, '');
  });

  it('directory ownership: only the planner writes .antigravity/, nobody writes .locks/ with a tool', () => {
    const root = workspace();
    assert.equal(
      call(root, 'Write', { file_path: '.antigravity/plans/p.md', content: 'x' }, { agent: 'claude' }).exitCode,
      2,
    );
    assert.equal(
      call(root, 'Write', { file_path: '.antigravity/plans/p.md', content: 'x' }, { agent: 'antigravity-1' }).exitCode,
      0,
    );
    const forge = call(root, 'Bash', { command: 'rm .locks/src%2Fa.ts.lock' }, { agent: 'claude' });
    assert.equal(forge.exitCode, 2);
    assert.match(forge.stderr, /\.locks\/ is protected/);
  });

  it('settings in .fmes/config.json change ownership and rules', () => {
    const root = workspace();
    fs.mkdirSync(path.join(root, '.fmes'));
    fs.writeFileSync(
      path.join(root, '.fmes/config.json'),
      JSON.stringify({
        safety: { ownership: { 'infra/': ['sre-*'] }, rules: [{ id: 'git-push-force', disabled: true }] },
      }),
    );
    confirmRepoConfig(root);
    assert.equal(call(root, 'Write', { file_path: 'infra/main.tf', content: 'x' }, { agent: 'claude' }).exitCode, 2);
    assert.equal(call(root, 'Write', { file_path: 'infra/main.tf', content: 'x' }, { agent: 'sre-bot' }).exitCode, 0);
  });

  it('bad input never allows silently: unreadable JSON is denied', () => {
    const r = runHook(['pre-tool-use'], { stdin: '{"tool_na', env: {}, self: '' });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /not JSON.*denied/);
    assert.equal(runHook(['nonsense'], { stdin: '{}', env: {}, self: '' }).exitCode, 2);
  });
});

describe('fmes hook post-tool-use', () => {
  it('writes one audit record per call: agent, session, tool, summary without contents or secrets', () => {
    const root = workspace();
    const secret = 'sk-live-abcdefghijklmnop1234';
    call(
      root,
      'Write',
      { file_path: 'src/b.ts', content: 'a'.repeat(50) },
      { agent: 'claude', event: 'post-tool-use' },
    );
    call(
      root,
      'Bash',
      { command: `curl -H "Authorization: Bearer ${secret}" https://x` },
      { agent: 'claude', event: 'post-tool-use', env: { API_TOKEN: secret } },
    );
    const a = audit(root);
    assert.equal(a.length, 2);
    assert.deepEqual(
      a.map((x) => [x.tool, x.outcome, x.agent]),
      [
        ['Write', 'ok', 'claude'],
        ['Bash', 'ok', 'claude'],
      ],
    );
    assert.equal(a[0].input, 'src/b.ts (50 chars)', 'sizes, not contents');
    assert.ok(!JSON.stringify(a).includes(secret), 'the token is redacted');
  });
});

describe('audit webhook', () => {
  it('posts each record (Slack-compatible text) from a detached process; the hook itself does not wait', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      let b = '';
      req.on('data', (d: Buffer) => (b += d.toString()));
      req.on('end', () => {
        bodies.push(b);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const root = workspace();
      fs.mkdirSync(path.join(root, '.fmes'));
      fs.writeFileSync(
        path.join(root, '.fmes/config.json'),
        JSON.stringify({ safety: { auditWebhook: `http://127.0.0.1:${port}/hook` } }),
      );
      confirmRepoConfig(root);
      const hook = path.resolve(__dirname, '../../../dist/hook.cjs');
      const stdin = JSON.stringify({
        session_id: 's',
        cwd: root,
        tool_name: 'Bash',
        tool_input: { command: 'echo webhook-test' },
        tool_response: { stdout: 'webhook-test' },
      });
      const r = runHook(['post-tool-use', '--agent', 'claude', '--workspace', root], { stdin, env: {}, self: hook });
      assert.equal(r.exitCode, 0);
      for (let i = 0; i < 400 && bodies.length === 0; i++) await new Promise((res) => setTimeout(res, 25));
      assert.equal(bodies.length, 1, 'delivered once');
      const body = JSON.parse(bodies[0]) as { text: string; record: { tool: string; agent: string } };
      assert.match(body.text, /claude Bash echo webhook-test/);
      assert.equal(body.record.tool, 'Bash');
    } finally {
      server.close();
    }
  });
});
