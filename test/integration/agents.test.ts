import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/core/agents/runTypes';
import { WRITE_CONTENT } from '../agents/fakeScenarios';
import { api, fakeClaudeSettings, root, waitFor } from './helpers';

const PLAN = '.antigravity/plans/agents_forever.md';
const FOREVER_TASK = 'T-agent-forever';
const WRITE_TASK = 'T-agent-write';

/** Pids of live processes started for a run: F-MES sets FMES_RUN_ID in the agent's environment, and its tools inherit it. */
function processesOf(runId: string): number[] {
  const wanted = `FMES_RUN_ID=${runId}`;
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(wanted)) pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

async function within<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
  );
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function terminalNamed(name: string): vscode.Terminal | undefined {
  return vscode.window.terminals.find((t) => t.name === name);
}

suite('agents in the editor (real Claude Code against a fake model API)', function () {
  this.timeout(120_000);
  let restore: (() => Promise<void>) | undefined;

  suiteSetup(async () => {
    ({ restore } = await fakeClaudeSettings({ 'run.retries': 0 }));
  });

  suiteTeardown(async () => {
    const a = await api();
    await a.agents.stopAll('the test suite ended');
    for (const t of vscode.window.terminals.filter((x) => x.name.startsWith('F-MES · '))) t.dispose();
    fs.rmSync(path.join(root(), PLAN), { force: true });
    fs.rmSync(path.join(root(), 'hello.txt'), { force: true });
    await waitFor('the plan to leave the panel', () => !a.state.plans.some((m) => m.id === FOREVER_TASK));
    await restore?.();
  });

  test('Run Claude on Plan runs in a terminal, shows in the meter and the panel; Stop Agent kills its whole tree', async () => {
    const a = await api();
    fs.mkdirSync(path.join(root(), path.dirname(PLAN)), { recursive: true });
    fs.writeFileSync(
      path.join(root(), PLAN),
      `---\nid: ${FOREVER_TASK}\ntitle: Keep the agent busy\nagent: claude\nfiles: [src/a.ts]\nrollback: nothing to undo\nmaxTurns: 500\nbudgetUsd: 50\n---\nFAKE:forever\n`,
    );
    await waitFor(
      'the plan in the panel',
      () => a.state.plans.find((m) => m.id === FOREVER_TASK)?.status === 'planned',
    );
    const before = a.meter.snapshot;

    const runId = await vscode.commands.executeCommand<string | undefined>(
      'fmes.runClaudeOnPlan',
      vscode.Uri.file(path.join(root(), PLAN)),
    );
    assert.ok(runId, 'Run Claude on Plan returned no run id (see the F-MES log)');
    const run = a.agents.find(runId);
    assert.ok(run, 'the run is not live');

    const name = `F-MES · claude · ${FOREVER_TASK}`;
    const terminal = await waitFor(`a terminal named ${name}`, () => terminalNamed(name));
    assert.equal(a.agents.terminalOf(runId), terminal);

    await waitFor(
      () => `the agent's tools to run (processes: ${processesOf(runId).length}, turns: ${run.snapshot.turns})`,
      () => run.snapshot.turns >= 2 && processesOf(runId).length > 0,
      60_000,
    );
    await waitFor(
      () => `the cost meter to move from ${before.text} (now ${a.meter.snapshot.text})`,
      () => a.meter.snapshot.text !== before.text,
      60_000,
    );
    assert.match(a.meter.snapshot.tooltip, new RegExp(FOREVER_TASK));

    await waitFor(
      'the mission to be running',
      () => a.state.plans.find((m) => m.id === FOREVER_TASK)?.status === 'running',
    );
    const agentsSection = a.tree.getChildren().find((n) => n.kind === 'section' && n.section === 'agents')!;
    const runNode = await waitFor('the run in the Agents section', () =>
      a.tree.getChildren(agentsSection).find((n) => n.kind === 'run' && n.run.runId === runId),
    );
    const item = a.tree.getTreeItem(runNode);
    assert.equal(item.label, `claude · ${FOREVER_TASK}`);
    assert.equal(item.contextValue, 'run.running');
    assert.match(String(item.description), /^running · \d+ turns? · \$\d+\.\d\d · /);

    const outcome = await within(
      'Stop Agent',
      Promise.resolve(vscode.commands.executeCommand<RunOutcome | undefined>('fmes.stopAgent', runId)),
      20_000,
    );
    assert.equal(outcome?.reason, 'stopped');
    assert.equal((await run.done).reason, 'stopped');
    await waitFor(
      () => `no process of run ${runId} (left: ${processesOf(runId).join(', ')})`,
      () => processesOf(runId).length === 0,
      3000,
    );
    await waitFor(
      'the run to leave the panel',
      () => a.state.runViews.length === 0 && a.state.plans.find((m) => m.id === FOREVER_TASK)?.status !== 'running',
    );
    assert.ok(terminalNamed(name), 'the terminal (and its transcript) stays open after the run');
  });

  test('Ctrl+C in the terminal stops the run; the next key closes the terminal with the exit status', async () => {
    const a = await api();
    const run = await a.agents.startRun({
      cli: 'claude',
      taskId: 'T-agent-ctrlc',
      prompt: 'FAKE:forever',
      maxTurns: 500,
    });
    const terminal = a.agents.terminalOf(run.id)!;
    await waitFor('the first turn', () => run.snapshot.turns >= 1, 60_000);
    terminal.sendText('\x03', false);
    const outcome = await within('the run to stop', run.done, 20_000);
    assert.equal(outcome.reason, 'stopped');
    assert.deepEqual(processesOf(run.id), []);
    // Read through a function: an assertion on the property would narrow it to undefined for good.
    const exitStatus = () => terminal.exitStatus;
    assert.equal(exitStatus(), undefined, 'the transcript stays until a key is pressed');
    let sub: vscode.Disposable | undefined;
    const closed = new Promise<void>(
      (resolve) =>
        (sub = vscode.window.onDidCloseTerminal((t) => {
          if (t === terminal) resolve();
        })),
    );
    terminal.sendText('q', false);
    await within('the terminal to close', closed, 10_000).finally(() => void sub?.dispose());
    assert.equal(exitStatus()?.code, 130);
  });

  test('closing the terminal stops its run', async () => {
    const a = await api();
    const run = await a.agents.startRun({
      cli: 'claude',
      taskId: 'T-agent-close',
      prompt: 'FAKE:forever',
      maxTurns: 500,
    });
    await waitFor('the first turn', () => run.snapshot.turns >= 1, 60_000);
    a.agents.terminalOf(run.id)!.dispose();
    const outcome = await within('the run to stop', run.done, 20_000);
    assert.equal(outcome.reason, 'stopped');
    await waitFor(
      () => `no process of run ${run.id}`,
      () => processesOf(run.id).length === 0,
      3000,
    );
  });

  test('a run that writes a file ends with success, and its cost reaches the meter', async () => {
    const a = await api();
    const run = await a.agents.startRun({ cli: 'claude', taskId: WRITE_TASK, prompt: 'FAKE:write hello.txt' });
    assert.ok(terminalNamed(`F-MES · claude · ${WRITE_TASK}`));
    const outcome = await within('the run to end', run.done, 90_000);
    assert.equal(outcome.reason, 'success', `${outcome.reason}: ${outcome.message}`);
    assert.equal(fs.readFileSync(path.join(root(), 'hello.txt'), 'utf8'), WRITE_CONTENT);
    assert.ok(outcome.sessionId);
    await waitFor('the session in the cost meter', () =>
      a.state.costSummary.sessions.some((s) => s.sessionId === outcome.sessionId && s.taskId === WRITE_TASK),
    );
  });
});
