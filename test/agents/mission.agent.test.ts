import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Scratch } from './cliEnv';
import { startFakeModelApi, type FakeModelApi } from './fakeModelApi';
import { git } from '../fixtures/git';
import {
  CLAUDE_ANY_COMMAND,
  FMES,
  fmes,
  fmesEnv,
  multiAgentWorkspace,
  type AgentSetup,
  type FmesProcess,
} from './runHarness';

// `fmes mission run` drives a plan through the whole loop with the REAL agent CLIs against the fake model API:
// shadow worktree, locks, agent, report, commit, cross-check, TODO.md, merge; failover down the chain; handoff.

let api: FakeModelApi;
const scratches: Scratch[] = [];
before(async () => {
  api = await startFakeModelApi();
});
after(async () => {
  await api.close();
  for (const s of scratches) await s.cleanup();
});

/** A scratch repository for a mission, the agents run with F-MES's defaults unless `claude` says otherwise. */
async function repo(clis: ('claude' | 'gemini' | 'codex')[], chain = clis, claude?: AgentSetup): Promise<string> {
  const s = await multiAgentWorkspace(clis, api, { orchestrator: { chain, retries: 0 } }, claude ? { claude } : {});
  scratches.push(s);
  fs.writeFileSync(path.join(s.dir, 'TODO.md'), '# TODO\n\n- [ ] a line a person wrote\n\nNotes stay here.\n');
  fs.writeFileSync(path.join(s.dir, '.gitignore'), '.fmes/\n.locks/\n.trees/\n.claude/cost_logs/\n');
  git(s.dir, 'add', '.');
  git(s.dir, 'commit', '-q', '-m', 'todo');
  return s.dir;
}

