// Merge from the dashboard on a mission whose branch conflicts with the person's own commit: the merge stops
// in progress and VS Code's 3-way merge editor opens on the file, in the real workbench. The git state is
// real (a shadow worktree made by F-MES's own Worktrees class, a commit on each side); no agent runs.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { Worktrees } from '../../src/core/git/worktrees';
import { MissionStore } from '../../src/core/orchestrator/missionStore';
import { missionRecordSchema } from '../../src/core/schemas/mission';
import { freshWorkspace } from './fixtures';
import { notification, openWorkbench, runCommand, screenshot, statusBarItem, type Workbench } from './harness';

const TASK = 'T-e2e-clash';
const FILE = 'src/clash.txt';
const PLAN = `.antigravity/plans/${TASK}.md`;
const WHO = { name: 'F-MES e2e', email: 'e2e@fmes.invalid' };

let wb: Workbench;
let ws: string;

function git(...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: WHO.name,
    GIT_AUTHOR_EMAIL: WHO.email,
    GIT_COMMITTER_NAME: WHO.name,
    GIT_COMMITTER_EMAIL: WHO.email,
  };
  return execFileSync('git', args, { cwd: ws, env, encoding: 'utf8' });
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

before(async () => {
  ws = freshWorkspace();
  write(ws, FILE, 'base\n');
  git('add', '-A');
  git('commit', '-q', '--no-gpg-sign', '-m', 'fixture with src/clash.txt');
  // The agent's side, on the mission's branch in its shadow worktree.
  const worktrees = new Worktrees({ root: ws });
  const wt = await worktrees.create({ agent: 'claude', task: TASK });
  write(wt.path, FILE, 'agent side\n');
  assert.ok(await worktrees.commitAll(TASK, 'agent: clash', WHO), 'the agent side was committed');
  // The person's side, committed in the main checkout meanwhile.
  write(ws, FILE, 'person side\n');
  git('commit', '-q', '--no-gpg-sign', '-am', 'a person edits the same file');
  write(
    ws,
    PLAN,
    `---\nid: ${TASK}\ntitle: Clash with a person\nagent: claude\nfiles: [${FILE}]\nrisk: low\nrollback: discard the branch\n---\nWrite ${FILE}.\n`,
  );
  const now = new Date().toISOString();
  await new MissionStore(ws).put(
    missionRecordSchema.parse({
      taskId: TASK,
      title: 'Clash with a person',
      planFile: PLAN,
      state: 'readyToMerge',
      chain: ['claude'],
      files: [FILE],
      worktree: wt.relPath,
      branch: wt.branch,
      baseCommit: wt.baseCommit,
      attempts: [],
      costUsd: 0,
      createdAt: now,
      updatedAt: now,
    }),
  );
  assert.equal(wt.relPath, `.trees/claude-${TASK}`);
  assert.equal(wt.branch, `fmes/${TASK}`);
  wb = await openWorkbench({ workspace: ws });
});

after(async () => {
  if (ws && fs.existsSync(path.join(ws, '.git', 'MERGE_HEAD'))) git('merge', '--abort');
  await wb?.close();
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

function dashboard(): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

test('Merge on a conflicting branch opens the merge editor', async (t) => {
  const { page } = wb;
  const started = Date.now();
  // The palette lists F-MES commands once the extension is active (fmes:active); the cost meter says it is.
  await statusBarItem(page, /\$\d+\.\d{2}/).waitFor({ state: 'visible', timeout: 30_000 });
  await runCommand(page, 'F-MES: Show Dashboard');
  const prompt = dashboard().locator(`[data-mission="${TASK}"]`);
  await prompt.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await prompt.innerText(), new RegExp(`${TASK}: Clash with a person`));
  assert.match(await prompt.innerText(), /Ready to merge/);
  assert.equal(await page.locator('.merge-editor').count(), 0, 'no merge editor before Merge');
  await screenshot(page, 'merge-editor-before');
  t.diagnostic(`workbench to merge prompt: ${Date.now() - started} ms`);

  const clicked = Date.now();
  await prompt.getByRole('button', { name: `Merge mission ${TASK}`, exact: true }).click();

  // VS Code's merge editor: its own editor pane, in a tab titled "Merging: clash.txt".
  const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Merging: clash.txt' });
  await tab.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await tab.getAttribute('class')) ?? '', /\bactive\b/, 'the merge editor tab is the active one');
  const editor = page.locator('.editor-instance.merge-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 30_000 });
  t.diagnostic(`click to merge editor: ${Date.now() - clicked} ms`);
  // It lays out its panes a moment after it appears: wait for both sides' text and the conflict count.
  await editor.getByText('person side').first().waitFor({ state: 'visible', timeout: 10_000 });
  await editor.getByText('agent side').first().waitFor({ state: 'visible', timeout: 10_000 });
  await editor.getByText('1 Conflict Remaining').waitFor({ state: 'visible', timeout: 10_000 });
  // The two inputs as F-MES labels them: the checkout's side is Current, the mission branch Incoming.
  const text = await editor.innerText();
  assert.match(text, /Current/);
  assert.match(text, /Incoming/);
  assert.match(text, new RegExp(`fmes/${TASK}`));
  assert.match(text, new RegExp(`Result\\s+${FILE}`));
  assert.match(text, /1 Conflict Remaining/);
  await notification(page, new RegExp(`merging ${TASK} stopped on conflicts in ${FILE}`)).waitFor({
    state: 'visible',
    timeout: 10_000,
  });
  await screenshot(page, 'merge-editor-open');

  // The merge is in progress in the main checkout, with the file unmerged in all three stages.
  assert.ok(fs.existsSync(path.join(ws, '.git', 'MERGE_HEAD')), 'MERGE_HEAD exists');
  assert.match(git('status', '--porcelain=v1', '--untracked-files=no'), new RegExp(`^UU ${FILE}$`, 'm'));
  const stages = git('ls-files', '-u', '--', FILE)
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/)[2]);
  assert.deepEqual(stages, ['1', '2', '3'], 'base, ours and theirs are in the index');
  assert.match(
    fs.readFileSync(path.join(ws, FILE), 'utf8'),
    /^<<<<<<< [^\n]*\nperson side\n=======\nagent side\n>>>>>>> /m,
  );

  // The mission record says conflicted, naming the file; the dashboard, back in front, follows it.
  const rec = new MissionStore(ws).get(TASK);
  assert.equal(rec?.state, 'conflicted');
  assert.deepEqual(rec?.conflicts, [FILE]);
  await page.locator('.tabs-container .tab').filter({ hasText: 'F-MES Dashboard' }).click();
  await prompt.filter({ hasText: /The merge stopped on conflicts/ }).waitFor({ state: 'visible', timeout: 20_000 });
  assert.ok(
    await prompt.getByRole('button', { name: `Merge mission ${TASK}`, exact: true }).isDisabled(),
    'Merge is off while the conflicts stand',
  );
  await screenshot(page, 'merge-editor-dashboard-conflicted');
});
