import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { agentTestBed, auditOf, CLAUDE_ANY_COMMAND, fmesRun, fmesSync } from './runHarness';

// F-MES's hooks in sessions started by `fmes run`, with the REAL Claude Code CLI against the fake model API.

const bed = agentTestBed();
const ws = () => bed.workspace('claude');
// After a person approves a call, Claude's own permissions still refuse a command outside allowedTools: the
// approval-gate tests let Claude run any command (F-MES's hook still guards each), as such a user configures.
const wsAnyCommand = () => bed.workspace('claude', undefined, CLAUDE_ANY_COMMAND);

const fmes = fmesSync;

const denials = (r: Awaited<ReturnType<typeof fmesRun>>) =>
  r.events.filter((e) => e.type === 'agent' && (e.event as { type: string }).type === 'denial');

describe('hooks in sessions F-MES starts', () => {
  it('a Write to a path another agent holds is denied, listed as a denial, and audited', async () => {
    const w = await ws();
    fs.mkdirSync(path.join(w.dir, 'src'));
    fmes(w, 'lock', 'acquire', 'src/a.ts', '--agent', 'gemini', '--intent', 'refactor');
    const r = await fmesRun(w, ['--task', 'locked', '--prompt', 'FAKE:write src/a.ts']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!fs.existsSync(path.join(w.dir, 'src/a.ts')), 'the file was not written');
    assert.equal(denials(r).length, 1);
    assert.equal(r.outcome.denials, 1, 'the result lists it in permission_denials');
    const denied = auditOf(w).filter((a) => a.outcome === 'denied');
    assert.equal(denied.length, 1);
    assert.equal(denied[0].tool, 'Write');
    assert.equal(denied[0].agent, 'claude');
    assert.match(denied[0].reason!, /locked by gemini \(refactor\)/);
  });

  it('the same lock protects the file in a shadow worktree', async () => {
    const w = await ws();
    fs.mkdirSync(path.join(w.dir, 'src'));
    const tree = path.join(w.dir, '.trees', 'claude-T9');
    execFileSync('git', ['worktree', 'add', '-q', '-b', 'fmes/T9', tree], {
      cwd: w.dir,
      env: { ...process.env, HOME: w.home },
    });
    fmes(w, 'lock', 'acquire', 'src/a.ts', '--agent', 'codex');
    const r = await fmesRun(w, ['--task', 'T9', '--cwd', tree, '--prompt', 'FAKE:write src/a.ts']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      !fs.statSync(path.join(tree, 'src/a.ts'), { throwIfNoEntry: false })?.isFile(),
      'not written in the worktree either',
    );
    // Refused by the hook, or before it: the sandbox holds an empty directory in place of a locked path that does
    // not exist yet, and Claude's Write tool checks its target (EISDIR) before it calls any hook.
    const bySandbox = auditOf(w).some((a) => a.tool === 'sandbox' && a.outcome === 'denied');
    assert.ok(r.outcome.denials === 1 || bySandbox, JSON.stringify(auditOf(w)));
  });

  it('a deny-listed Bash command never runs, not even the harmless part of its chain', async () => {
    const w = await ws();
    const r = await fmesRun(w, [
      '--task',
      'force',
      '--prompt',
      'FAKE:bash touch ran.txt && git push --force origin main',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!fs.existsSync(path.join(w.dir, 'ran.txt')), 'the command did not run');
    assert.equal(denials(r).length, 1);
    const denied = auditOf(w).find((a) => a.outcome === 'denied');
    assert.ok(denied);
    assert.equal(denied.tool, 'Bash');
  });

  it('allowed tool calls are audited with the agent, the command and the outcome', async () => {
    const w = await ws();
    const r = await fmesRun(w, ['--task', 'ok', '--prompt', 'FAKE:bash echo audited-call']);
    assert.equal(r.code, 0, r.stderr);
    const ok = auditOf(w).filter((a) => a.outcome === 'ok');
    assert.equal(ok.length, 1);
    assert.equal(ok[0].tool, 'Bash');
    assert.equal(ok[0].agent, 'claude');
    assert.match(ok[0].input, /echo audited-call/);
  });
});

describe('the approval gate in headless runs', () => {
  it('an ask-tier command waits for a person; approved, the resumed session runs it exactly once', async () => {
    const w = await wsAnyCommand();
    const prompt = 'FAKE:bash git reset --hard && touch approved.txt';
    const first = await fmesRun(w, ['--task', 'gate', '--prompt', prompt]);
    assert.equal(first.code, 4, first.stderr);
    assert.equal(first.outcome.reason, 'awaitingApproval');
    assert.ok(!fs.existsSync(path.join(w.dir, 'approved.txt')), 'not run before the approval');
    const pending = first.outcome.pendingApprovals as string[];
    assert.equal(pending.length, 1);
    const listed = fmes(w, 'approvals', '--json');
    assert.equal((JSON.parse(listed) as { id: string; status: string }[])[0].id, pending[0]);

    fmes(w, 'approve', pending[0], '--by', 'human:ops', '--note', 'ok for the scratch repo');
    const second = await fmesRun(w, ['--task', 'gate', '--resume', '--prompt', prompt]);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(fs.existsSync(path.join(w.dir, 'approved.txt')), 'the approved call ran');
    assert.equal(
      (JSON.parse(fmes(w, 'approvals', '--all', '--json')) as { status: string }[])[0].status,
      'used',
      'an approval covers one call',
    );
  });

  it('a rejected request is denied with the note, and never asked again', async () => {
    const w = await wsAnyCommand();
    const prompt = 'FAKE:bash git clean -fdx && touch cleaned.txt';
    const first = await fmesRun(w, ['--task', 'rej', '--prompt', prompt]);
    assert.equal(first.outcome.reason, 'awaitingApproval');
    fmes(w, 'reject', (first.outcome.pendingApprovals as string[])[0], '--note', 'never in this repo');
    const second = await fmesRun(w, ['--task', 'rej', '--resume', '--prompt', prompt]);
    assert.equal(second.outcome.reason, 'success', 'nothing pending: the agent was told no');
    assert.ok(!fs.existsSync(path.join(w.dir, 'cleaned.txt')));
    assert.match(JSON.stringify(second.events), /never in this repo/);
  });
});
