import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import nls from '../../package.nls.json';
import nlsKo from '../../package.nls.ko.json';
import { agentCore, api, extensionId, waitFor } from './helpers';

// First run, in a workspace with nothing of F-MES yet (this file runs right after activation, before any suite
// writes plans, locks or cost logs): the panel has no rows, so VS Code shows its welcome content; the welcome
// and the walkthrough only point at commands that exist and media the extension ships.
/** The manifest's text: a `%key%` placeholder resolved from package.nls.json, as VS Code resolves it. */
const text = (s: string, table: Record<string, string> = nls) =>
  s.replace(/^%([^%]+)%$/, (_m, k: string) => table[k] ?? s);
const commandLinks = (s: string) => [...text(s).matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);

suite('first run: welcome and walkthrough', () => {
  test('an empty workspace gives the panel no rows (the welcome shows); a lock brings the sections, its release the welcome back', async () => {
    const a = await api();
    assert.deepEqual(a.tree.getChildren(), [], 'no sections in an empty workspace');
    const changed: number[] = [];
    const sub = a.tree.onDidChangeTreeData(() => changed.push(Date.now()));
    const agent = agentCore();
    const r = agent.locks.tryAcquire('src/a.ts', { agent: 'claude', intent: 'welcome test', pid: null });
    try {
      assert.ok(r.ok);
      await waitFor('the sections', () => a.tree.getChildren().length === 3);
      // The panel reads the model at once but tells the view after its debounce: wait for that too.
      await waitFor('the view was told to refresh', () => changed.length > 0);
      r.handle.release();
      await waitFor('the welcome again', () => a.tree.getChildren().length === 0);
    } finally {
      sub.dispose();
      // A failure above must not leave the lock to the suites after this one (it has no process: a 30 min TTL).
      if (r.ok) r.handle.release();
      agent.dispose();
    }
  });

  test('the welcome content offers Initialize Workspace, and every link is a registered command', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const welcome = pkg.contributes.viewsWelcome.filter((w) => w.view === 'fmes.missions');
    const inWorkspace = welcome.find((w) => w.when === 'workbenchState != empty && isWorkspaceTrusted');
    assert.ok(inWorkspace, 'a welcome for an opened, trusted folder');
    assert.ok(commandLinks(inWorkspace.contents).includes('fmes.initWorkspace'));
    for (const w of welcome)
      for (const c of commandLinks(w.contents)) assert.ok(all.has(c), `${c} in the welcome is a command`);
  });

  test('the walkthrough: four steps, their media shipped, their commands registered; it opens', async () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    const [walk] = pkg.contributes.walkthroughs;
    assert.deepEqual(
      walk.steps.map((s) => s.id),
      ['init', 'plan', 'start', 'merge'],
    );
    const all = new Set(await vscode.commands.getCommands(true));
    for (const s of walk.steps) {
      // The picture is a `%key%`: each display language has its own (package.nls.json, package.nls.ko.json).
      for (const table of [nls, nlsKo] as Record<string, string>[]) {
        const image = text(s.media.image, table);
        assert.ok(fs.existsSync(path.join(ext.extensionPath, image)), image);
        assert.match(image, /\.(svg|png)$/);
      }
      for (const c of commandLinks(s.description)) assert.ok(all.has(c), `${c} in step ${s.id}`);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${walk.id}`, false);
  });
});
