import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { projectHookCommand } from '../../src/core/init/hookEntries';
import { markdownMarkers, readBlock, upsertBlock } from '../../src/core/init/managedBlock';
import { editorLaunch, refreshHookPaths } from '../../src/host/hookPaths';
import { api, extensionId, root, waitFor } from './helpers';

const FILES = [
  'CLAUDE.md',
  '.cursorrules',
  '.cursor/rules/fmes.mdc',
  '.cursor/mcp.json',
  '.claude/settings.json',
  '.gemini/settings.json',
  '.codex/hooks.json',
  '.mcp.json',
  '.gitignore',
  '.vscode/settings.json',
  '.fmes/rules.yaml',
];

suite('init', () => {
  const saved = new Map<string, string | undefined>();
  for (const f of FILES) {
    const p = path.join(root(), f);
    saved.set(f, fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined);
  }
  suiteTeardown(async () => {
    // The fixture is shared by the other suites: put every file back as it was.
    for (const [f, text] of saved) {
      const p = path.join(root(), f);
      if (text === undefined) fs.rmSync(p, { force: true });
      else fs.writeFileSync(p, text);
    }
    await vscode.workspace
      .getConfiguration('fmes')
      .update('orchestrator.auto', undefined, vscode.ConfigurationTarget.Global);
  });
  const extensionPath = () => vscode.extensions.getExtension(extensionId)!.extensionPath;

  test('Initialize Workspace shows its diff read-only and leaves no dirty or untitled editor behind', async () => {
    await api();
    const dirty = () =>
      vscode.workspace.textDocuments.filter((d) => d.isDirty || d.isUntitled).map((d) => d.uri.toString());
    const before = dirty();
    const disk = () => FILES.map((f) => readIfAny(path.join(root(), f)));
    const files = disk();
    // Declined: the diff was shown, nothing is written, and the preview is gone.
    const opened: string[] = [];
    const sub = vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const t of e.opened) if (t.input instanceof vscode.TabInputText) opened.push(t.input.uri.toString());
    });
    const written = await vscode.commands.executeCommand<string[]>('fmes.initWorkspace', { answer: false }).then(
      (w) => (sub.dispose(), w),
      (e: unknown) => {
        sub.dispose();
        throw e;
      },
    );
    assert.deepEqual(opened, ['fmes-init:/Initialize%20Workspace.diff'], 'the diff was shown');
    assert.deepEqual(written, []);
    assert.deepEqual(disk(), files, 'declined: nothing written');
    assert.deepEqual(dirty(), before, 'no dirty or untitled document');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const shown = tabs.filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'fmes-init');
    assert.deepEqual(
      shown.map((t) => t.label),
      [],
      'the preview is closed once answered',
    );
    assert.ok(!tabs.some((t) => t.isDirty), tabs.map((t) => t.label).join(', '));
    // What it showed: a diff of the files it would write, in a document that cannot be edited into a dirty one.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('fmes-init:/Initialize Workspace.diff'));
    assert.equal(doc.languageId, 'diff');
    assert.match(doc.getText(), /CLAUDE\.md/);
    assert.equal(doc.isUntitled, false);
    assert.equal(doc.isDirty, false);
  });

  test('Initialize Workspace writes the files, and a second run finds nothing to do', async () => {
    await api();
    const written = await vscode.commands.executeCommand<string[]>('fmes.initWorkspace', { apply: true });
    for (const f of [
      'CLAUDE.md',
      '.cursorrules',
      '.cursor/rules/fmes.mdc',
      '.cursor/mcp.json',
      '.mcp.json',
      '.claude/settings.json',
      '.gemini/settings.json',
      '.codex/hooks.json',
    ])
      assert.ok(written.includes(f), `wrote ${written.join(', ')}`);
    const settings = JSON.parse(fs.readFileSync(path.join(root(), '.claude/settings.json'), 'utf8')) as {
      hooks: { PreToolUse: { hooks: { command: string }[] }[] };
    };
    assert.equal(settings.hooks.PreToolUse.length, 1);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('fmes.initWorkspace', { apply: true }), []);
  });

  test("the hooks written name the editor's own runtime and the bundled dist/hook.cjs, and they run", () => {
    const settings = JSON.parse(fs.readFileSync(path.join(root(), '.claude/settings.json'), 'utf8')) as {
      hooks: { PreToolUse: { hooks: { command: string }[] }[] };
    };
    const command = settings.hooks.PreToolUse[0].hooks[0].command;
    const launch = editorLaunch(extensionPath());
    assert.equal(command, projectHookCommand(launch.hook, 'claude', 'pre-tool-use'));
    assert.ok(command.includes(path.join(extensionPath(), 'dist', 'hook.cjs')), command);
    assert.ok(!/(^|\s)fmes hook/.test(command), command);
    // Run it as Claude would, with PATH emptied: a write into .locks/ is denied, a read allowed.
    const run = (tool: string, input: object) =>
      spawnSync('/bin/sh', ['-c', command], {
        cwd: root(),
        input: JSON.stringify({ session_id: 's', cwd: root(), tool_name: tool, tool_input: input }),
        encoding: 'utf8',
        env: { PATH: '/nonexistent', FMES_AGENT: 'claude' },
      });
    assert.equal(run('Write', { file_path: '.locks/forged.lock', content: '{}' }).status, 2);
    const read = run('Read', { file_path: 'README.md' });
    assert.equal(read.status, 0, read.stderr);
    const mcp = JSON.parse(fs.readFileSync(path.join(root(), '.mcp.json'), 'utf8')) as {
      mcpServers: { fmes: { command: string; args: string[] } };
    };
    assert.deepEqual(
      [mcp.mcpServers.fmes.command, ...mcp.mcpServers.fmes.args],
      [process.execPath, path.join(extensionPath(), 'dist', 'mcp.mjs')],
    );
  });

  test("when the extension moves, activation rewrites only F-MES's entries", async () => {
    const file = path.join(root(), '.claude/settings.json');
    const old = {
      node: process.execPath,
      hookScript: path.join(path.dirname(extensionPath()), 'gone.fmes-0.0.1', 'dist', 'hook.cjs'),
    };
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      hooks: Record<string, { matcher: string; hooks: { type: string; command: string }[] }[]>;
    };
    s.hooks.PreToolUse[0].hooks[0].command = projectHookCommand(old, 'claude', 'pre-tool-use');
    s.hooks.PreToolUse.push({ matcher: 'Bash', hooks: [{ type: 'command', command: './my-own-guard.sh' }] });
    fs.writeFileSync(file, JSON.stringify(s));
    const log = vscode.window.createOutputChannel('F-MES test', { log: true });
    try {
      const rewritten = await refreshHookPaths({
        root: root(),
        extensionPath: extensionPath(),
        log,
        trusted: () => true,
      });
      assert.deepEqual(rewritten, ['.claude/settings.json']);
    } finally {
      log.dispose();
    }
    const after = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof s;
    assert.equal(
      after.hooks.PreToolUse[0].hooks[0].command,
      projectHookCommand(editorLaunch(extensionPath()).hook, 'claude', 'pre-tool-use'),
    );
    assert.equal(after.hooks.PreToolUse[1].hooks[0].command, './my-own-guard.sh');
  });

  test("a workspace's own settings cannot turn orchestrator.auto on; the user's can", async () => {
    const a = await api();
    fs.mkdirSync(path.join(root(), '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(root(), '.vscode/settings.json'),
      JSON.stringify({
        'fmes.orchestrator.auto': true,
        'fmes.orchestrator.approvalRisks': [],
        'fmes.agents.claude': { command: '/tmp/evil' },
        'fmes.budget.dailyUsd': 42,
      }),
    );
    await waitFor('the workspace settings to load', () => a.config().budget.dailyUsd === 42, 10_000);
    assert.equal(a.config().orchestrator.auto, false);
    assert.deepEqual(a.config().orchestrator.approvalRisks, ['high']);
    assert.equal(a.config().agents.claude.command, 'claude');
    await vscode.workspace
      .getConfiguration('fmes')
      .update('orchestrator.auto', true, vscode.ConfigurationTarget.Global);
    await waitFor('the user setting to apply', () => a.config().orchestrator.auto, 10_000);
  });

  test("editing CLAUDE.md's shared block updates .cursorrules and .cursor/rules/fmes.mdc", async () => {
    const file = path.join(root(), 'CLAUDE.md');
    const m = markdownMarkers('shared');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, upsertBlock(text, m, `${readBlock(text, m)!}\n- A rule added in the editor test.`));
    await waitFor(
      '.cursorrules to follow CLAUDE.md',
      () =>
        ['.cursorrules', '.cursor/rules/fmes.mdc'].every((f) =>
          fs.readFileSync(path.join(root(), f), 'utf8').includes('A rule added in the editor test.'),
        ),
      10_000,
    );
  });
});

function readIfAny(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
