import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { LockError } from '../../../../src/core/errors';
import { LockManager } from '../../../../src/hot/locks/lockManager';
import { createLogger, nullSink } from '../../../../src/core/log';
import {
  applyTodoEntry,
  formatTodoLine,
  TODO_FILE,
  updateTodo,
  type TodoEntry,
} from '../../../../src/core/orchestrator/todoFile';
import { WorkspacePaths } from '../../../../src/hot/paths/workspacePath';
import { missionStateSchema } from '../../../../src/core/schemas/mission';
import { makeWorkspace } from '../../../fixtures/workspace';
import { shellAppendRace, todoUpdatesAcrossProcesses } from '../../../stress/todoRaces';

const entry = (
  taskId: string,
  state: TodoEntry['state'] = 'running',
  title = `Task ${taskId}`,
  note?: string,
): TodoEntry => ({ taskId, title, state, note });
const lineOf = (e: TodoEntry) => formatTodoLine(e);

test('formatTodoLine', () => {
  assert.equal(
    formatTodoLine(entry('fix-login', 'running', 'Fix the login redirect', 'claude')),
    '- [ ] **fix-login** Fix the login redirect — running · claude <!-- fmes:fix-login -->',
  );
  assert.equal(
    formatTodoLine({ ...entry('a', 'merged', 'A'), at: Date.UTC(2025, 4, 6, 23) }),
    '- [x] **a** A — merged 2025-05-06 <!-- fmes:a -->',
  );
  // A date only on final states; multi-line and comment-breaking text is flattened.
  assert.equal(
    formatTodoLine({ ...entry('a', 'readyToMerge', 'A\nB <!-- x -->'), at: 0 }),
    '- [ ] **a** A B x — ready to merge, check the diff <!-- fmes:a -->',
  );
  assert.ok(formatTodoLine(entry('a', 'waiting', 'A', 'x'.repeat(500))).length < 250);
  for (const state of missionStateSchema.options)
    assert.match(formatTodoLine(entry('t', state)), /^- \[[ x]\] \*\*t\*\* .+ — \S.* <!-- fmes:t -->$/);
});

test('applyTodoEntry: where lines go', () => {
  const a = lineOf(entry('a'));
  const b = lineOf(entry('b'));
  const cases: Array<[name: string, before: string, e: TodoEntry, after: string]> = [
    ['empty file', '', entry('a'), `## F-MES missions\n\n${a}\n`],
    [
      'no heading: appended after a blank line',
      '# TODO\n\n- [ ] mine\n',
      entry('a'),
      `# TODO\n\n- [ ] mine\n\n## F-MES missions\n\n${a}\n`,
    ],
    ['no final newline', '# TODO\n- [ ] mine', entry('a'), `# TODO\n- [ ] mine\n\n## F-MES missions\n\n${a}\n`],
    [
      'CRLF kept',
      '# TODO\r\n\r\n- [ ] mine\r\n',
      entry('a'),
      `# TODO\r\n\r\n- [ ] mine\r\n\r\n## F-MES missions\r\n\r\n${a}\r\n`,
    ],
    [
      'after the last item of the section',
      `# TODO\n\n## F-MES missions\n\n${a}\n\n## Later\n- x\n`,
      entry('b'),
      `# TODO\n\n## F-MES missions\n\n${a}\n${b}\n\n## Later\n- x\n`,
    ],
    [
      '### stays inside the section',
      `## F-MES missions\n${a}\n### notes\nsome\n# Top\n`,
      entry('b'),
      `## F-MES missions\n${a}\n### notes\nsome\n${b}\n# Top\n`,
    ],
    [
      'empty section before another heading',
      '## F-MES missions\n## Other\n',
      entry('a'),
      `## F-MES missions\n\n${a}\n\n## Other\n`,
    ],
    [
      'section at the end without final newline',
      `## F-MES missions\n\n${a}`,
      entry('b'),
      `## F-MES missions\n\n${a}\n${b}`,
    ],
    ['heading with odd case and spacing', '##  f-mes Missions \n', entry('a'), `##  f-mes Missions \n\n${a}\n`],
    [
      'update in place, wherever it was moved, indentation kept',
      `# Mine\n  - [x] **a** old text — queued <!-- fmes:a -->\r\n- [ ] b\n`,
      entry('a', 'merged'),
      `# Mine\n  ${lineOf(entry('a', 'merged'))}\r\n- [ ] b\n`,
    ],
    [
      'other tasks untouched',
      `${b}\n- [ ] **ab** x <!-- fmes:ab -->\n`,
      entry('a'),
      `${b}\n- [ ] **ab** x <!-- fmes:ab -->\n\n## F-MES missions\n\n${a}\n`,
    ],
    [
      'a marker mid-line is not ownership',
      `see <!-- fmes:a --> here\n`,
      entry('a'),
      `see <!-- fmes:a --> here\n\n## F-MES missions\n\n${a}\n`,
    ],
    [
      'mixed endings: the dominant one for new lines',
      '# T\r\n- x\r\n- y\n',
      entry('a'),
      `# T\r\n- x\r\n- y\n\r\n## F-MES missions\r\n\r\n${a}\r\n`,
    ],
  ];
  for (const [name, before, e, after] of cases) assert.equal(applyTodoEntry(before, e), after, name);
});

