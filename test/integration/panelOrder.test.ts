import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import type * as vscode from 'vscode';
import { costLogFile, localDay } from '../../src/core/cost/costLedger';
import { SESSIONS_SHOWN } from '../../src/host/views/missionTree';
import { api, root, waitFor } from './helpers';

const labelOf = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

// The panel's rows stay where they are while agents spend (sorted by name, not cost), and a long session list
// is cut with a count of the rest.
suite('mission panel order and long lists', () => {
  const file = costLogFile(root(), localDay(Date.now()));
  const saved = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  suiteTeardown(() => {
    if (saved === undefined) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, saved);
  });
  const line = (agent: string, usd: number, s: string) =>
    JSON.stringify({ ts: new Date().toISOString(), agent, sessionId: s, costUsd: usd, turns: 1 }) + '\n';
  const write = (text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  };

  test('agents keep their order when costs change; sessions past the limit become "n more…"', async () => {
    const a = await api();
    const many = Array.from({ length: SESSIONS_SHOWN + 3 }, (_, i) => line('zz-order', 0.01, `z${i}`)).join('');
    write(`${saved ?? ''}${line('aa-order', 0.01, 'a1')}${many}`);
    const labels = () => {
      const agents = a.tree.getChildren().find((n) => n.kind === 'section' && n.section === 'agents');
      return agents ? a.tree.getChildren(agents).map((n) => labelOf(a.tree.getTreeItem(n))) : [];
    };
    await waitFor('both agents', () => labels().some((l) => l.includes('zz-order')));
    const before = labels().filter((l) => l.includes('-order'));
    assert.equal(before.length, 2);
    assert.ok(before[0].includes('aa-order'), before.join(' | '));
    // zz-order now spends far more: it stays below aa-order.
    write(`${saved ?? ''}${line('aa-order', 0.01, 'a1')}${many}${line('zz-order', 5, 'z-big')}`);
    await waitFor('the new cost', () => a.state.agents.some((x) => x.agent === 'zz-order' && x.costUsd > 5));
    assert.deepEqual(
      labels()
        .filter((l) => l.includes('-order'))
        .map((l) => l.split(' ')[0]),
      before.map((l) => l.split(' ')[0]),
      'the same rows in the same order',
    );
    const zz = a.tree
      .getChildren(a.tree.getChildren().find((n) => n.kind === 'section' && n.section === 'agents'))
      .find((n) => n.kind === 'agent' && n.agent.agent === 'zz-order')!;
    const rows = a.tree.getChildren(zz);
    assert.equal(rows.length, SESSIONS_SHOWN + 1);
    assert.equal(labelOf(a.tree.getTreeItem(rows.at(-1)!)), `4 more… (F-MES: Show Dashboard lists all)`);
  });
});
