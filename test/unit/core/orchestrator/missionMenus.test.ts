import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { statesAllowing, type MissionAction } from '../../../../src/core/orchestrator/missionTable';
import { missionStateSchema, type MissionStateName } from '../../../../src/core/schemas/mission';

// package.json's `when` clauses cannot call the state table, so they repeat it: this test holds them to it.
// A mission panel item's context value ends with ` mission:<state>` (src/host/views/missionTree.ts).

const MENU_ACTIONS: Record<string, MissionAction> = {
  'fmes.startMission': 'start',
  'fmes.mergeMission': 'merge',
  'fmes.openMergeEditor': 'conflicts',
  'fmes.rollBackMission': 'rollBack',
  'fmes.discardMission': 'discard',
  'fmes.generateHandoff': 'handOff',
};

/** The menu shows Roll Back on fewer states than the table allows: a running mission is stopped from its run. */
const HIDDEN: Partial<Record<MissionAction, MissionStateName[]>> = { rollBack: ['running'] };

interface MenuItem {
  command: string;
  when?: string;
}

function shownStates(when: string): MissionStateName[] {
  const re = new RegExp(/viewItem =~ \/(.*)\/ &&/.exec(when)?.[1] ?? '^$');
  return missionStateSchema.options.filter((s) => re.test(`mission.done mission:${s}`));
}

test("the mission panel's menus offer exactly what the state table allows", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8')) as {
    contributes: { menus: Record<string, MenuItem[]> };
  };
  const items = pkg.contributes.menus['view/item/context'].filter(
    (m) => m.command in MENU_ACTIONS && m.when?.includes('mission'),
  );
  assert.ok(items.length >= Object.keys(MENU_ACTIONS).length);
  for (const item of items) {
    const action = MENU_ACTIONS[item.command];
    const want = statesAllowing(action).filter((s) => !HIDDEN[action]?.includes(s));
    assert.deepEqual(shownStates(item.when!).sort(), want.sort(), `${item.command}: ${item.when}`);
  }
});
