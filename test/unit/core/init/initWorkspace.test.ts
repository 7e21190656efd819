import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { applyInit, cursorRulesFrom, planInit } from '../../../../src/core/init/initWorkspace';
import { markdownMarkers, readBlock, upsertBlock } from '../../../../src/core/init/managedBlock';

const made: string[] = [];
function repo(files: Record<string, string> = {}): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fmes-init-'));
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
const opts = {
  hook: { node: '/opt/node/bin/node', hookScript: '/opt/fmes/dist/hook.cjs' },
  mcp: { node: '/opt/node/bin/node', mcpScript: '/opt/fmes/dist/mcp.mjs' },
};
const read = (d: string, f: string) => fs.readFileSync(path.join(d, f), 'utf8');

describe('fmes init', () => {
  it('on an existing repository nothing of theirs is lost, and a second run changes nothing', async () => {
    const mine = {
      'CLAUDE.md': '# Our agent\nYou are the payments team assistant.\n\n## Style\nUse tabs.\n',
      '.claude/settings.json': JSON.stringify(
        {
          permissions: { allow: ['Bash(npm test:*)'], deny: ['Read(./.env)'] },
          hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/guard.sh' }] }] },
          model: 'sonnet',
        },
        null,
        2,
      ),
      '.mcp.json': JSON.stringify({ mcpServers: { github: { command: 'gh-mcp' } } }),
      '.gitignore': 'node_modules/\n.env\n.locks/\n',
      '.cursorrules': 'Always write tests first.\n',
    };
    const d = repo(mine);
    const first = await applyInit(d, planInit(d, opts));
    assert.deepEqual(first.map((c) => c.file).sort(), [
      '.claude/settings.json',
      '.codex/hooks.json',
      '.cursor/mcp.json',
      '.cursor/rules/fmes.mdc',
      '.cursorrules',
      '.fmes/rules.yaml',
      '.gemini/settings.json',
      '.gitignore',
      '.mcp.json',
      'CLAUDE.md',
    ]);

    const claude = read(d, 'CLAUDE.md');
    assert.ok(claude.startsWith(mine['CLAUDE.md']), 'their CLAUDE.md is kept verbatim at the top');
    assert.match(claude, /Lock protocol \(F-MES\)/);
    assert.ok(!claude.includes('senior site reliability engineer'), 'a project with its own persona keeps it');
    const settings = JSON.parse(read(d, '.claude/settings.json')) as {
      permissions: unknown;
      model: string;
      hooks: { PreToolUse: { hooks: { command: string }[] }[]; PostToolUse: unknown[] };
    };
    assert.deepEqual(settings.permissions, { allow: ['Bash(npm test:*)'], deny: ['Read(./.env)'] });
    assert.equal(settings.model, 'sonnet');
    assert.equal(settings.hooks.PreToolUse[0].hooks[0].command, './scripts/guard.sh');
    assert.match(
      settings.hooks.PreToolUse[1].hooks[0].command,
      /^\/opt\/node\/bin\/node \/opt\/fmes\/dist\/hook\.cjs pre-tool-use --cli claude;.* # fmes:hook$/,
    );
    assert.equal(settings.hooks.PostToolUse.length, 1);
    const mcp = JSON.parse(read(d, '.mcp.json')) as { mcpServers: Record<string, unknown> };
    assert.deepEqual(Object.keys(mcp.mcpServers), ['github', 'fmes']);
    const ignore = read(d, '.gitignore');
    assert.ok(ignore.startsWith('node_modules/\n.env\n.locks/\n'));
    assert.equal(
      ignore.split('\n').filter((l) => l === '.locks/').length,
      1,
      'an entry already there is not added twice',
    );
    assert.match(ignore, /\.trees\//);
    const cursor = read(d, '.cursorrules');
    assert.ok(cursor.startsWith('Always write tests first.\n'));
    assert.match(cursor, /Lock protocol \(F-MES\)/);

    const second = planInit(d, opts);
    assert.deepEqual(
      second.map((c) => c.action),
      second.map(() => 'unchanged'),
      'idempotent',
    );
  });

  it("Cursor gets .cursor/rules/fmes.mdc (front matter, CLAUDE.md's rules) and the MCP server in .cursor/mcp.json", async () => {
    const d = repo();
    await applyInit(d, planInit(d, opts));
    const mdc = read(d, '.cursor/rules/fmes.mdc');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(mdc);
    assert.ok(front, 'front matter first');
    assert.match(front[1], /^description: \S.+$/m);
    assert.match(front[1], /^globs:/m);
    assert.match(front[1], /^alwaysApply: true$/m);
    assert.match(mdc, /Lock protocol \(F-MES\)/);
    const mcp = JSON.parse(read(d, '.cursor/mcp.json')) as { mcpServers: Record<string, unknown> };
    assert.deepEqual(mcp.mcpServers.fmes, { command: '/opt/node/bin/node', args: ['/opt/fmes/dist/mcp.mjs'] });
  });

  it("a user's own Cursor files are merged, never replaced; a broken one is skipped with a message", async () => {
    const theirRule = '---\ndescription: our style\nglobs: src/**/*.ts\nalwaysApply: false\n---\n\nUse tabs.\n';
    const theirMcp = JSON.stringify({ mcpServers: { fmes: { command: 'their-own-fmes' }, db: { command: 'db-mcp' } } });
    const d = repo({ '.cursor/rules/fmes.mdc': theirRule, '.cursor/mcp.json': theirMcp });
    await applyInit(d, planInit(d, opts));
    const mdc = read(d, '.cursor/rules/fmes.mdc');
    assert.ok(mdc.startsWith(theirRule), 'their front matter and text stay as they were, first');
    assert.match(mdc, /Lock protocol \(F-MES\)/);
    assert.deepEqual(
      JSON.parse(read(d, '.cursor/mcp.json')),
      JSON.parse(theirMcp),
      'an fmes server of theirs is theirs',
    );
    assert.deepEqual(
      planInit(d, opts)
        .filter((c) => c.file.startsWith('.cursor/'))
        .map((c) => c.action),
      ['unchanged', 'unchanged'],
    );

    const broken = repo({ '.cursor/mcp.json': '{ "mcpServers": ' });
    const plan = planInit(broken, opts);
    const c = plan.find((x) => x.file === '.cursor/mcp.json')!;
    assert.equal(c.action, 'skip');
    assert.match(c.problem!, /not valid JSON/);
    await applyInit(broken, plan);
    assert.equal(read(broken, '.cursor/mcp.json'), '{ "mcpServers": ');
  });

  it('a fresh repository gets the persona, the rules and the files', async () => {
    const d = repo();
    await applyInit(d, planInit(d, opts));
    assert.match(read(d, 'CLAUDE.md'), /senior site reliability engineer/);
    assert.ok(fs.existsSync(path.join(d, '.mcp.json')));
  });

  it('a settings file that is not JSON is reported and left alone, never replaced', async () => {
    const d = repo({ '.claude/settings.json': '{ "hooks": { oops' });
    const plan = planInit(d, opts);
    const s = plan.find((c) => c.file === '.claude/settings.json')!;
    assert.equal(s.action, 'skip');
    assert.match(s.problem!, /not valid JSON/);
    await applyInit(d, plan);
    assert.equal(read(d, '.claude/settings.json'), '{ "hooks": { oops');
  });

  it(".cursorrules follows CLAUDE.md's shared block when it is edited", async () => {
    const d = repo();
    await applyInit(d, planInit(d, opts));
    const m = markdownMarkers('shared');
    const edited = upsertBlock(
      read(d, 'CLAUDE.md'),
      m,
      `${readBlock(read(d, 'CLAUDE.md'), m)!}\n- Our extra shared rule.`,
    );
    fs.writeFileSync(path.join(d, 'CLAUDE.md'), edited);
    await applyInit(d, planInit(d, opts));
    assert.match(read(d, '.cursorrules'), /Our extra shared rule/);
    assert.equal(cursorRulesFrom(edited, read(d, '.cursorrules')), read(d, '.cursorrules'));
  });
});
