import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { codexHookArgs, GEMINI_HOOK_NAMES, geminiHooks } from '../../../../src/core/agents/cliHooks';
import {
  folderTrusted,
  GEMINI_HOME_DIR,
  hooksSwitchedOff,
  overlaySettings,
  prepareGeminiHome,
  stripJsonComments,
} from '../../../../src/core/agents/geminiHome';
import { hookCommand } from '../../../../src/core/agents/hookSettings';
import { Redactor } from '../../../../src/hot/safety/redact';
import { RunSetupError } from '../../../../src/core/agents/runSetupError';
import { CodexStreamParser } from '../../../../src/core/agents/streams/codexStream';
import { GeminiStreamParser } from '../../../../src/core/agents/streams/geminiStream';
import { ClaudeStreamParser } from '../../../../src/core/agents/streams/claudeStream';
import { ToolAudit, unwrapShell } from '../../../../src/core/agents/toolAudit';
import type { AgentEvent, AgentKind } from '../../../../src/core/agents/types';

const made: string[] = [];
const tmp = () => {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-guard-')));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const program = { node: '/usr/bin/node', hookScript: '/opt/fmes/dist/hook.cjs' };

describe('codex hook arguments', () => {
  it('are the same bytes for every run and carry no agent or workspace', () => {
    const a = codexHookArgs(program);
    assert.deepEqual(codexHookArgs(program), a);
    assert.deepEqual(a.slice(0, 3), ['--enable', 'hooks', '--dangerously-bypass-hook-trust']);
    const pre = a.find((x) => x.startsWith('hooks.PreToolUse='))!;
    assert.ok(pre.includes(JSON.stringify(hookCommand({ ...program, cli: 'codex' }, 'pre-tool-use'))));
    assert.match(pre, /timeout=30\}/, 'seconds in Codex');
    assert.ok(!a.join(' ').includes('--agent') && !a.join(' ').includes('--workspace'));
    assert.ok(a.some((x) => x.startsWith('hooks.PostToolUse=')));
  });
});

describe('gemini overlay settings', () => {
  const ours = new Set<string>([
    GEMINI_HOOK_NAMES.guard,
    GEMINI_HOOK_NAMES.audit,
    hookCommand({ ...program, cli: 'gemini' }, 'pre-tool-use'),
    hookCommand({ ...program, cli: 'gemini' }, 'post-tool-use'),
  ]);
  it('gemini hooks: BeforeTool and AfterTool on every tool, milliseconds, named', () => {
    const h = geminiHooks(program) as { BeforeTool: { matcher: string; hooks: { name: string; timeout: number }[] }[] };
    assert.equal(h.BeforeTool[0].matcher, '*');
    assert.equal(h.BeforeTool[0].hooks[0].name, GEMINI_HOOK_NAMES.guard);
    assert.equal(h.BeforeTool[0].hooks[0].timeout, 30_000);
  });
  it("keeps the user's settings and hooks, adds F-MES's once, and switches hooks on", () => {
    const user = {
      security: { auth: { selectedType: 'oauth-personal' } },
      mcpServers: { x: { command: 'x' } },
      hooks: { BeforeTool: [{ matcher: 'write_file', hooks: [{ type: 'command', command: 'their-hook' }] }] },
      hooksConfig: { enabled: false, disabled: [GEMINI_HOOK_NAMES.guard, 'their-other'] },
    };
    const once = overlaySettings(user, program, ours);
    const twice = overlaySettings(once, program, ours);
    assert.deepEqual(twice, once, 'merging again changes nothing');
    assert.deepEqual(once.security, user.security);
    assert.deepEqual(once.mcpServers, user.mcpServers);
    const before = (once.hooks as { BeforeTool: { hooks: { command: string }[] }[] }).BeforeTool;
    assert.deepEqual(
      before.map((g) => g.hooks[0].command),
      ['their-hook', hookCommand({ ...program, cli: 'gemini' }, 'pre-tool-use')],
    );
    assert.deepEqual(once.hooksConfig, { enabled: true, disabled: ['their-other'] });
  });
  it('a settings file switches the guard off by enabled:false, by name or by command', () => {
    assert.equal(hooksSwitchedOff(undefined, ours), undefined);
    assert.equal(hooksSwitchedOff({ hooksConfig: { disabled: ['other'] } }, ours), undefined);
    assert.match(hooksSwitchedOff({ hooksConfig: { enabled: false } }, ours)!, /enabled to false/);
    assert.match(hooksSwitchedOff({ hooksConfig: { disabled: ['fmes-guard'] } }, ours)!, /fmes-guard/);
    assert.ok(
      hooksSwitchedOff(
        { hooksConfig: { disabled: [hookCommand({ ...program, cli: 'gemini' }, 'pre-tool-use')] } },
        ours,
      ),
    );
  });
  it('comments are stripped outside strings only', () => {
    assert.deepEqual(JSON.parse(stripJsonComments('{"a": "http://x//y", /* c */ "b": 1 // tail\n}')), {
      a: 'http://x//y',
      b: 1,
    });
    assert.deepEqual(JSON.parse(stripJsonComments('{"a": "q\\"//"}')), { a: 'q"//' });
  });
});

