/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- settings read back from the files as JSON */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  fmesHookKind,
  hookCommandTarget,
  HOOK_MARKER,
  mergeHookEntries,
  mergeMcpServer,
  projectHookCommand,
} from '../../../../src/core/init/hookEntries';
import { applyInit, hookChanges, planInit } from '../../../../src/core/init/initWorkspace';
import { probeHook, probeMcp } from '../../../../src/core/init/probeLaunch';

const made: string[] = [];
function repo(files: Record<string, string> = {}): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-hooks-'));
  made.push(d);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    fs.writeFileSync(path.join(d, f), text);
  }
  return d;
}
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
const DIST = path.resolve(__dirname, '../../../../dist');
const real = {
  hook: { node: process.execPath, hookScript: path.join(DIST, 'hook.cjs') },
  mcp: { node: process.execPath, mcpScript: path.join(DIST, 'mcp.mjs') },
};
const moved = {
  hook: { node: '/old place/node', hookScript: "/old/ext's/dist/hook.cjs" },
  mcp: { node: '/old place/node', mcpScript: '/old/ext/dist/mcp.mjs' },
};
const json = (d: string, f: string) => JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('F-MES hook entries in project files', () => {
  it('every command names an absolute node and script, never `fmes` from PATH, and carries the marker', () => {
    for (const cli of ['claude', 'gemini', 'codex'] as const) {
      for (const kind of ['pre-tool-use', 'post-tool-use'] as const) {
        const c = projectHookCommand(moved.hook, cli, kind);
        assert.ok(c.startsWith("'/old place/node' '/old/ext'\\''s/dist/hook.cjs' "), c);
        assert.ok(c.endsWith(HOOK_MARKER));
        assert.equal(fmesHookKind(c), kind);
        assert.deepEqual(hookCommandTarget(c), { node: '/old place/node', script: "/old/ext's/dist/hook.cjs" });
      }
    }
    assert.equal(
      fmesHookKind('fmes hook pre-tool-use'),
      'pre-tool-use',
      'the PATH-based form of older versions is ours (to replace)',
    );
    // Look-alikes that are the user's own: never touched.
    for (const c of [
      './scripts/guard.sh',
      'fmes hook pre-tool-use && ./mine.sh',
      'echo pre-tool-use',
      'node my-hook.js pre-tool-use --verbose',
      '# fmes:hook',
      undefined,
      42,
    ])
      assert.equal(fmesHookKind(c), undefined, String(c));
  });

  it("Gemini: BeforeTool/AfterTool in ms, merged into the user's settings without losing a key; idempotent", async () => {
    const mine = {
      security: { auth: { selectedType: 'gemini-api-key' } },
      hooks: {
        BeforeTool: [
          { matcher: 'run_shell_command', hooks: [{ name: 'mine', type: 'command', command: './g.sh', timeout: 500 }] },
        ],
      },
      model: { name: 'x' },
    };
    const d = repo({ '.gemini/settings.json': JSON.stringify(mine) });
    await applyInit(d, planInit(d, real));
    const s = json(d, '.gemini/settings.json');
    assert.deepEqual(s.security, mine.security);
    assert.deepEqual(s.model, mine.model);
    assert.deepEqual(s.hooks.BeforeTool[0], mine.hooks.BeforeTool[0]);
    const guard = s.hooks.BeforeTool[1].hooks[0];
    assert.equal(guard.timeout, 30_000, 'Gemini counts milliseconds');
    assert.equal(guard.name, 'fmes-guard');
    assert.match(guard.command, /--cli gemini/);
    assert.equal(s.hooks.AfterTool[0].hooks[0].timeout, 30_000);
    assert.equal(s.hooks.PreToolUse, undefined, "Gemini rejects Claude's event names");
    assert.ok(
      planInit(d, real).every((c) => c.action === 'unchanged'),
      'idempotent',
    );
  });

  it('Codex: .codex/hooks.json PreToolUse/PostToolUse in seconds', async () => {
    const d = repo();
    await applyInit(d, planInit(d, real));
    const h = json(d, '.codex/hooks.json').hooks;
    assert.equal(h.PreToolUse[0].hooks[0].timeout, 30);
    assert.match(h.PreToolUse[0].hooks[0].command, /--cli codex/);
    assert.match(h.PostToolUse[0].hooks[0].command, /post-tool-use --cli codex/);
    assert.equal(h.PostToolUseFailure, undefined);
  });

  it("the rewrite updates only F-MES's own entries, adds nothing, leaves other files alone", async () => {
    const d = repo();
    await applyInit(d, planInit(d, { ...moved, clis: ['claude', 'gemini'] }));
    const claude = json(d, '.claude/settings.json');
    claude.hooks.PreToolUse.push({ matcher: 'Bash', hooks: [{ type: 'command', command: './mine.sh' }] });
    // A user group that also holds our handler: the handler is updated, the matcher stays theirs.
    claude.hooks.PostToolUse[0].hooks.unshift({ type: 'command', command: './audit-mine.sh' });
    claude.hooks.PostToolUse[0].matcher = 'Bash';
    fs.writeFileSync(path.join(d, '.claude/settings.json'), JSON.stringify(claude));
    fs.writeFileSync(
      path.join(d, '.mcp.json'),
      JSON.stringify({ mcpServers: { fmes: { command: 'fmes', args: ['mcp'] }, other: { command: 'x' } } }),
    );
    const changes = hookChanges(d, real, false).filter((c) => c.action === 'update');
    assert.deepEqual(changes.map((c) => c.file).sort(), [
      '.claude/settings.json',
      '.cursor/mcp.json',
      '.gemini/settings.json',
      '.mcp.json',
    ]);
    await applyInit(d, changes);
    assert.ok(!fs.existsSync(path.join(d, '.codex/hooks.json')), 'a file init never wrote is not created');
    const after = json(d, '.claude/settings.json');
    assert.equal(after.hooks.PreToolUse.length, 2);
    assert.equal(after.hooks.PreToolUse[1].hooks[0].command, './mine.sh');
    assert.equal(after.hooks.PreToolUse[0].hooks[0].command, projectHookCommand(real.hook, 'claude', 'pre-tool-use'));
    assert.equal(after.hooks.PostToolUse[0].matcher, 'Bash');
    assert.deepEqual(
      after.hooks.PostToolUse[0].hooks.map((h: { command: string }) => h.command),
      ['./audit-mine.sh', projectHookCommand(real.hook, 'claude', 'post-tool-use')],
    );
    const mcp = json(d, '.mcp.json').mcpServers;
    assert.deepEqual(mcp.fmes, { command: process.execPath, args: [real.mcp.mcpScript] });
    assert.deepEqual(mcp.other, { command: 'x' });
    assert.ok(hookChanges(d, real, false).every((c) => c.action === 'unchanged'));
  });

  it('a keep filter leaves entries that still serve; duplicates of ours collapse to one', () => {
    const c = projectHookCommand(moved.hook, 'claude', 'pre-tool-use');
    const hooks = {
      PreToolUse: [
        { matcher: '*', hooks: [{ type: 'command', command: c }] },
        { matcher: '*', hooks: [{ type: 'command', command: c }] },
      ],
    };
    assert.deepEqual(mergeHookEntries(hooks, 'claude', real.hook, false, () => true).PreToolUse, [hooks.PreToolUse[0]]);
    const merged = mergeHookEntries(hooks, 'claude', real.hook, false) as {
      PreToolUse: { hooks: { command: string }[] }[];
    };
    assert.equal(merged.PreToolUse.length, 1);
    assert.equal(merged.PreToolUse[0].hooks[0].command, projectHookCommand(real.hook, 'claude', 'pre-tool-use'));
    // A user's own `fmes` MCP entry that is not F-MES's launch form stays.
    const custom = { fmes: { command: 'npx', args: ['-y', 'fmes', 'mcp'] } };
    assert.equal(mergeMcpServer(custom, real.mcp, true), custom);
    assert.deepEqual(mergeMcpServer({}, { ...real.mcp, electronAsNode: true }, true).fmes, {
      command: process.execPath,
      args: [real.mcp.mcpScript],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
  });

  it('a file that is not JSON is skipped, never replaced', () => {
    const d = repo({ '.codex/hooks.json': '{ nope' });
    const c = planInit(d, real).find((x) => x.file === '.codex/hooks.json')!;
    assert.equal(c.action, 'skip');
  });
});

describe('fmes init checks that what it writes can run', () => {
  it('the real hook passes a harmless call; the written command really denies a write into .locks/', () => {
    const d = repo({ 'CLAUDE.md': 'x\n' });
    assert.deepEqual(probeHook(d, real.hook), []);
    assert.deepEqual(probeMcp(real.mcp), []);
    const input = JSON.stringify({
      session_id: 's',
      cwd: d,
      hook_event_name: 'PreToolUse',
      tool_name: 'Write',
      tool_input: { file_path: '.locks/x.lock', content: 'x' },
    });
    const r = spawnSync('/bin/sh', ['-c', projectHookCommand(real.hook, 'claude', 'pre-tool-use')], {
      cwd: d,
      input,
      encoding: 'utf8',
      env: { ...process.env, FMES_AGENT: 'claude' },
    });
    assert.equal(r.status, 2, r.stderr);
  });

  it('a missing node, a missing script, a script that crashes: each is reported', () => {
    const d = repo();
    assert.match(
      probeHook(d, { ...real.hook, node: '/nonexistent/node' })[0].message,
      /node \/nonexistent\/node does not exist/,
    );
    assert.match(probeHook(d, { ...real.hook, hookScript: '/nonexistent/hook.cjs' })[0].message, /does not exist/);
    assert.match(probeHook(d, { ...real.hook, node: 'node' })[0].message, /not an absolute path/);
    const notExec = path.join(d, 'node');
    fs.writeFileSync(notExec, '');
    assert.match(probeHook(d, { ...real.hook, node: notExec })[0].message, /not executable/);
    const broken = path.join(d, 'broken.cjs');
    fs.writeFileSync(broken, 'process.exit(1)');
    assert.match(probeHook(d, { ...real.hook, hookScript: broken })[0].message, /exited 2 on a harmless call/);
    assert.match(
      probeMcp({ ...real.mcp, mcpScript: broken.replace('broken', 'missing') })[0].message,
      /does not exist/,
    );
    const syntax = path.join(d, 'bad.mjs');
    fs.writeFileSync(syntax, 'export const = ;');
    assert.match(probeMcp({ ...real.mcp, mcpScript: syntax })[0].message, /--check/);
  });
});