// --- property: never drops or alters a line it does not own ----------------------------------------------

const TASKS = ['a', 'b', 'a.b', 'x-1'];
const lineArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
  fc.constantFrom(
    '',
    '## F-MES missions',
    '# Heading',
    '## Other',
    '### sub',
    '- [ ] human task',
    '   ',
    '<!-- fmes:a -->',
  ),
  fc.constantFrom(...TASKS).map((t) => `- [ ] **${t}** old — queued <!-- fmes:${t} -->`),
);
const textArb = fc
  .array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 15 })
  .chain((ls) =>
    fc.boolean().map((noFinal) => ls.map(([l, eol], i) => l + (noFinal && i === ls.length - 1 ? '' : eol)).join('')),
  );
const entryArb = fc.record({
  taskId: fc.constantFrom(...TASKS),
  title: fc.string({ maxLength: 40 }),
  state: fc.constantFrom(...missionStateSchema.options),
  note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
});

function lines(text: string): string[] {
  return text.match(/[^\r\n]*(\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}
const owned = (l: string, task: string) =>
  new RegExp(`<!-- fmes:${task.replace('.', '\\.')} -->[ \\t]*(\\r\\n|\\n|\\r)?$`).test(l);

test('property: every line the entry does not own survives, in order, byte for byte; the result is idempotent', () => {
  fc.assert(
    fc.property(textArb, entryArb, (text, e) => {
      const out = applyTodoEntry(text, e);
      const before = lines(text);
      const after = lines(out);
      // Subsequence check; the last line may gain a line ending when something is appended after it.
      let j = 0;
      for (const [i, l] of before.entries()) {
        if (owned(l, e.taskId)) continue;
        const isLast = i === before.length - 1;
        while (
          j < after.length &&
          !(after[j] === l || (isLast && /[^\r\n]$|^$/.test(l) && after[j].replace(/(\r\n|\n|\r)$/, '') === l))
        )
          j++;
        assert.ok(
          j < after.length,
          `lost line ${JSON.stringify(l)} of ${JSON.stringify(text)} in ${JSON.stringify(out)}`,
        );
        j++;
      }
      const ownedBefore = before.filter((l) => owned(l, e.taskId)).length;
      const ownedAfter = after.filter((l) => owned(l, e.taskId)).length;
      assert.equal(ownedAfter, Math.max(1, ownedBefore));
      assert.ok(after.length - before.length <= 4);
      assert.equal(applyTodoEntry(out, e), out);
    }),
    { numRuns: 1000 },
  );
});

// --- the file ---------------------------------------------------------------------------------------------

test('updateTodo creates, updates, and reports no change when nothing changes; the mode is kept', async (t) => {
  const ws = makeWorkspace({});
  t.after(ws.cleanup);
  const file = path.join(ws.root, TODO_FILE);
  assert.deepEqual(await updateTodo(ws.root, entry('a', 'queued')), { file, changed: true, attempts: 1 });
  assert.equal(fs.readFileSync(file, 'utf8'), `## F-MES missions\n\n${lineOf(entry('a', 'queued'))}\n`);
  fs.chmodSync(file, 0o640);
  assert.equal((await updateTodo(ws.root, entry('a', 'running'))).changed, true);
  assert.equal((await updateTodo(ws.root, entry('a', 'running'))).changed, false);
  assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  await updateTodo(ws.root, entry('a', 'merged'), { now: Date.UTC(2025, 0, 2) });
  assert.match(fs.readFileSync(file, 'utf8'), /- \[x\] \*\*a\*\* Task a — merged 2025-01-02 <!-- fmes:a -->\n$/);
  // No temp files are left beside it.
  assert.deepEqual(fs.readdirSync(ws.root), [TODO_FILE]);
});

test('updateTodo writes through a symbolic link to the file it names', async (t) => {
  const ws = makeWorkspace({ 'notes/todo.md': '# Mine\n' });
  t.after(ws.cleanup);
  fs.symlinkSync('notes/todo.md', path.join(ws.root, TODO_FILE));
  await updateTodo(ws.root, entry('a'));
  assert.ok(fs.lstatSync(path.join(ws.root, TODO_FILE)).isSymbolicLink());
  assert.match(fs.readFileSync(path.join(ws.root, 'notes/todo.md'), 'utf8'), /^# Mine\n\n## F-MES missions\n/);
});

test('with locks: holds TODO.md during the update and releases it; a lock held by someone else makes it wait, then fail', async (t) => {
  const ws = makeWorkspace({ 'TODO.md': '# T\n' });
  t.after(ws.cleanup);
  const locks = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink));
  let seen: string | undefined;
  const watcher = setInterval(() => {
    const s = locks.status().find((h) => h.holder.path === TODO_FILE);
    if (s?.holder.kind === 'lock') seen = s.holder.record.agent;
  }, 0);
  try {
    for (let i = 0; i < 30 && seen === undefined; i++)
      await updateTodo(ws.root, entry(`t${i}`), { locks, agent: 'orchestrator' });
  } finally {
    clearInterval(watcher);
  }
  t.diagnostic(`lock seen held by ${seen ?? 'nobody'} during updates`);
  assert.deepEqual(locks.status(), []);

  const other = await locks.acquire(TODO_FILE, { agent: 'human:alice', pid: null });
  const before = fs.readFileSync(path.join(ws.root, TODO_FILE), 'utf8');
  await assert.rejects(updateTodo(ws.root, entry('late'), { locks, agent: 'orchestrator', lockWaitMs: 50 }), (e) =>
    LockError.is(e, 'held'),
  );
  assert.equal(fs.readFileSync(path.join(ws.root, TODO_FILE), 'utf8'), before);
  other.release();
  assert.equal((await updateTodo(ws.root, entry('late'), { locks, agent: 'orchestrator' })).changed, true);
});

test('concurrent: 20 parallel updates and a person editing in between lose no line', async (t) => {
  const ws = makeWorkspace({ 'TODO.md': '# Team\r\n\r\n- [ ] ship it\r\n' });
  t.after(ws.cleanup);
  const file = path.join(ws.root, TODO_FILE);
  const locks = new LockManager(new WorkspacePaths(ws.root), createLogger(nullSink));
  let human = 0;
  let stop = false;
  // The person types between our steps, a line every few milliseconds: sometimes appending, sometimes saving
  // the whole file as editors do.
  const typing = (async () => {
    while (!stop) {
      human++;
      if (human % 2 === 0) fs.appendFileSync(file, `- [ ] human ${human}\r\n`);
      else fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}- [ ] human ${human}\r\n`);
      await new Promise((r) => setTimeout(r, human % 4));
    }
  })();
  const ids = Array.from({ length: 20 }, (_, i) => `task-${i}`);
  let results: Array<{ attempts: number }> = [];
  try {
    results = await Promise.all(
      ids.map((id, i) => updateTodo(ws.root, entry(id, 'queued'), i % 2 ? { locks, agent: 'fmes' } : {})),
    );
    results.push(...(await Promise.all(ids.map((id) => updateTodo(ws.root, entry(id, 'running'))))));
  } finally {
    stop = true;
    await typing;
  }
  const text = fs.readFileSync(file, 'utf8');
  const retries = results.reduce((n, r) => n + r.attempts - 1, 0);
  t.diagnostic(`${human} human edits, ${retries} retries of 40 updates`);
  assert.ok(text.startsWith('# Team\r\n\r\n- [ ] ship it\r\n'));
  for (let i = 1; i <= human; i++) assert.ok(text.includes(`- [ ] human ${i}\r\n`), `human line ${i} lost`);
  for (const id of ids) {
    assert.equal(text.split(`<!-- fmes:${id} -->`).length - 1, 1, id);
    assert.ok(text.includes(lineOf(entry(id, 'running'))), id);
  }
  assert.ok(!text.replace(/\r\n/g, '').includes('\n'), 'only CRLF line endings');
  assert.deepEqual(locks.status(), []);
});

test('concurrent across processes: each holds the TODO.md lock, no entry is lost', { timeout: 120_000 }, () =>
  todoUpdatesAcrossProcesses(4, 5),
);

// Bigger runs of both: test/stress/todoRaces.test.ts (`npm run test:stress`).
test(
  'a real shell appending every 2 ms while 40 mission updates run in 4 processes: 0 lines lost',
  { timeout: 120_000 },
  async (t) => {
    t.diagnostic(await shellAppendRace(1));
  },
);