describe('gemini folder trust', () => {
  const base = { env: {}, args: [], settings: [] };
  it('the variables and --skip-trust decide first; then the longest matching rule', () => {
    const d = tmp();
    const ws = path.join(d, 'ws');
    fs.mkdirSync(path.join(ws, '.trees/a'), { recursive: true });
    const trustFile = path.join(d, 'trustedFolders.json');
    assert.equal(folderTrusted({ ...base, cwd: ws, trustFile }), false, 'no file: not trusted');
    assert.equal(folderTrusted({ ...base, cwd: ws, trustFile, env: { GEMINI_CLI_TRUST_WORKSPACE: 'true' } }), true);
    assert.equal(folderTrusted({ ...base, cwd: ws, trustFile, args: ['--skip-trust'] }), true);
    assert.equal(
      folderTrusted({ ...base, cwd: ws, trustFile, settings: [{ security: { folderTrust: { enabled: false } } }] }),
      true,
    );
    fs.writeFileSync(trustFile, JSON.stringify({ [ws]: 'TRUST_FOLDER' }));
    assert.equal(
      folderTrusted({ ...base, cwd: path.join(ws, '.trees/a'), trustFile }),
      true,
      'a worktree inside a trusted folder',
    );
    assert.equal(folderTrusted({ ...base, cwd: ws, trustFile, env: { GEMINI_CLI_TRUST_WORKSPACE: 'false' } }), false);
    fs.writeFileSync(trustFile, JSON.stringify({ [ws]: 'TRUST_FOLDER', [path.join(ws, '.trees')]: 'DO_NOT_TRUST' }));
    assert.equal(folderTrusted({ ...base, cwd: path.join(ws, '.trees/a'), trustFile }), false, 'the longest rule wins');
    fs.writeFileSync(trustFile, JSON.stringify({ [path.join(d, 'other')]: 'TRUST_PARENT' }));
    assert.equal(folderTrusted({ ...base, cwd: ws, trustFile }), true, 'TRUST_PARENT trusts the parent');
  });
});