function plan(dir: string, id: string, o: { files: string[]; body: string; agent?: string; risk?: string }): string {
  const file = path.join(dir, '.antigravity/plans', `${id}.md`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const front = [
    `id: ${id}`,
    `title: Mission ${id}`,
    `agent: ${o.agent ?? 'auto'}`,
    `files: [${o.files.join(', ')}]`,
    `risk: ${o.risk ?? 'low'}`,
    'rollback: git revert the merge',
  ];
  fs.writeFileSync(file, `---\n${front.join('\n')}\n---\n\n${o.body}\n`);
  return file;
}

function record(
  dir: string,
  task: string,
): Record<string, unknown> & {
  state: string;
  attempts: { agent: string; ok: boolean; reason: string }[];
  crossCheck?: { undeclared: string[]; ok: boolean };
  report?: string;
  handoff?: string;
  worktree?: string;
  branch?: string;
} {
  return JSON.parse(fs.readFileSync(path.join(dir, '.fmes/missions', `${task}.json`), 'utf8')) as ReturnType<
    typeof record
  >;
}

function states(r: FmesProcess): string[] {
  return r.lines.filter((l) => l.type === 'state').map((l) => (l.record as { state: string }).state);
}

describe('fmes mission with the real Claude Code CLI', () => {
  it('runs a plan end to end in a shadow worktree, then merges it', async () => {
    const dir = await repo(['claude']);
    const file = plan(dir, 'greet', {
      files: ['src/greeting.txt'],
      body: 'Write the greeting file.\n\nFAKE:write src/greeting.txt',
    });
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(states(r).slice(0, 2), ['queued', 'queued']);
    assert.ok(states(r).includes('running'));
    assert.equal(states(r).at(-1), 'readyToMerge');
    const rec = record(dir, 'greet');
    assert.equal(rec.worktree, '.trees/claude-greet');
    assert.equal(rec.branch, 'fmes/greet');
    assert.deepEqual(
      rec.attempts.map((a) => [a.agent, a.ok]),
      [['claude@greet', true]],
    );
    assert.deepEqual(rec.crossCheck?.undeclared, []);
    // The agent really wrote in the worktree, F-MES committed it on the branch, the main checkout is untouched.
    assert.equal(
      fs.readFileSync(path.join(dir, '.trees/claude-greet/src/greeting.txt'), 'utf8'),
      'hello from fake model\n',
    );
    assert.match(
      git(dir, 'show', '--name-only', '--format=%s', 'fmes/greet'),
      /greet: Mission greet[\s\S]*src\/greeting\.txt/,
    );
    assert.ok(!fs.existsSync(path.join(dir, 'src/greeting.txt')));
    // The agent wrote no report, so F-MES wrote one from the run; the locks were released.
    const report = JSON.parse(fs.readFileSync(path.join(dir, rec.report!), 'utf8')) as {
      status: string;
      writtenBy: string;
      changedFiles: string[];
    };
    assert.equal(report.status, 'success');
    assert.equal(report.writtenBy, 'fmes');
    assert.deepEqual(report.changedFiles, ['src/greeting.txt']);
    assert.deepEqual(
      fs.readdirSync(path.join(dir, '.locks')).filter((f) => f.endsWith('.lock')),
      [],
    );
    const todo = fs.readFileSync(path.join(dir, 'TODO.md'), 'utf8');
    assert.match(todo, /- \[ \] a line a person wrote/);
    assert.match(todo, /Notes stay here\./);
    assert.match(todo, /greet/);

    const m = await fmes(dir, ['mission', 'merge', 'greet']);
    assert.equal(m.code, 0, `${m.stdout}\n${m.stderr}`);
    assert.equal(fs.readFileSync(path.join(dir, 'src/greeting.txt'), 'utf8'), 'hello from fake model\n');
    assert.equal(record(dir, 'greet').state, 'merged');
    assert.ok(!fs.existsSync(path.join(dir, '.trees/claude-greet')), 'the merged worktree is removed');
    assert.match(fs.readFileSync(path.join(dir, 'TODO.md'), 'utf8'), /- \[x\].*greet/);
  });

  it("takes the agent's own report from the worktree and holds undeclared changes for review", async () => {
    // Claude's own permissions ask before any command writes under .claude/ (where the agent's report goes), even
    // with Bash allowed: this agent runs with its permission checks off (F-MES's hook still guards each call).
    const dir = await repo(['claude'], ['claude'], { args: ['--dangerously-skip-permissions'] });
    const reportJson = JSON.stringify({
      agent: 'claude@wide',
      taskId: 'wide',
      status: 'success',
      summary: 'did it',
      changedFiles: ['src/a.txt'],
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
    });
    const cmd = `mkdir -p src other .claude/outbox && echo a > src/a.txt && echo b > other/b.txt && echo '${reportJson}' > .claude/outbox/report.json`;
    const file = plan(dir, 'wide', { files: ['src/'], body: `FAKE:bash ${cmd}` });
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 4, `${r.stdout}\n${r.stderr}`);
    const rec = record(dir, 'wide');
    assert.equal(rec.state, 'review');
    assert.deepEqual(rec.crossCheck?.undeclared, ['other/b.txt']);
    const report = JSON.parse(fs.readFileSync(path.join(dir, rec.report!), 'utf8')) as { summary: string };
    assert.equal(report.summary, 'did it', "the agent's report, moved to the main outbox");
    assert.ok(
      !fs.existsSync(path.join(dir, '.trees/claude-wide/.claude/outbox/report.json')),
      'and out of the worktree',
    );
    assert.doesNotMatch(
      git(dir, 'show', '--name-only', '--format=', 'fmes/wide'),
      /report\.json/,
      'never committed on the branch',
    );
    const refused = await fmes(dir, ['mission', 'merge', 'wide']);
    assert.equal(refused.code, 2, 'a mission in review merges only with --approved');
    assert.match(refused.stderr, /needs review.*undeclared changes: other\/b\.txt/);
    const m = await fmes(dir, ['mission', 'merge', 'wide', '--approved']);
    assert.equal(m.code, 0, m.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'other/b.txt')));
  });

  it('fails over from Claude to Gemini, rolling back the failed attempt', async () => {
    const dir = await repo(['claude', 'gemini']);
    const file = plan(dir, 'hop', { files: ['src/hop.txt'], body: 'FAKE@anthropic:error 529\nFAKE:write src/hop.txt' });
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const rec = record(dir, 'hop');
    assert.deepEqual(
      rec.attempts.map((a) => [a.agent, a.ok, a.reason]),
      [
        ['claude@hop', false, 'apiError'],
        ['gemini@hop', true, 'success'],
      ],
    );
    assert.equal(rec.state, 'readyToMerge');
    assert.ok(r.lines.some((l) => l.type === 'note' && /claude@hop failed \(apiError/.test(String(l.message))));
    assert.match(git(dir, 'show', '--name-only', '--format=', 'fmes/hop'), /src\/hop\.txt/);
  });

  it('hands off to a person when every agent in the chain fails', async () => {
    const dir = await repo(['claude', 'gemini']);
    const file = plan(dir, 'down', { files: ['src/down.txt'], body: 'FAKE:error 529' });
    const r = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(r.code, 5, `${r.stdout}\n${r.stderr}`);
    const rec = record(dir, 'down');
    assert.equal(rec.state, 'handedOff');
    assert.deepEqual(
      rec.attempts.map((a) => a.agent),
      ['claude@down', 'gemini@down'],
    );
    assert.equal(rec.handoff, 'HANDOFF_REPORT.md');
    const handoff = fs.readFileSync(path.join(dir, 'HANDOFF_REPORT.md'), 'utf8');
    assert.match(handoff, /taskId: down/);
    assert.match(handoff, /status: needs-human/);
    assert.match(handoff, /claude@down/);
    assert.match(handoff, /gemini@down/);
    const v = await fmes(dir, ['validate', path.join(dir, 'HANDOFF_REPORT.md')]);
    assert.equal(v.code, 0, `the handoff is a valid artifact: ${v.stdout}${v.stderr}`);
  });

  it('refuses a plan whose files another agent holds, naming the holder', async () => {
    const dir = await repo(['claude']);
    const held = await fmes(dir, ['lock', 'acquire', 'src/busy.txt', '--agent', 'cursor-human', '--ttl', '600']);
    assert.equal(held.code, 0, held.stderr);
    fs.writeFileSync(
      path.join(dir, '.fmes/config.json'),
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(path.join(dir, '.fmes/config.json'), 'utf8')),
        orchestrator: { chain: ['claude'], onConflict: 'refuse' },
      }),
    );
    const file = plan(dir, 'busy', { files: ['src/busy.txt'], body: 'FAKE:write src/busy.txt' });
    const r = await fmes(dir, ['mission', 'run', file]);
    assert.equal(r.code, 75, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /refused.*src\/busy\.txt.*cursor-human/);
    assert.equal(record(dir, 'busy').attempts.length, 0, 'no agent ran');
  });

  it('stops a high-risk plan for approval, then runs it once approved', async () => {
    const dir = await repo(['claude']);
    const file = plan(dir, 'risky', { files: ['src/r.txt'], risk: 'high', body: 'FAKE:write src/r.txt' });
    const first = await fmes(dir, ['mission', 'run', file]);
    assert.equal(first.code, 4, `${first.stdout}\n${first.stderr}`);
    const rec = record(dir, 'risky');
    assert.equal(rec.state, 'awaitingApproval');
    const id = String(rec.approval);
    const ok = await fmes(dir, ['approve', id, '--by', 'human:test']);
    assert.equal(ok.code, 0, ok.stderr);
    const second = await fmes(dir, ['mission', 'run', file]);
    assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
    assert.equal(record(dir, 'risky').state, 'readyToMerge');
  });

  it('a run that stops for an ask-tier command continues its session once the call is approved', async () => {
    const dir = await repo(['claude'], ['claude'], CLAUDE_ANY_COMMAND);
    const file = plan(dir, 'gate', {
      files: ['approved.txt'],
      // An ask-tier command that works in the agent's sandbox: `git reset --hard` would move a ref of the main
      // repository, which the sandbox keeps read-only (F-MES commits after the run).
      body: 'Clean up, then mark it.\n\nFAKE:bash git clean -fd && touch approved.txt',
    });
    const first = await fmes(dir, ['mission', 'run', file]);
    assert.equal(first.code, 4, `${first.stdout}\n${first.stderr}`);
    const rec = record(dir, 'gate');
    assert.equal(rec.state, 'awaitingApproval');
    assert.equal(rec.attempts.at(-1)?.reason, 'awaitingApproval');
    assert.ok(!fs.existsSync(path.join(dir, '.trees/claude-gate/approved.txt')), 'nothing ran before the approval');
    const ok = await fmes(dir, ['approve', String(rec.approval), '--by', 'human:ops']);
    assert.match(ok.stdout, /continue the mission with: fmes mission run \.antigravity\/plans\/gate\.md/);
    const second = await fmes(dir, ['mission', 'run', '--json', file]);
    assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
    const attempt = second.lines.find((l) => l.type === 'run' && (l.event as { type: string }).type === 'attempt')
      ?.event as { session: string } | undefined;
    assert.equal(attempt?.session, 'resume', 'the same session goes on');
    assert.equal(record(dir, 'gate').state, 'readyToMerge');
    assert.match(git(dir, 'show', '--name-only', '--format=', 'fmes/gate'), /approved\.txt/);
  });

  it('a conflicting merge stays in progress for the merge editor; merging again after the fix concludes it', async () => {
    const dir = await repo(['claude']);
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src/c.txt'), 'base\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    const file = plan(dir, 'clash', { files: ['src/c.txt'], body: 'FAKE:write src/c.txt' });
    assert.equal((await fmes(dir, ['mission', 'run', file])).code, 0);
    fs.writeFileSync(path.join(dir, 'src/c.txt'), 'a person changed it meanwhile\n');
    git(dir, 'commit', '-q', '-am', 'meanwhile');
    const m = await fmes(dir, ['mission', 'merge', 'clash']);
    assert.equal(m.code, 4, `${m.stdout}\n${m.stderr}`);
    assert.match(m.stdout, /conflicts in:\n\s+src\/c\.txt/);
    assert.equal(record(dir, 'clash').state, 'conflicted');
    assert.match(fs.readFileSync(path.join(dir, 'src/c.txt'), 'utf8'), /<<<<<<<[\s\S]*>>>>>>>/);
    // A person resolves the file (as the merge editor's Complete Merge does: write it and stage it).
    fs.writeFileSync(path.join(dir, 'src/c.txt'), 'resolved\n');
    git(dir, 'add', 'src/c.txt');
    const again = await fmes(dir, ['mission', 'merge', 'clash']);
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
    assert.equal(record(dir, 'clash').state, 'merged');
    assert.match(git(dir, 'log', '-1', '--format=%P'), /^\w+ \w+\n$/, 'a merge commit with two parents');
  });

  it('discard needs confirmation and keeps the work under a backup ref; roll back restores the snapshot', async () => {
    const dir = await repo(['claude']);
    const a = plan(dir, 'drop', { files: ['src/d.txt'], body: 'FAKE:write src/d.txt' });
    assert.equal((await fmes(dir, ['mission', 'run', a])).code, 0);
    assert.equal((await fmes(dir, ['mission', 'discard', 'drop'])).code, 2, 'no --yes, no discard');
    assert.equal(record(dir, 'drop').state, 'readyToMerge');
    const d = await fmes(dir, ['mission', 'discard', 'drop', '--yes']);
    assert.equal(d.code, 0, d.stderr);
    const ref = /kept at (\S+)/.exec(d.stdout)?.[1];
    assert.ok(ref?.startsWith('refs/fmes/discarded/drop/'), d.stdout);
    assert.match(
      git(dir, 'show', '--name-only', '--format=', ref!),
      /src\/d\.txt/,
      'the discarded work is still reachable',
    );
    assert.ok(!fs.existsSync(path.join(dir, '.trees/claude-drop')));

    const b = plan(dir, 'undo', { files: ['src/u.txt'], body: 'FAKE:write src/u.txt' });
    assert.equal((await fmes(dir, ['mission', 'run', b])).code, 0);
    const rb = await fmes(dir, ['mission', 'rollback', 'undo']);
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal(record(dir, 'undo').state, 'rolledBack');
    assert.ok(
      !fs.existsSync(path.join(dir, '.trees/claude-undo/src/u.txt')),
      'the committed change is undone in the worktree',
    );
    const list = await fmes(dir, ['mission', 'list']);
    assert.match(list.stdout, /undo\trolledBack/);
    assert.match(list.stdout, /drop\tdiscarded/);
  });

  it('fmes watch --orchestrate turns a plan that appears into a mission, and stops cleanly on Ctrl-C', async () => {
    const dir = await repo(['claude']);
    const child = spawn(process.execPath, [FMES, '--workspace', dir, 'watch', '--orchestrate', '--json'], {
      cwd: dir,
      env: fmesEnv(dir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !out.includes('"type":"ready"'); i++) await new Promise((r) => setTimeout(r, 50));
      plan(dir, 'watched', { files: ['src/w.txt'], body: 'FAKE:write src/w.txt' });
      const file = path.join(dir, '.fmes/missions/watched.json');
      for (let i = 0; i < 600 && !(fs.existsSync(file) && record(dir, 'watched').state === 'readyToMerge'); i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(record(dir, 'watched').state, 'readyToMerge', `${out}\n${err}`);
      assert.match(out, /"type":"plan.added"/);
      // The record is on disk before the watch prints its line: wait for the line too.
      for (let i = 0; i < 100 && !/"type":"state".*"state":"readyToMerge"/.test(out); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /"type":"state".*"state":"readyToMerge"/);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, err);
  });
  it('fmes watch --orchestrate continues a mission once a person decides its approval', async () => {
    const dir = await repo(['claude']);
    const child = spawn(process.execPath, [FMES, '--workspace', dir, 'watch', '--orchestrate', '--json'], {
      cwd: dir,
      env: fmesEnv(dir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const file = path.join(dir, '.fmes/missions/gated.json');
    const stateIs = (s: string) => fs.existsSync(file) && record(dir, 'gated').state === s;
    try {
      for (let i = 0; i < 200 && !out.includes('"type":"ready"'); i++) await new Promise((r) => setTimeout(r, 50));
      plan(dir, 'gated', { files: ['src/g.txt'], risk: 'high', body: 'FAKE:write src/g.txt' });
      for (let i = 0; i < 300 && !stateIs('awaitingApproval'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(record(dir, 'gated').state, 'awaitingApproval', `${out}\n${err}`);
      assert.ok(!fs.existsSync(path.join(dir, '.trees/claude-gated/src/g.txt')), 'nothing ran before the approval');
      // A person approves from another shell; the running watch continues the mission by itself.
      const ok = await fmes(dir, ['approve', String(record(dir, 'gated').approval), '--by', 'human:test']);
      assert.equal(ok.code, 0, ok.stderr);
      for (let i = 0; i < 600 && !stateIs('readyToMerge'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(record(dir, 'gated').state, 'readyToMerge', `${out}\n${err}`);
      assert.equal(fs.readFileSync(path.join(dir, '.trees/claude-gated/src/g.txt'), 'utf8'), 'hello from fake model\n');
      // The record is on disk before the watch prints its line: wait for the line too.
      const printed = /"type":"state".*"taskId":"gated".*"state":"readyToMerge"/;
      for (let i = 0; i < 100 && !printed.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, printed);
      assert.deepEqual(
        record(dir, 'gated').attempts.map((a) => [a.agent, a.ok]),
        [['claude@gated', true]],
        'the agent ran once, after the approval',
      );
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, err);
  });
});
