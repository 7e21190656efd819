import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { sandboxSupport } from '../../src/core/sandbox/support';
import { agentTestBed, CLAUDE_ANY_COMMAND, fmesRun, fmesSync } from './runHarness';

// The run broker with the REAL Claude Code CLI against the fake model API: the agent's own `fmes lock …` calls
// (the `fmes` bin, dist/fmes.cjs) work through the broker while `.locks/` and `.fmes/` are read-only to them (the
// run's sandbox binds them read-only, which holds even for root); `fmes approve` of its own request and releasing
// another agent's lock are refused, and nothing changes.

const support = sandboxSupport();
const skip = support.ok ? false : `no sandbox on this machine (it makes .locks/ read-only here): ${support.why}`;
const bed = agentTestBed();

/** The lock files of a workspace (`.locks/` also holds folders of its own). */
const lockFiles = (dir: string) =>
  fs
    .readdirSync(path.join(dir, '.locks'))
    .filter((n) => n.endsWith('.lock'))
    .map((n) => path.join(dir, '.locks', n));
const FMES_BIN = path.resolve(__dirname, '../../dist/fmes.cjs');

/** The agent's script: each step's output and exit code into `out`, every fmes call with F-MES's state read-only. */
function script(ws: string, out: string, approvalId: string): string {
  const f = `node ${FMES_BIN}`;
  return [
    '#!/bin/sh',
    '{',
    `touch "${ws}/.locks/probe" "${ws}/.fmes/probe"; echo "probe=$?"`,
    `${f} lock acquire src/a.ts --intent mine; echo "acquire=$?"`,
    `${f} lock status; echo "status=$?"`,
    `${f} lock run src/b.ts -- ${f} lock status --json; echo "run=$?"`,
    `${f} lock release src/a.ts; echo "release=$?"`,
    `${f} approve ${approvalId}; echo "approve=$?"`,
    `${f} lock release src/auth --agent other; echo "other=$?"`,
    `${f} lock release src/auth; echo "other2=$?"`,
    `${f} lock acquire src/auth/x.ts; echo "held=$?"`,
    `} > "${out}" 2>&1`,
    '',
  ].join('\n');
}

describe('the run broker with Claude Code', { skip }, () => {
  it('the agent locks and releases its own paths through the broker; approving and releasing another’s are refused', async () => {
    const w = await bed.workspace('claude', undefined, CLAUDE_ANY_COMMAND);
    fs.mkdirSync(path.join(w.dir, 'src/auth'), { recursive: true });
    fmesSync(w, 'lock', 'acquire', 'src/auth', '--agent', 'other', '--intent', 'theirs');
    // A request of the agent's own, filed through the broker by the hook in a first run.
    const first = await fmesRun(w, ['--task', 'gate', '--prompt', 'FAKE:bash git reset --hard']);
    assert.equal(first.outcome.reason, 'awaitingApproval', first.stderr);
    const [id] = first.outcome.pendingApprovals as string[];
    const approval = JSON.parse(fs.readFileSync(path.join(w.dir, '.fmes/approvals', `${id}.json`), 'utf8')) as {
      agent: string;
      runId: string;
    };
    assert.equal(approval.agent, 'claude');
    assert.equal(approval.runId, first.outcome.runId, 'stamped by the broker with the run of its token');

    const theirs = fs.readFileSync(lockFiles(w.dir)[0], 'utf8');
    // In the workspace: the sandbox hides /tmp, and a run without a plan may write its workspace.
    const out = path.join(w.dir, 'out.txt');
    const sh = path.join(w.dir, 'agent.sh');
    fs.writeFileSync(sh, script(w.dir, out, id));
    const r = await fmesRun(w, ['--task', 'locks', '--prompt', `FAKE:bash sh ${sh}`]);
    assert.equal(r.code, 0, r.stderr);
    const text = fs.readFileSync(out, 'utf8');
    const step = (name: string) => Number(new RegExp(`^${name}=(\\d+)$`, 'm').exec(text)?.[1]);
    assert.notEqual(step('probe'), 0, `.locks/ is read-only to the agent's processes:\n${text}`);
    assert.equal(step('acquire'), 0, text);
    assert.match(text, /^locked src\/a\.ts for claude until /m);
    assert.match(text, /^src\/a\.ts\tclaude\tmine\t/m);
    assert.equal(step('run'), 0, text);
    assert.match(text, /"path":"src\/b\.ts","agent":"claude"/, 'held during the command');
    assert.equal(step('release'), 0, text);
    assert.match(text, /^released src\/a\.ts$/m);
    assert.equal(step('approve'), 77, text);
    assert.equal(step('other'), 77, text);
    assert.equal(step('other2'), 77, text);
    assert.equal(step('held'), 75, text);
    assert.match(text, /src\/auth held by other \(theirs/);
    // Nothing changed: the other agent's lock as it was, only it left; the request still pending.
    assert.equal(lockFiles(w.dir).length, 1);
    assert.equal(fs.readFileSync(lockFiles(w.dir)[0], 'utf8'), theirs);
    const still = JSON.parse(fs.readFileSync(path.join(w.dir, '.fmes/approvals', `${id}.json`), 'utf8')) as {
      status: string;
    };
    assert.equal(still.status, 'pending');
  });
});