describe('prepareGeminiHome', () => {
  function setup() {
    const d = tmp();
    const home = path.join(d, 'home');
    const root = path.join(d, 'ws');
    fs.mkdirSync(path.join(home, '.gemini'), { recursive: true });
    fs.mkdirSync(root);
    fs.writeFileSync(
      path.join(home, '.gemini/settings.json'),
      '{ // auth\n "security": {"auth": {"selectedType": "oauth-personal"}} }',
    );
    fs.writeFileSync(path.join(home, '.gemini/oauth_creds.json'), '{"refresh_token":"r"}');
    return { home, root, env: { HOME: home, GEMINI_CLI_TRUST_WORKSPACE: 'true' } };
  }
  it("writes the overlay in the workspace, links the credentials, leaves the user's files as they were", () => {
    const { home, root, env } = setup();
    const before = fs.readFileSync(path.join(home, '.gemini/settings.json'), 'utf8');
    const vars = prepareGeminiHome({ root, cwd: root, env, args: [], hook: program });
    assert.equal(vars.GEMINI_CLI_HOME, path.join(root, GEMINI_HOME_DIR));
    assert.equal(vars.GEMINI_CLI_TRUSTED_FOLDERS_PATH, path.join(home, '.gemini/trustedFolders.json'));
    const overlay = path.join(root, GEMINI_HOME_DIR, '.gemini');
    const s = JSON.parse(fs.readFileSync(path.join(overlay, 'settings.json'), 'utf8')) as {
      security: unknown;
      hooks: object;
    };
    assert.deepEqual(s.security, { auth: { selectedType: 'oauth-personal' } });
    assert.equal(fs.readlinkSync(path.join(overlay, 'oauth_creds.json')), path.join(home, '.gemini/oauth_creds.json'));
    assert.equal(fs.readFileSync(path.join(home, '.gemini/settings.json'), 'utf8'), before);
    assert.deepEqual(fs.readdirSync(path.join(home, '.gemini')).sort(), ['oauth_creds.json', 'settings.json']);
    const mtime = fs.statSync(path.join(overlay, 'settings.json')).mtimeMs;
    prepareGeminiHome({ root, cwd: root, env, args: [], hook: program });
    assert.equal(
      fs.statSync(path.join(overlay, 'settings.json')).mtimeMs,
      mtime,
      'unchanged settings are not rewritten',
    );
  });
  it('refuses when the workspace settings switch hooks off, or the folder is not trusted, or a settings file is unreadable', () => {
    const { root, env, home } = setup();
    fs.mkdirSync(path.join(root, '.gemini'));
    fs.writeFileSync(path.join(root, '.gemini/settings.json'), '{"hooksConfig": {"enabled": false}}');
    assert.throws(
      () => prepareGeminiHome({ root, cwd: root, env, args: [], hook: program }),
      (e) => RunSetupError.is(e, 'hooksDisabled'),
    );
    fs.writeFileSync(path.join(root, '.gemini/settings.json'), '{}');
    assert.throws(
      () => prepareGeminiHome({ root, cwd: root, env: { HOME: home }, args: [], hook: program }),
      (e) => RunSetupError.is(e, 'untrusted'),
    );
    fs.writeFileSync(path.join(root, '.gemini/settings.json'), '{ not json');
    assert.throws(
      () => prepareGeminiHome({ root, cwd: root, env, args: [], hook: program }),
      (e) => RunSetupError.is(e, 'unreadableSettings'),
    );
  });
});

