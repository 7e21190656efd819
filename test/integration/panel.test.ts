import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import { costLogFile, localDay } from '../../src/core/cost/costLedger';
import { api, root, waitFor } from './helpers';

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file + '.tmp', text);
  fs.renameSync(file + '.tmp', file);
}

suite('mission panel, cost meter and commands', () => {
  suiteSetup(async () => {
    await api();
  });

  test('every contributed command is registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of pkg.contributes.commands) assert.ok(all.has(c.command), c.command);
  });

  test('plans and reports show up as missions with their status', async () => {
    const a = await api();
    writeAtomic(
      path.join(root(), '.antigravity/plans/active_plan.md'),
      '---\nid: T-7\ntitle: Add totals\nagent: claude\nfiles: [src/a.ts]\nrollback: revert\n---\nDo it.\n',
    );
    await waitFor('the mission', () => a.state.plans.some((m) => m.id === 'T-7'));
    writeAtomic(
      path.join(root(), '.claude/outbox/T-7.json'),
      JSON.stringify({
        agent: 'claude',
        taskId: 'T-7',
        status: 'success',
        summary: 'done',
        startedAt: '2026-11-22T10:00:00.000Z',
        finishedAt: '2026-11-22T10:01:00.000Z',
        costUsd: 0.12,
      }),
    );
    await waitFor('the mission to be done', () => a.state.plans.find((m) => m.id === 'T-7')?.status === 'done');
    const missions = a.tree.getChildren(a.tree.getChildren()[0]);
    const item = a.tree.getTreeItem(missions[0]);
    assert.equal(item.label, 'T-7: Add totals');
    assert.match(String(item.description), /done · claude · risk medium · \$0\.12/);
  });

  test('the cost meter sums today’s cost logs and changes colour against the budget', async () => {
    const a = await api();
    const file = costLogFile(root(), localDay(Date.now()));
    const line = (usd: number, s: string) =>
      JSON.stringify({ ts: new Date().toISOString(), agent: 'claude', sessionId: s, costUsd: usd, turns: 2 }) + '\n';
    writeAtomic(file, line(1.5, 's1'));
    await waitFor('the meter to show $1.50', () => a.meter.snapshot.text.includes('$1.50'));
    assert.equal(a.meter.snapshot.level, 'ok');
    writeAtomic(file, line(1.5, 's1') + line(7, 's2'));
    await waitFor('warning level', () => a.meter.snapshot.level === 'warning');
    writeAtomic(file, line(1.5, 's1') + line(9, 's2'));
    await waitFor('exceeded level', () => a.meter.snapshot.level === 'exceeded');
    assert.match(a.meter.snapshot.text, /\$10\.50 \/ \$10\.00/);
    // The item's own accessibilityInformation: what a screen reader says, plain words, no `$(icon)`.
    const { label } = a.meter.snapshot;
    assert.doesNotMatch(label, /\$\(/, label);
    assert.doesNotMatch(label, /\*\*/, label);
    assert.match(label, /\$10\.50/);
    // Twenty sessions: the tooltip lists fifteen and says how many more there are.
    writeAtomic(file, Array.from({ length: 20 }, (_, i) => line(0.01, `s${i}`)).join(''));
    await waitFor('the tooltip to say 5 more…', () => /\b5 more…/.test(a.meter.snapshot.tooltip));
    assert.match(a.meter.snapshot.label, /20 agent sessions today/);
    fs.rmSync(file);
    await waitFor('the meter back to zero', () => a.meter.snapshot.text.includes('$0.00'));
  });

  test('Validate Artifacts puts each problem, with its field, in the Problems panel', async () => {
    const a = await api();
    const bad = path.join(root(), '.claude/outbox/bad.json');
    writeAtomic(bad, JSON.stringify({ agent: 'claude', taskId: 'T-9', status: 'done' }));
    await vscode.commands.executeCommand('fmes.validateArtifacts');
    const diags = a.panelCommands.diagnostics.get(vscode.Uri.file(bad)) ?? [];
    assert.ok(
      diags.some((d) => d.message.startsWith('status:')),
      diags.map((d) => d.message).join('\n'),
    );
    assert.ok(diags.some((d) => d.message.startsWith('summary:')));
    fs.rmSync(bad);
  });

  test('Show Mission Panel and Show Log run', async () => {
    await vscode.commands.executeCommand('fmes.showMissionPanel');
    await vscode.commands.executeCommand('fmes.showLog');
  });
});
