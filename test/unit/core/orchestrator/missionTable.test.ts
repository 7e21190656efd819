import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { missionStateSchema, type MissionStateName } from '../../../../src/core/schemas/mission';
import {
  allows,
  check,
  MISSION_ACTIONS,
  nextStates,
  refusalOf,
  statesAllowing,
  type MissionAction,
} from '../../../../src/core/orchestrator/missionTable';
import { MissionError } from '../../../../src/core/orchestrator/missionTypes';

// The mission state table, written out here by hand: every state × every action is either allowed (with the
// states it leads to) or refused (with the reason and the message people read). A change to the table shows up
// here as one cell.

type Cell = MissionStateName[] | { refused: 'badState' | 'alreadyRunning'; message: RegExp };
const no: Cell = { refused: 'badState', message: /^cannot \S.* mission T: it is \w+$/ };
const busy: Cell = { refused: 'alreadyRunning', message: /^mission T is \w+; merge, discard or roll it back first$/ };
const merged: Cell = {
  refused: 'badState',
  message: /^mission T is already merged; give the plan a new id to run it again$/,
};
const q: Cell = ['queued'];

const EXPECTED: Record<MissionStateName, Record<MissionAction, Cell>> = {
  queued: {
    start: q,
    auto: q,
    continue: no,
    retry: q,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: ['discarded'],
    rollBack: no,
    handOff: ['handedOff'],
  },
  waiting: {
    start: q,
    auto: q,
    continue: no,
    retry: q,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: ['discarded'],
    rollBack: no,
    handOff: ['handedOff'],
  },
  awaitingApproval: {
    start: q,
    auto: q,
    continue: q,
    retry: q,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  running: {
    start: busy,
    auto: no,
    continue: no,
    retry: no,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: no,
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  review: {
    start: busy,
    auto: no,
    continue: no,
    retry: no,
    merge: ['merged', 'conflicted'],
    abortMerge: no,
    conflicts: no,
    predict: ['review'],
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  readyToMerge: {
    start: busy,
    auto: no,
    continue: no,
    retry: no,
    merge: ['merged', 'conflicted'],
    abortMerge: no,
    conflicts: no,
    predict: ['readyToMerge'],
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  conflicted: {
    start: busy,
    auto: no,
    continue: no,
    retry: no,
    merge: ['merged', 'conflicted', 'readyToMerge'],
    abortMerge: ['readyToMerge'],
    conflicts: ['conflicted'],
    predict: no,
    discard: no,
    rollBack: no,
    handOff: ['handedOff'],
  },
  merged: {
    start: merged,
    auto: merged,
    continue: no,
    retry: merged,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: no,
    rollBack: no,
    handOff: no,
  },
  discarded: {
    start: q,
    auto: no,
    continue: no,
    retry: q,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: no,
    rollBack: no,
    handOff: ['discarded'],
  },
  rolledBack: {
    start: q,
    auto: no,
    continue: no,
    retry: q,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: ['discarded'],
    rollBack: no,
    handOff: ['rolledBack'],
  },
  handedOff: {
    start: q,
    auto: no,
    continue: no,
    retry: q,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  refused: {
    start: q,
    auto: q,
    continue: no,
    retry: q,
    merge: no,
    abortMerge: no,
    conflicts: no,
    predict: no,
    discard: ['discarded'],
    rollBack: no,
    handOff: ['refused'],
  },
};

describe('the mission state table', () => {
  test('covers every state of the schema and every action', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), [...missionStateSchema.options].sort());
    for (const s of missionStateSchema.options)
      assert.deepEqual(Object.keys(EXPECTED[s]).sort(), [...MISSION_ACTIONS].sort(), s);
  });

  for (const state of missionStateSchema.options) {
    for (const action of MISSION_ACTIONS) {
      const want = EXPECTED[state][action];
      if (Array.isArray(want)) {
        test(`${state} × ${action} → ${want.join(' | ')}`, () => {
          assert.deepEqual(nextStates(state, action), want);
          assert.equal(allows(state, action), true);
          assert.equal(refusalOf('T', state, action), undefined);
          assert.doesNotThrow(() => check({ taskId: 'T', state }, action));
        });
      } else {
        test(`${state} × ${action} is refused (${want.refused})`, () => {
          assert.equal(nextStates(state, action), undefined);
          assert.equal(allows(state, action), false);
          const e = refusalOf('T', state, action);
          assert.ok(MissionError.is(e, want.refused), `${state} × ${action}: ${String(e)}`);
          assert.match(e.message, want.message);
          if (want === no) assert.ok(e.message.endsWith(`it is ${state}`));
          assert.throws(
            () => check({ taskId: 'T', state }, action),
            (x: unknown) => MissionError.is(x, want.refused) && x.taskId === 'T',
          );
        });
      }
    }
  }

  test('a plan with no mission yet may only be started (by a person or by the loop)', () => {
    for (const a of MISSION_ACTIONS) assert.equal(allows(undefined, a), a === 'start' || a === 'auto', a);
  });

  test('the refusals name the action as people say it', () => {
    assert.equal(refusalOf('busy', 'running', 'merge')?.message, 'cannot merge mission busy: it is running');
    assert.equal(refusalOf('x', 'queued', 'abortMerge')?.message, 'cannot abort the merge of mission x: it is queued');
    assert.equal(refusalOf('x', 'merged', 'handOff')?.message, 'cannot hand off mission x: it is merged');
    assert.equal(
      refusalOf('x', 'review', 'start')?.message,
      'mission x is review; merge, discard or roll it back first',
    );
  });

  test('the columns the editor and the dashboard read', () => {
    assert.deepEqual(statesAllowing('merge'), ['review', 'readyToMerge', 'conflicted']);
    assert.deepEqual(statesAllowing('start'), [
      'queued',
      'waiting',
      'awaitingApproval',
      'discarded',
      'rolledBack',
      'handedOff',
      'refused',
    ]);
    assert.deepEqual(statesAllowing('auto'), ['queued', 'waiting', 'awaitingApproval', 'refused']);
    assert.deepEqual(statesAllowing('continue'), ['awaitingApproval']);
  });
});