describe('stream parsers and the runner audit', () => {
  const audit = (cli: AgentKind, lines: string[], parser: { parseLine(l: string): AgentEvent[] }) => {
    const root = tmp();
    const a = new ToolAudit({
      root,
      cli,
      agent: `${cli}-1`,
      cwd: root,
      session: () => 's-1',
      redactor: new Redactor({}),
      onError: (e) => assert.fail(String(e)),
    });
    for (const l of lines) for (const ev of parser.parseLine(l)) a.onEvent(ev);
    const dir = path.join(root, '.fmes/audit');
    return fs.existsSync(dir)
      ? fs.readdirSync(dir).flatMap((f) =>
          fs
            .readFileSync(path.join(dir, f), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        )
      : [];
  };

  it("claude: a call its permission rules refused is recorded once; a hook's denial is not", () => {
    const use = (id: string, command: string) =>
      JSON.stringify({
        type: 'assistant',
        message: { id: `m-${id}`, content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }] },
      });
    const res = (id: string, text: string, source: string) =>
      JSON.stringify({
        type: 'user',
        message: { content: [{ type: 'tool_result', tool_use_id: id, content: text, is_error: true }] },
        tool_result_meta: [{ id, permission_decision: { decision: 'reject', source } }],
      });
    const result = JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: false,
      permission_denials: [
        { tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'node -e 1' } },
        { tool_name: 'Bash', tool_use_id: 't2', tool_input: { command: 'rm x' } },
      ],
    });
    const recs = audit(
      'claude',
      [
        use('t1', 'node -e 1'),
        res('t1', 'The following part requires approval: node -e 1', 'config'),
        use('t2', 'rm x'),
        res('t2', 'PreToolUse:Bash hook error: [x]: locked', 'hook'),
        result,
      ],
      new ClaudeStreamParser(),
    );
    assert.equal(recs.length, 1);
    assert.equal(recs[0].outcome, 'refused');
    assert.equal(recs[0].input, 'node -e 1');
    assert.equal(recs[0].agent, 'claude-1');
    assert.match(String(recs[0].reason), /^refused by claude's permissions: The following part requires approval/);
  });

  it('gemini: a policy or approval-mode refusal is recorded and counted; a BeforeTool hook denial is counted only', () => {
    const use = (id: string, name: string) =>
      JSON.stringify({ type: 'tool_use', tool_name: name, tool_id: id, parameters: { command: 'ls' } });
    const res = (id: string, type: string, message: string) =>
      JSON.stringify({ type: 'tool_result', tool_id: id, status: 'error', output: message, error: { type, message } });
    const lines = [
      use('a', 'run_shell_command'),
      res('a', 'tool_not_registered', 'Tool "run_shell_command" not found.'),
      use('b', 'write_file'),
      res('b', 'policy_violation', 'Tool execution blocked: locked by other'),
      use('c', 'run_shell_command'),
      res('c', 'policy_violation', 'Tool execution denied by policy.'),
      use('d', 'replace'),
      res('d', 'edit_no_occurrence_found', 'no match'),
    ];
    const parser = new GeminiStreamParser();
    const recs = audit('gemini', lines, parser);
    assert.deepEqual(
      recs.map((r) => [r.toolUseId, r.outcome]),
      [
        ['a', 'refused'],
        ['c', 'refused'],
      ],
    );
    const [end] = parser.parseLine(JSON.stringify({ type: 'result', status: 'success' }));
    assert.equal(end?.type === 'result' && end.result.denials.length, 3);
  });

  it('codex: the bypass-flag notices are not errors; a failed command is recorded with its exit code', () => {
    const notice = JSON.stringify({
      type: 'item.completed',
      item: {
        id: 'item_0',
        type: 'error',
        message:
          '`--dangerously-bypass-hook-trust` is enabled. Enabled hooks may run without review for this invocation.',
      },
    });
    const cmd = (exit: number) =>
      JSON.stringify({
        type: 'item.completed',
        item: {
          id: `c${exit}`,
          type: 'command_execution',
          command: "/bin/bash -lc 'echo '\\''x'\\''; exit 3'",
          aggregated_output: '',
          exit_code: exit,
          status: exit ? 'failed' : 'completed',
        },
      });
    const parser = new CodexStreamParser();
    const evs = [notice, notice].flatMap((l) => parser.parseLine(l));
    assert.deepEqual(evs, []);
    const recs = audit(
      'codex',
      [notice, cmd(0), cmd(3), JSON.stringify({ type: 'turn.completed' })],
      new CodexStreamParser(),
    );
    assert.equal(recs.length, 1);
    assert.equal(recs[0].outcome, 'failed');
    assert.equal(recs[0].exitCode, 3);
    assert.equal(recs[0].input, "echo 'x'; exit 3");
    const done = new CodexStreamParser();
    for (const l of [notice, notice]) done.parseLine(l);
    const [result] = done.parseLine(JSON.stringify({ type: 'turn.failed', error: { message: 'boom' } }));
    assert.equal(result?.type === 'result' && result.result.text, 'boom');
  });

  it('unwraps the shell Codex reports a command in', () => {
    assert.equal(unwrapShell("/bin/bash -lc 'touch a'"), 'touch a');
    assert.equal(unwrapShell("/bin/bash -lc 'echo '\\''q'\\'''"), "echo 'q'");
    assert.equal(unwrapShell('ls -la'), 'ls -la');
  });
});
