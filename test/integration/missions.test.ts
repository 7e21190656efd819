import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { ApprovalStore } from '../../src/core/safety/approvals';
import { api, fakeClaudeSettings, root, waitFor } from './helpers';

const TASK = 'T-mission-clash';
const PLAN = `.antigravity/plans/${TASK}.md`;
const FILE = 'src/clash.txt';
const AUTO_TASK = 'T-mission-auto';
const GATE_TASK = 'T-mission-gate';
const GATE_PLAN = `.antigravity/plans/${GATE_TASK}.md`;
const AUTO_PLAN = `.antigravity/plans/${AUTO_TASK}.md`;

function git(...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@fmes.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@fmes.invalid',
  };
  return execFileSync('git', args, { cwd: root(), env, encoding: 'utf8' });
}

/** A merge editor tab's input (VS Code's TabInputTextMerge, not in the @types/vscode F-MES builds against). */
interface MergeInput {
  base: vscode.Uri;
  input1: vscode.Uri;
  input2: vscode.Uri;
  result: vscode.Uri;
}

function mergeTabs(): MergeInput[] {
  const isMerge = (i: unknown): i is MergeInput =>
    !!i &&
    typeof i === 'object' &&
    ['base', 'input1', 'input2', 'result'].every((k) => (i as Record<string, unknown>)[k] instanceof vscode.Uri);
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.input)).filter(isMerge);
}

