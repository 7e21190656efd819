// The dashboard webview as a person sees it: opened from the command palette, it shows a report and a
// mission's merge prompt from files agents wrote, follows new files as they arrive, renders hostile markdown
// as text that never runs, decides an approval with one click, and starts a mission from a plan.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, FrameLocator } from 'playwright-core';
import { freshWorkspace } from './fixtures';
import { notification, openWorkbench, runCommand, screenshot, statusBarItem, type Workbench } from './harness';

let wb: Workbench;
let ws: string;

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:05:00.000Z';
const APPROVAL_ID = 'e2e0a1b2';

/** Each payload, if it ever ran, marks the page; the tests look for the marks. */
const mark = (tag: string) => `document.documentElement.setAttribute('data-pwned','${tag}');window.__fmesXss='${tag}'`;
const TODO = [
  '# Sprint',
  '',
  `- [ ] <img src=x onerror="${mark('todo-img')}"> fix the login`,
  `- [ ] <script>${mark('todo-script')}</script> ship it`,
  `- [ ] <svg onload="${mark('todo-svg')}"></svg> draw`,
  `- [ ] [docs](javascript:${mark('todo-link')}) and [the plan](.antigravity/plans/T-7.md)`,
  '',
].join('\n');

function write(rel: string, content: string | object): void {
  const abs = path.join(ws, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

function report(taskId: string, over: object = {}): object {
  return {
    version: 1,
    agent: 'claude',
    taskId,
    status: 'success',
    summary: 'Renamed login.',
    changedFiles: ['src/a.ts'],
    costUsd: 0.1,
    startedAt: T0,
    finishedAt: T1,
    ...over,
  };
}

before(async () => {
  ws = freshWorkspace();
  write('TODO.md', TODO);
  write(
    '.claude/outbox/T-7-claude.json',
    report('T-7', {
      summary: `Done. <svg onload="${mark('summary-svg')}"></svg> [see](javascript:${mark('summary-link')})`,
      changedFiles: ['src/auth/login.ts', 'src/auth/session.ts'],
      tests: { run: 12, passed: 12, failed: 0 },
      costUsd: 1.23,
    }),
  );
  write('.fmes/missions/T-7.json', {
    version: 1,
    taskId: 'T-7',
    title: 'Rename login',
    planFile: '.antigravity/plans/T-7.md',
    state: 'readyToMerge',
    chain: ['claude'],
    files: ['src/auth/'],
    branch: 'fmes/T-7',
    snapshot: 'refs/fmes/snapshots/T-7',
    report: '.claude/outbox/T-7-claude.json',
    crossCheck: { changed: ['src/auth/login.ts', 'src/auth/session.ts'], undeclared: [], reportMismatch: [], ok: true },
    costUsd: 1.23,
    createdAt: T0,
    updatedAt: T1,
  });
  write(`.fmes/approvals/${APPROVAL_ID}.json`, {
    version: 1,
    id: APPROVAL_ID,
    createdAt: T0,
    agent: 'claude',
    taskId: 'T-7',
    tool: 'Bash',
    summary: 'rm -rf build',
    reason: 'deletes files',
    fingerprint: 'a'.repeat(64),
    status: 'pending',
  });
  wb = await openWorkbench({ workspace: ws });
});

after(async () => {
  await wb?.close();
  fs.rmSync(ws, { recursive: true, force: true });
});

function dashboard(): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The page's own frame, to read its globals. */
async function dashboardFrame(): Promise<Frame> {
  const handle = await wb.page.frameLocator('iframe.webview.ready').locator('#active-frame').elementHandle();
  const frame = await handle?.contentFrame();
  assert.ok(frame, 'the dashboard frame');
  return frame;
}

test('Show Dashboard from the palette shows the report: status, tests, cost and changed files', async () => {
  // The palette lists F-MES commands once the extension is active (fmes:active); the cost meter says it is.
  await statusBarItem(wb.page, /\$\d+\.\d{2}/).waitFor({ state: 'visible', timeout: 30_000 });
  await runCommand(wb.page, 'F-MES: Show Dashboard');
  const card = dashboard().locator('[data-report=".claude/outbox/T-7-claude.json"]');
  await card.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await card.locator('[data-field="status"]').innerText(), 'success');
  assert.equal(await card.locator('[data-field="cost"]').innerText(), '$1.23');
  assert.equal(await card.locator('[data-field="tests"]').innerText(), '12/12 passed');
  assert.deepEqual(await card.locator('[data-field="changedFiles"] li').allInnerTexts(), [
    'src/auth/login.ts',
    'src/auth/session.ts',
  ]);
  await screenshot(wb.page, 'dashboard');
});

test('a mission ready to merge shows its prompt with Merge, Open Merge Editor, Discard and Roll Back', async () => {
  const prompt = dashboard().locator('[data-mission="T-7"]');
  await prompt.waitFor({ state: 'visible' });
  assert.match(await prompt.innerText(), /T-7: Rename login/);
  assert.match(await prompt.innerText(), /Ready to merge/);
  for (const name of [
    'Merge mission T-7',
    'Open the merge editor for mission T-7',
    'Discard mission T-7',
    'Roll back mission T-7 to its snapshot',
  ]) {
    assert.ok(await prompt.getByRole('button', { name, exact: true }).isEnabled(), name);
  }
});

test('markdown from TODO.md and a report renders its HTML as visible text, and none of it runs', async () => {
  const d = dashboard();
  const todo = d.locator('.todo-body');
  await todo.waitFor({ state: 'visible' });
  const text = await todo.innerText();
  assert.match(text, /<img src=x onerror=/);
  assert.match(text, /<script>document\.documentElement/);
  assert.match(text, /<svg onload=/);
  assert.match(text, /\[docs\]\(javascript:/, 'the javascript: link stays text');
  assert.match(await d.locator('[data-report] .summary').innerText(), /<svg onload=/);
  assert.equal(await d.locator('.markdown img, .markdown script, .markdown svg, .markdown iframe').count(), 0);
  assert.equal(await d.locator('a[href^="javascript" i]').count(), 0);
  // The relative link became a file link the host opens.
  assert.equal(await todo.locator('a[data-file=".antigravity/plans/T-7.md"]').innerText(), 'the plan');
  const frame = await dashboardFrame();
  // A string, evaluated in the page: this tsconfig has no DOM types.
  // The first value proves the evaluation ran in the dashboard's own page.
  const marks: unknown = await frame.evaluate(
    `[document.querySelector('.todo-body') !== null, typeof window.__fmesXss, document.documentElement.getAttribute('data-pwned')]`,
  );
  assert.deepEqual(marks, [true, 'undefined', null]);
  await todo.scrollIntoViewIfNeeded();
  await screenshot(wb.page, 'dashboard-xss-as-text');
});

test('the dashboard follows new files: a second report and a broken mission file appear without a reload', async () => {
  write('.claude/outbox/T-8-gemini.json', report('T-8', { agent: 'gemini', status: 'partial', costUsd: 0.05 }));
  write('.fmes/missions/T-9.json', {
    taskId: 'T-9',
    title: 'x',
    planFile: 'p.md',
    state: 'exploded',
    chain: ['claude'],
    files: [],
    createdAt: T0,
    updatedAt: T1,
  });
  const d = dashboard();
  const card = d.locator('[data-report=".claude/outbox/T-8-gemini.json"]');
  await card.waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(await card.locator('[data-field="status"]').innerText(), 'partial');
  const problem = d.locator('[data-problem=".fmes/missions/T-9.json"]');
  await problem.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await problem.innerText(), /state/);
  // The page is still whole: the first report is still there.
  assert.ok(await d.locator('[data-report=".claude/outbox/T-7-claude.json"]').isVisible());
});

test('Approve on a pending approval records the decision in its file', async () => {
  const d = dashboard();
  const row = d.locator(`[data-approval="${APPROVAL_ID}"]`);
  await row.waitFor({ state: 'visible' });
  assert.match(await row.innerText(), /rm -rf build/);
  await row.getByRole('button', { name: /^Approve / }).click();
  const file = path.join(ws, '.fmes', 'approvals', `${APPROVAL_ID}.json`);
  let status = '';
  for (let i = 0; i < 200 && status !== 'approved'; i++) {
    status = (JSON.parse(fs.readFileSync(file, 'utf8')) as { status: string }).status;
    if (status !== 'approved') await wb.page.waitForTimeout(50);
  }
  const decided = JSON.parse(fs.readFileSync(file, 'utf8')) as { status: string; decidedBy?: string };
  assert.equal(decided.status, 'approved');
  assert.match(decided.decidedBy ?? '', /^human:/);
  await row.waitFor({ state: 'detached', timeout: 20_000 });
  await screenshot(wb.page, 'dashboard-approved');
});

test('a plan written into the workspace shows under Plans; Start Mission starts its mission', async (t) => {
  write(
    '.antigravity/plans/T-20.md',
    [
      '---',
      'id: T-20',
      'title: Add logout',
      'agent: auto',
      'risk: low',
      'files:',
      '  - src/auth/',
      'rollback: git revert the task branch',
      '---',
      '',
      'Add a logout button.',
      '',
    ].join('\n'),
  );
  const d = dashboard();
  const row = d.locator('[data-section="plans"] [data-plan="T-20"]');
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await row.innerText(), /Add logout/);
  assert.equal(await row.locator('a[data-file=".antigravity/plans/T-20.md"]').innerText(), 'plan');
  await row.scrollIntoViewIfNeeded();
  await screenshot(wb.page, 'dashboard-plans');
  const start = row.getByRole('button', { name: 'Start a mission from plan T-20', exact: true });
  assert.ok(await start.isEnabled());
  await start.click();
  // Where no agent CLI of the plan's chain is installed (as here, unless one is on PATH), Start is refused before
  // anything is written, with a notification naming the missing CLIs (issue 17, item 11). Where one is, the
  // mission starts and the orchestrator's record says so.
  const file = path.join(ws, '.fmes', 'missions', 'T-20.json');
  const refusal = notification(wb.page, /no agent CLI of this plan's chain can start/);
  let record: { taskId?: string; planFile?: string; state?: string } | undefined;
  let refused = false;
  for (let i = 0; i < 400 && !record && !refused; i++) {
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof record;
    } catch {
      refused = await refusal.isVisible();
      if (!refused) await wb.page.waitForTimeout(50);
    }
  }
  if (refused) {
    assert.match(await refusal.innerText(), /npm install -g @anthropic-ai\/claude-code/);
    assert.ok(!fs.existsSync(file), 'a refused start writes no mission record');
    assert.ok(!fs.existsSync(path.join(ws, '.trees')), 'nor a worktree');
    await screenshot(wb.page, 'dashboard-start-refused');
    return;
  }
  assert.ok(record, `${file} was written`);
  assert.equal(record.taskId, 'T-20');
  assert.equal(record.planFile, '.antigravity/plans/T-20.md');
  t.diagnostic(`mission T-20 state after Start Mission: ${record.state}`);
  // A state a new start accepts keeps the row, now with its mission's state; any other one removes it.
  await d
    .locator('[data-plan="T-20"] [data-field="missionState"], [data-section="plans"] .empty')
    .first()
    .waitFor({ state: 'visible', timeout: 20_000 });
});
