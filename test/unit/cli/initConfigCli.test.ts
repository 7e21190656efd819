import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfigFile } from '../../../src/core/configFile';

const CLI = path.resolve(__dirname, '../../../dist/cli.mjs');
const made: string[] = [];
const tmp = (p: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), p));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
const fmes = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FMES_RUN_ID: '', ...env } });

describe('fmes init (built CLI)', () => {
  it('writes absolute node + its own dist/hook.cjs for Claude, Gemini and Codex, and .mcp.json; a second run changes nothing', () => {
    const d = tmp('fmes-initcli-');
    const r = fmes(['init', '-w', d]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /codex exec --trust/);
    assert.match(r.stderr, /trusted folder/);
    const hookScript = path.join(path.dirname(CLI), 'hook.cjs');
    for (const f of ['.claude/settings.json', '.gemini/settings.json', '.codex/hooks.json']) {
      const text = fs.readFileSync(path.join(d, f), 'utf8');
      assert.ok(text.includes(`${process.execPath} ${hookScript} pre-tool-use`), `${f}: ${text}`);
      assert.ok(!/"fmes hook/.test(text), f);
    }
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(d, '.mcp.json'), 'utf8')).mcpServers.fmes, {
      command: process.execPath,
      args: [path.join(path.dirname(CLI), 'mcp.mjs')],
    });
    const again = fmes(['init', '-w', d, '--json']);
    assert.ok(
      (JSON.parse(again.stdout) as { action: string }[]).every((c) => c.action === 'unchanged'),
      again.stdout,
    );
  });

  it('warns (exit 1) when the command it writes cannot run', () => {
    const d = tmp('fmes-initcli-');
    const r = fmes(['init', '-w', d, '--hook-script', path.join(d, 'nope/hook.cjs'), '--dry-run']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /warning: hooks: the hook script .*nope\/hook\.cjs does not exist/);
    assert.ok(!fs.existsSync(path.join(d, '.claude')), 'dry run writes nothing');
    assert.match(r.stdout, /\+\+\+ b\/\.gemini\/settings\.json/);
  });
});

describe('fmes config confirm', () => {
  // `fmes config` is not wired into main.ts yet: run the command module in a child (the test runner owns stdout).
  const runner = path.join(tmp('fmes-confirmcli-runner-'), 'run.ts');
  fs.writeFileSync(
    runner,
    `import { Command } from ${JSON.stringify(require.resolve('commander'))};\nimport { configCommand } from ${JSON.stringify(path.resolve(__dirname, '../../../src/cli/commands/config'))};\n` +
      `const p = new Command('fmes').option('-w, --workspace <dir>').exitOverride();\np.addCommand(configCommand());\n` +
      `p.parseAsync(process.argv.slice(2), { from: 'user' }).catch((e) => { process.stderr.write(String(e)); process.exitCode = 1; });\n`,
  );
  async function run(args: string[], env: Record<string, string>) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', runner, ...args], {
      encoding: 'utf8',
      cwd: path.resolve(__dirname, '../../..'),
      env: { ...process.env, FMES_RUN_ID: '', ...env },
    });
    return { out: r.stdout + r.stderr, error: r.status === 0 ? undefined : r.stderr };
  }

  it('shows what would change, records it outside the repository, and is refused inside an agent run', async () => {
    const d = tmp('fmes-confirmcli-');
    const state = tmp('fmes-confirmcli-state-');
    fs.mkdirSync(path.join(d, '.fmes'));
    fs.writeFileSync(
      path.join(d, '.fmes/config.json'),
      JSON.stringify({ orchestrator: { auto: true }, safety: { hooks: false } }),
    );
    const store = path.join(state, 'confirmations.json');
    const inRun = await run(['-w', d, 'config', 'confirm', '--yes'], { FMES_STATE_DIR: state, FMES_RUN_ID: 'run-1' });
    assert.match(String(inRun.error), /inside an agent run/);
    assert.ok(!fs.existsSync(store));
    // The CLI reads the same file and warns, naming it and the fields.
    const warn = fmes(['lock', 'status', '-w', d], { FMES_STATE_DIR: state });
    assert.match(
      warn.stderr,
      /\.fmes\/config\.json: ignoring values that weaken safety .*orchestrator\.auto = true, safety\.hooks = false/,
    );
    const ok = await run(['-w', d, 'config', 'confirm', '--yes'], { FMES_STATE_DIR: state });
    assert.equal(ok.error, undefined, ok.out);
    assert.match(ok.out, /orchestrator\.auto: true \(now: false\)/);
    assert.ok(fs.existsSync(store));
    assert.equal(loadConfigFile(d, { store }).config.orchestrator.auto, true);
    assert.doesNotMatch(fmes(['lock', 'status', '-w', d], { FMES_STATE_DIR: state }).stderr, /ignoring/);
  });
});
