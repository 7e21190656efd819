import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  dashboardStateSchema,
  parseHostMessage,
  parseWebviewMessage,
  type DashboardState,
} from '../../../src/shared/protocol';

const state: DashboardState = {
  generatedAt: '2026-11-22T10:00:00.000Z',
  todo: { file: 'TODO.md', html: '<p>x</p>', truncated: false },
  reports: [],
  missions: [],
  plans: [
    {
      file: '.antigravity/plans/T-2.md',
      id: 'T-2',
      title: 'Add logout',
      agent: 'auto',
      risk: 'low',
      files: ['src/auth/'],
      missionState: 'refused',
    },
  ],
  handoffs: [],
  approvals: [],
  agents: [{ agent: 'claude', active: true, locks: 1, costUsd: 0.5 }],
  runs: [],
  cost: { day: '2026-11-22', totalUsd: 0.5 },
  problems: [{ file: '.fmes/missions/T-1.json', field: 'state', message: 'Invalid option' }],
  trusted: true,
};

describe('webview → host messages', () => {
  const valid: unknown[] = [
    { type: 'ready' },
    { type: 'mission/merge', taskId: 'T-1' },
    { type: 'mission/openMergeEditor', taskId: 'T-1' },
    { type: 'mission/discard', taskId: 'T-1' },
    { type: 'mission/rollback', taskId: 'T-1' },
    { type: 'handoff/generate', taskId: 'T-1' },
    { type: 'approval/decide', id: 'ab12cd34', decision: 'approved' },
    { type: 'approval/decide', id: 'ab12cd34', decision: 'rejected' },
    { type: 'artifact/open', file: '.claude/outbox/r.json' },
    { type: 'mission/start', planFile: '.antigravity/plans/T-42.md' },
    { type: 'mission/start', planFile: '.antigravity/plans/rename login..v2.md' },
    { type: 'state/get', requestId: 'r1' },
  ];
  for (const m of valid) {
    test(`accepts ${JSON.stringify(m)}`, () => {
      const r = parseWebviewMessage(m);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.deepEqual(r.value, m);
    });
  }

  const invalid: [unknown, RegExp][] = [
    [null, /\(message\)/],
    ['ready', /\(message\)/],
    [{}, /type/],
    [{ type: 'mission/explode', taskId: 'T-1' }, /type/],
    [{ type: 'mission/merge' }, /taskId/],
    [{ type: 'mission/merge', taskId: '' }, /taskId/],
    [{ type: 'mission/merge', taskId: 42 }, /taskId/],
    [{ type: 'approval/decide', id: 'ab12cd34', decision: 'maybe' }, /decision/],
    // Approval ids are file names: nothing that could climb out of .fmes/approvals.
    [{ type: 'approval/decide', id: '../../etc/passwd', decision: 'approved' }, /id/],
    [{ type: 'artifact/open', file: 'a\0b' }, /file/],
    [{ type: 'artifact/open' }, /file/],
    [{ type: 'state/get' }, /requestId/],
    // Start Mission names a plan file and nothing else: no climbing out, no absolute path, no other folder.
    [{ type: 'mission/start' }, /planFile/],
    [{ type: 'mission/start', planFile: '.antigravity/plans/../../etc/passwd.md' }, /planFile: must not contain \.\./],
    [{ type: 'mission/start', planFile: '.antigravity/plans/..\\..\\secret.md' }, /planFile: must not contain \.\./],
    [{ type: 'mission/start', planFile: '../.antigravity/plans/T-1.md' }, /planFile: must not contain \.\./],
    [
      { type: 'mission/start', planFile: '/work/repo/.antigravity/plans/T-1.md' },
      /planFile: must be a \.md file in \.antigravity\/plans\//,
    ],
    [{ type: 'mission/start', planFile: 'C:\\repo\\.antigravity\\plans\\T-1.md' }, /planFile: must be a \.md file/],
    [{ type: 'mission/start', planFile: '.claude/outbox/T-1.md' }, /planFile: must be a \.md file/],
    [{ type: 'mission/start', planFile: '.antigravity/plans/sub/T-1.md' }, /planFile: must be a \.md file/],
    [{ type: 'mission/start', planFile: '.antigravity/plans/T-1.json' }, /planFile: must be a \.md file/],
    [{ type: 'mission/start', planFile: '.antigravity/plans/.md' }, /planFile: must be a \.md file/],
    [{ type: 'mission/start', planFile: '.antigravity/plans/T-\u0000.md' }, /planFile: must be a \.md file/],
  ];
  for (const [m, field] of invalid) {
    test(`rejects ${JSON.stringify(m)} naming the field`, () => {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.error, field);
    });
  }

  test('drops keys a message should not carry', () => {
    const r = parseWebviewMessage({
      type: 'mission/merge',
      taskId: 'T-1',
      command: 'workbench.action.terminal.sendSequence',
    });
    assert.deepEqual(r.ok && r.value, { type: 'mission/merge', taskId: 'T-1' });
  });
});

describe('host → webview messages', () => {
  test('accepts a state notification and both kinds of reply', () => {
    for (const m of [
      { type: 'state/changed', state },
      { type: 'reply', requestId: 'r1', request: 'state/get', ok: true, result: state },
      { type: 'reply', requestId: 'r1', request: 'state/get', ok: false, error: 'boom' },
    ]) {
      const r = parseHostMessage(m);
      assert.ok(r.ok, r.ok ? '' : r.error);
    }
  });

  test('rejects a state missing a section, a reply without its result, and unknown types', () => {
    const { reports: _gone, ...noReports } = state;
    for (const [m, field] of [
      [{ type: 'state/changed', state: noReports }, /reports/],
      [
        { type: 'state/changed', state: { ...state, plans: [{ ...state.plans[0], files: 'src/' }] } },
        /plans\.0\.files/,
      ],
      [{ type: 'reply', requestId: 'r1', request: 'state/get', ok: true }, /result/],
      [{ type: 'state/changed', state: { ...state, cost: { day: 'x', totalUsd: 'lots' } } }, /totalUsd/],
      [{ type: 'toast', text: 'hi' }, /type/],
    ] as const) {
      const r = parseHostMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      assert.match(r.ok ? '' : r.error, field);
    }
  });

  test('the example state is itself valid', () => {
    assert.ok(dashboardStateSchema.safeParse(state).success);
  });
});
