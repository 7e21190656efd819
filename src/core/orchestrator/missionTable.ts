import { missionStateSchema, type MissionRecord, type MissionStateName } from '../schemas/mission';
import { MissionError, type MissionErrorReason } from './missionTypes';

/**
 * What a caller asks of a mission. `start` is a person's Start Mission / `fmes mission run`; `auto` is the
 * loop taking up a plan that appeared or changed; `continue` goes on once a person decided the approval the
 * mission waits on; `retry` puts a mission that ended without a merge back in the loop's queue.
 */
export const MISSION_ACTIONS = [
  'start',
  'auto',
  'continue',
  'retry',
  'merge',
  'abortMerge',
  'conflicts',
  'predict',
  'discard',
  'rollBack',
  'handOff',
] as const;
export type MissionAction = (typeof MISSION_ACTIONS)[number];

/** A refusal that says more than "cannot <verb> mission X: it is Y". */
interface Refusal {
  refuse: MissionErrorReason;
  message: (task: string, state: MissionStateName) => string;
}

/** The states an allowed action leads to (the runner's own steps take a started mission further). */
type Cell = readonly MissionStateName[] | Refusal;

const RUNNING_AGAIN: Refusal = {
  refuse: 'alreadyRunning',
  message: (t, s) => `mission ${t} is ${s}; merge, discard or roll it back first`,
};
const MERGED: Refusal = {
  refuse: 'badState',
  message: (t) => `mission ${t} is already merged; give the plan a new id to run it again`,
};
const QUEUED = ['queued'] as const;
/** Hand Off keeps a final state (the handoff file is added to it) and moves any other to `handedOff`. */
const handOffKeeps = (s: MissionStateName): readonly MissionStateName[] => [s];

/**
 * THE mission state table: state × action → the states it may lead to. It is the only place that says which
 * action each state allows; the runner, the actions, the loop, the editor's pickers and the dashboard's
 * buttons all ask it. A missing cell is refused as `badState` ("cannot merge mission X: it is running").
 */
export const MISSION_TABLE: Readonly<Record<MissionStateName, Partial<Record<MissionAction, Cell>>>> = {
  queued: { start: QUEUED, auto: QUEUED, retry: QUEUED, discard: ['discarded'], handOff: ['handedOff'] },
  waiting: { start: QUEUED, auto: QUEUED, retry: QUEUED, discard: ['discarded'], handOff: ['handedOff'] },
  awaitingApproval: {
    start: QUEUED,
    auto: QUEUED,
    continue: QUEUED,
    retry: QUEUED,
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  running: { start: RUNNING_AGAIN, rollBack: ['rolledBack'], handOff: ['handedOff'] },
  review: {
    start: RUNNING_AGAIN,
    merge: ['merged', 'conflicted'],
    predict: ['review'],
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  readyToMerge: {
    start: RUNNING_AGAIN,
    merge: ['merged', 'conflicted'],
    predict: ['readyToMerge'],
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: ['handedOff'],
  },
  // Merging again after the conflicts are resolved concludes the merge; an abandoned one goes back to readyToMerge.
  conflicted: {
    start: RUNNING_AGAIN,
    merge: ['merged', 'conflicted', 'readyToMerge'],
    abortMerge: ['readyToMerge'],
    conflicts: ['conflicted'],
    handOff: ['handedOff'],
  },
  merged: { start: MERGED, auto: MERGED, retry: MERGED },
  discarded: { start: QUEUED, retry: QUEUED, handOff: handOffKeeps('discarded') },
  rolledBack: { start: QUEUED, retry: QUEUED, discard: ['discarded'], handOff: handOffKeeps('rolledBack') },
  handedOff: {
    start: QUEUED,
    retry: QUEUED,
    discard: ['discarded'],
    rollBack: ['rolledBack'],
    handOff: handOffKeeps('handedOff'),
  },
  // The loop takes a refused plan up again when it changes (a person fixed the overlap or the plan).
  refused: { start: QUEUED, auto: QUEUED, retry: QUEUED, discard: ['discarded'], handOff: handOffKeeps('refused') },
};

/** How each action is named in a refusal: "cannot <verb> mission X: it is Y". */
const VERBS: Record<MissionAction, string> = {
  start: 'start',
  auto: 'start',
  continue: 'continue',
  retry: 'retry',
  merge: 'merge',
  abortMerge: 'abort the merge of',
  conflicts: 'open the merge editor for',
  predict: 'predict the merge of',
  discard: 'discard',
  rollBack: 'roll back',
  handOff: 'hand off',
};

/** The states `action` may lead to from `state`, or undefined when the table refuses it. */
export function nextStates(state: MissionStateName, action: MissionAction): readonly MissionStateName[] | undefined {
  const cell = MISSION_TABLE[state][action];
  return cell && Array.isArray(cell) ? (cell as readonly MissionStateName[]) : undefined;
}

/** Whether a mission in `state` (none yet: `undefined`) may take `action`. Only `start` and `auto` apply to no mission. */
export function allows(state: MissionStateName | undefined, action: MissionAction): boolean {
  if (state === undefined) return action === 'start' || action === 'auto';
  return nextStates(state, action) !== undefined;
}

/** Every state that allows `action`, in the schema's order (pickers, dashboard buttons). */
export function statesAllowing(action: MissionAction): MissionStateName[] {
  return missionStateSchema.options.filter((s) => allows(s, action));
}

/** The refusal for `action` on a mission in `state`, or undefined when it is allowed. */
export function refusalOf(task: string, state: MissionStateName, action: MissionAction): MissionError | undefined {
  const cell = MISSION_TABLE[state][action];
  if (cell && Array.isArray(cell)) return undefined;
  if (cell) {
    const r = cell as Refusal;
    return new MissionError(r.refuse, task, r.message(task, state), { state, action });
  }
  return new MissionError('badState', task, `cannot ${VERBS[action]} mission ${task}: it is ${state}`, {
    state,
    action,
  });
}

/** Throws the table's refusal when `record` may not take `action`; returns the record otherwise. */
export function check<R extends Pick<MissionRecord, 'taskId' | 'state'>>(record: R, action: MissionAction): R {
  const refused = refusalOf(record.taskId, record.state, action);
  if (refused) throw refused;
  return record;
}
