import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { LockHandle } from '../../src/hot/locks/lockHandle';
import { agentCore, api, closeAllEditors, readDisk, root, uri, waitFor } from './helpers';

suite('locks in the editor', () => {
  const agent = agentCore();
  const held: LockHandle[] = [];
  const lockAs = (p: string, who: string, intent = 'integration test') => {
    const r = agent.locks.tryAcquire(p, { agent: who, intent, pid: null });
    assert.ok(r.ok, `could not lock ${p}`);
    held.push(r.handle);
    return r.handle;
  };

  suiteSetup(async () => {
    await api();
  });

  teardown(async () => {
    for (const h of held.splice(0)) {
      try {
        h.release();
      } catch {
        /* released or broken by the test */
      }
    }
    await closeAllEditors();
    const a = await api();
    for (const l of a.state.lockViews.filter((x) => x.agent === a.me()))
      await vscode.commands.executeCommand('fmes.releaseLock', { lock: l });
    await waitFor(
      () => `no locks left (${a.state.lockViews.map((l) => `${l.path}:${l.agent}`).join(', ')})`,
      () => a.state.lockViews.length === 0,
    );
  });

  test('a lock taken by an agent appears in the mission panel with holder and intent', async () => {
    const a = await api();
    lockAs('src/auth', 'claude', 'T-42 rename login');
    await waitFor('the lock in the state', () => a.state.lockViews.some((l) => l.path === 'src/auth'));
    const sections = a.tree.getChildren();
    const locks = sections.find((s) => s.kind === 'section' && s.section === 'locks')!;
    const children = a.tree.getChildren(locks);
    const item = a.tree.getTreeItem(children[0]);
    assert.equal(item.label, 'src/auth');
    assert.match(String(item.description), /claude · T-42 rename login/);
    assert.equal(item.contextValue, 'lock');
  });

  test('locked files and folders get a lock badge naming the holder; others do not', async () => {
    const a = await api();
    lockAs('src/auth', 'claude', 'refactor');
    await waitFor('the lock in the state', () => a.state.lockViews.length === 1);
    const onFolder = a.decorations.provideFileDecoration(uri('src/auth'));
    const inside = a.decorations.provideFileDecoration(uri('src/auth/x.ts'));
    const outside = a.decorations.provideFileDecoration(uri('src/a.ts'));
    assert.equal(onFolder?.badge, '🔒');
    assert.match(String(inside?.tooltip), /Locked by claude: refactor \(folder src\/auth\)/);
    assert.equal(outside, undefined);
  });

  test('typing into a locked file is impossible and the file on disk is unchanged', async () => {
    const a = await api();
    const before = readDisk('src/auth/x.ts');
    lockAs('src/auth/x.ts', 'claude');
    await waitFor('the lock in the state', () => a.state.lockViews.length === 1);
    const editor = await vscode.window.showTextDocument(uri('src/auth/x.ts'));
    await waitFor('the guard to mark the editor read-only', () => a.guard.isMarked(editor.document.uri));
    await vscode.commands.executeCommand('type', { text: 'typed by a person ' });
    await vscode.commands.executeCommand('editor.action.clipboardPasteAction');
    assert.equal(editor.document.getText(), before, 'typing changed nothing');
    assert.equal(editor.document.isDirty, false);
    await vscode.commands.executeCommand('workbench.action.files.save');
    assert.equal(readDisk('src/auth/x.ts'), before, 'the file on disk is unchanged');
  });

  test('an edit that reaches a locked file anyway never reaches the disk', async () => {
    const a = await api();
    const before = readDisk('src/a.ts');
    const doc = await vscode.workspace.openTextDocument(uri('src/a.ts'));
    lockAs('src/a.ts', 'gemini');
    await waitFor('the lock in the state', () => a.state.lockViews.length === 1);
    // A workspace edit on a background document (as a rename refactoring would make).
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), '// sneaky\n');
    await vscode.workspace.applyEdit(edit);
    // VS Code saves a refactored file that has no editor by itself (files.refactoring.autoSave); when it
    // does not, the person's save is what the guard intercepts.
    await new Promise((r) => setTimeout(r, 300));
    if (doc.isDirty) await doc.save();
    await waitFor(
      () => `the disk to be unchanged (disk ${JSON.stringify(readDisk('src/a.ts'))})`,
      () => readDisk('src/a.ts') === before,
    );
    await waitFor('the document to show the disk again', () => doc.getText() === before);
  });

  test('an agent writing the locked file is not undone', async () => {
    const a = await api();
    const doc = await vscode.workspace.openTextDocument(uri('README.md'));
    await vscode.window.showTextDocument(doc);
    lockAs('README.md', 'claude');
    await waitFor('the lock in the state', () => a.state.lockViews.length === 1);
    fs.writeFileSync(path.join(root(), 'README.md'), '# written by the agent\n');
    await waitFor('the editor to show the agent’s text', () => doc.getText() === '# written by the agent\n', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(doc.getText(), '# written by the agent\n');
    assert.equal(readDisk('README.md'), '# written by the agent\n');
  });

  test('when the lock goes, the file is writable again', async () => {
    const a = await api();
    const h = lockAs('src/auth/session.ts', 'claude');
    await waitFor('the lock in the state', () => a.state.lockViews.length === 1);
    const editor = await vscode.window.showTextDocument(uri('src/auth/session.ts'));
    await waitFor('read-only', () => a.guard.isMarked(editor.document.uri));
    h.release();
    await waitFor('writable again', () => !a.guard.isMarked(editor.document.uri));
    await vscode.commands.executeCommand('type', { text: '// mine\n' });
    assert.match(editor.document.getText(), /^\/\/ mine\n/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('Lock for Me and Release Lock from the explorer write and remove a real lock that agents honour', async () => {
    const a = await api();
    await vscode.commands.executeCommand('fmes.lockForMe', uri('src/a.ts'));
    const file = path.join(root(), '.locks', 'src%2Fa.ts.lock');
    assert.ok(fs.existsSync(file));
    const rec = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(rec.agent, a.me());
    assert.equal(rec.pid, process.pid, 'bound to the extension host');
    const other = agent.locks.tryAcquire('src/a.ts', { agent: 'claude' });
    assert.ok(!other.ok, 'an agent is refused');
    await waitFor('the lock in the state', () => a.state.lockViews.some((l) => l.agent === a.me()));
    assert.match(
      String(a.decorations.provideFileDecoration(uri('src/a.ts'))?.tooltip),
      /^Locked by you: edited by human:/,
    );
    // Each says so in a notification naming the path, the holder and the TTL.
    assert.match(String(a.lockCommands.lastMessage), new RegExp(`^F-MES: locked src/a\\.ts for ${a.me()} \\(TTL `));
    await vscode.commands.executeCommand('fmes.releaseLock', uri('src/a.ts'));
    assert.ok(!fs.existsSync(file));
    assert.equal(
      a.lockCommands.lastMessage,
      `F-MES: released src/a.ts (held by ${a.me()}). Agents may write it again.`,
    );
    // Release on a path nobody holds, and on an agent's lock: said, and the agent's lock stays.
    await vscode.commands.executeCommand('fmes.releaseLock', uri('src/a.ts'));
    assert.equal(a.lockCommands.lastMessage, 'F-MES: nothing to release: src/a.ts is not locked.');
    lockAs('src/a.ts', 'claude');
    await waitFor('the agent lock in the state', () => a.state.lockViews.some((l) => l.agent === 'claude'));
    await vscode.commands.executeCommand('fmes.releaseLock', uri('src/a.ts'));
    assert.match(String(a.lockCommands.lastMessage), /src\/a\.ts is held by claude, not by you .*it stays locked/);
    assert.ok(fs.existsSync(file), 'the agent keeps its lock');
    // Lock for Me on it now: refused, and said.
    await vscode.commands.executeCommand('fmes.lockForMe', uri('src/a.ts'));
    assert.match(String(a.lockCommands.lastMessage), /^src\/a\.ts is locked: /);
  });

  test('Show Lock opens the lock file of the lock that covers a path', async () => {
    const a = await api();
    lockAs('src/auth', 'claude', 'show me');
    await waitFor('the lock in the state', () => a.state.lockViews.length === 1);
    await vscode.commands.executeCommand('fmes.showLock', uri('src/auth/x.ts'));
    const shown = await waitFor('the lock file in the editor', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath.endsWith('src%2Fauth.lock') ? e : undefined;
    });
    assert.match(shown.document.getText(), /"intent":"show me"/);
  });

  test('Notify When Free waits for the path and lets go once it is free', async () => {
    const a = await api();
    const h = lockAs('src/a.ts', 'codex');
    await waitFor('the lock in the state', () => a.state.lockViews.length === 1);
    await vscode.commands.executeCommand('fmes.notifyWhenFree', uri('src/a.ts'));
    assert.deepEqual(a.lockCommands.waitingFor, ['src/a.ts']);
    h.release();
    await waitFor('the wait to end', () => a.lockCommands.waitingFor.length === 0);
  });

  test('stale and invalid locks are marked in the panel', async () => {
    const a = await api();
    fs.mkdirSync(path.join(root(), '.locks'), { recursive: true });
    fs.writeFileSync(path.join(root(), '.locks', 'README.md.lock'), '{"version":1,"agent":');
    const stale = agent.locks.tryAcquire('src/a.ts', { agent: 'ghost', pid: null, ttlMs: 1 });
    assert.ok(stale.ok);
    held.push(stale.handle);
    await waitFor('both locks', () => a.state.lockViews.length === 2, 8000);
    await new Promise((r) => setTimeout(r, 20));
    await vscode.commands.executeCommand('fmes.refresh');
    const views = a.state.lockViews;
    assert.equal(views.find((l) => l.path === 'README.md')?.kind, 'invalid');
    assert.equal(views.find((l) => l.path === 'src/a.ts')?.staleness.stale, true);
    const items = a.tree
      .getChildren(a.tree.getChildren().find((s) => s.kind === 'section' && s.section === 'locks'))
      .map((n) => a.tree.getTreeItem(n));
    assert.ok(items.some((i) => i.contextValue === 'lock.invalid'));
    assert.ok(items.some((i) => /stale: expired/.test(String(i.description))));
    fs.rmSync(path.join(root(), '.locks', 'README.md.lock'));
  });
});