suite('missions in the editor (real Claude Code against a fake model API)', function () {
  this.timeout(120_000);
  let restore: (() => Promise<void>) | undefined;
  const fmes = () => vscode.workspace.getConfiguration('fmes');

  suiteSetup(async () => {
    ({ restore } = await fakeClaudeSettings({ 'orchestrator.chain': ['claude'], 'orchestrator.retries': 0 }));
  });

  suiteTeardown(async () => {
    try {
      git('merge', '--abort');
    } catch {
      // No merge in progress.
    }
    // The merge editor's result may be dirty after the abort: revert rather than be asked to save.
    for (let i = 0; i < 20 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++)
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    for (const t of vscode.window.terminals.filter((x) => x.name.startsWith('F-MES · '))) t.dispose();
    await fmes().update('orchestrator.auto', undefined, vscode.ConfigurationTarget.Global);
    const a = await api();
    const missions = await a.missionCommands.get();
    for (const t of [TASK, AUTO_TASK, GATE_TASK]) await missions.discard(t, { confirmed: true }).catch(() => undefined);
    fs.rmSync(path.join(root(), PLAN), { force: true });
    fs.rmSync(path.join(root(), AUTO_PLAN), { force: true });
    fs.rmSync(path.join(root(), GATE_PLAN), { force: true });
    await restore?.();
  });

  test('Start Mission runs the plan in a terminal and a worktree; Merge Mission on a conflicting branch opens the 3-way merge editor', async () => {
    const a = await api();
    fs.mkdirSync(path.join(root(), 'src'), { recursive: true });
    fs.writeFileSync(path.join(root(), FILE), 'base\n');
    git('add', FILE);
    git('commit', '-q', '-m', 'base for the mission test');
    fs.mkdirSync(path.join(root(), path.dirname(PLAN)), { recursive: true });
    fs.writeFileSync(
      path.join(root(), PLAN),
      `---\nid: ${TASK}\ntitle: Clash with a person\nagent: claude\nfiles: [${FILE}]\nrisk: low\nrollback: discard the branch\n---\nFAKE:write ${FILE}\n`,
    );

    const state = await vscode.commands.executeCommand<string | undefined>(
      'fmes.startMission',
      vscode.Uri.file(path.join(root(), PLAN)),
    );
    assert.equal(state, 'readyToMerge');
    assert.ok(
      vscode.window.terminals.some((t) => t.name === `F-MES · claude@${TASK} · ${TASK}`),
      'the agent ran in an integrated terminal',
    );
    const wt = path.join(root(), `.trees/claude-${TASK}`);
    assert.equal(fs.readFileSync(path.join(wt, FILE), 'utf8'), 'hello from fake model\n');
    assert.equal(
      fs.readFileSync(path.join(root(), FILE), 'utf8'),
      'base\n',
      'the main checkout is untouched until the merge',
    );
    const view = await waitFor('the panel to show the mission', () =>
      a.state.plans.find((m) => m.id === TASK && m.record?.state === 'readyToMerge'),
    );
    const item = a.tree.getTreeItem({ kind: 'mission', mission: view });
    assert.match(String(item.description), /ready to merge/);
    assert.match(String(item.contextValue), / mission:readyToMerge$/, 'the Merge action shows on it');

    // A person changes the same file meanwhile: the merge must stop for the merge editor.
    fs.writeFileSync(path.join(root(), FILE), 'a person was here\n');
    git('commit', '-q', '-am', 'a person edits the same file');
    const merged = await vscode.commands.executeCommand<string | undefined>('fmes.mergeMission', TASK);
    assert.equal(merged, 'conflicted');
    const tab = await waitFor(
      'a merge editor tab',
      () => mergeTabs().find((t) => t.result.fsPath === path.join(root(), FILE)),
      15_000,
    );
    assert.ok(tab.base.fsPath.includes('base.'), tab.base.fsPath);
    assert.equal(fs.readFileSync(tab.input1.fsPath, 'utf8'), 'a person was here\n', 'current: the checkout side');
    assert.equal(fs.readFileSync(tab.input2.fsPath, 'utf8'), 'hello from fake model\n', "incoming: the agent's side");
    const missions = await a.missionCommands.get();
    assert.deepEqual(await missions.conflicts(TASK), [path.join(root(), FILE)]);
    await missions.abortMerge(TASK);
  });

  test('with fmes.orchestrator.auto, a new plan becomes a mission by itself', async () => {
    const a = await api();
    await fmes().update('orchestrator.auto', true, vscode.ConfigurationTarget.Global);
    await waitFor('auto to apply', () => a.config().orchestrator.auto);
    fs.writeFileSync(
      path.join(root(), AUTO_PLAN),
      `---\nid: ${AUTO_TASK}\ntitle: Picked up by the loop\nagent: claude\nfiles: [src/auto.txt]\nrisk: low\nrollback: discard\n---\nFAKE:write src/auto.txt\n`,
    );
    const file = path.join(root(), '.fmes/missions', `${AUTO_TASK}.json`);
    const state = await waitFor(
      'the mission to be ready to merge',
      () =>
        fs.existsSync(file) &&
        (JSON.parse(fs.readFileSync(file, 'utf8')) as { state: string }).state === 'readyToMerge',
      60_000,
      200,
    );
    assert.ok(state);
    assert.ok(fs.existsSync(path.join(root(), `.trees/claude-${AUTO_TASK}/src/auto.txt`)));
  });

  test('a high-risk plan waits for approval; approving it (as the dashboard does) continues the mission', async () => {
    fs.writeFileSync(
      path.join(root(), GATE_PLAN),
      `---\nid: ${GATE_TASK}\ntitle: Risky change\nagent: claude\nfiles: [src/gate.txt]\nrisk: high\nrollback: discard\n---\nFAKE:write src/gate.txt\n`,
    );
    const state = await vscode.commands.executeCommand<string | undefined>(
      'fmes.startMission',
      vscode.Uri.file(path.join(root(), GATE_PLAN)),
    );
    assert.equal(state, 'awaitingApproval');
    const file = path.join(root(), '.fmes/missions', `${GATE_TASK}.json`);
    const read = () => JSON.parse(fs.readFileSync(file, 'utf8')) as { state: string; approval?: string };
    const id = read().approval;
    assert.ok(id, 'the mission names its approval request');
    new ApprovalStore(root()).decide(id, 'approved', 'human:test');
    await waitFor('the mission to continue to ready-to-merge', () => read().state === 'readyToMerge', 60_000, 200);
    assert.ok(fs.existsSync(path.join(root(), `.trees/claude-${GATE_TASK}/src/gate.txt`)));
  });
});
