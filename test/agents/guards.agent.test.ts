import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { GEMINI_HOME_DIR } from '../../src/core/agents/geminiHome';
import { testGitEnv } from '../fixtures/git';
import type { AgentCli } from './cliEnv';
import { agentTestBed, auditOf, fmesRun, fmesSync, type Workspace, writeConfig } from './runHarness';

// F-MES's guard in every run it starts, for each of the three REAL agent CLIs against the fake model API, with
// the product's default arguments: a write to a path another agent holds is refused, a free write lands, both
// are audited under the right agent; failed and refused calls are audited too; the user's files stay as they are.

const bed = agentTestBed();

const fmes = fmesSync;

function commit(w: Workspace, file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(w.dir, file)), { recursive: true });
  fs.writeFileSync(path.join(w.dir, file), text);
  const env = testGitEnv({ HOME: w.home });
  execFileSync('git', ['add', file], { cwd: w.dir, env });
  execFileSync('git', ['commit', '-q', '-m', file], { cwd: w.dir, env });
}

/** Every file under `dir` with its type, size and content hash (symlinks by target). */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) out.set(path.relative(dir, p), `link ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const show = (r: Awaited<ReturnType<typeof fmesRun>>) =>
  `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`;

/** A shell command each CLI runs unasked under the default arguments, that fails with a known exit code. */
const FAILING: Record<AgentCli, { command: string; exitCode: number }> = {
  // Claude's default allowedTools let `git diff` run; an unknown option makes git exit 255.
  claude: { command: 'git diff --no-such-option', exitCode: 255 },
  gemini: { command: "sh -c 'echo failing >&2; exit 3'", exitCode: 3 },
  codex: { command: "sh -c 'echo failing >&2; exit 3'", exitCode: 3 },
};

for (const cli of ['claude', 'gemini', 'codex'] as const) {
  describe(`${cli} under F-MES's guard, with the default arguments`, () => {
    it('a write to a path another agent holds is refused, audited as denied, and nothing lands on disk', async () => {
      const w = await bed.workspace(cli);
      fmes(w, 'lock', 'acquire', 'guarded.txt', '--agent', 'other', '--intent', 'theirs');
      const r = await fmesRun(w, ['--task', 'guarded', '--prompt', 'FAKE:write guarded.txt']);
      assert.equal(r.code, 0, show(r));
      assert.ok(!fs.existsSync(path.join(w.dir, 'guarded.txt')), 'the file was not written');
      const denied = auditOf(w).filter((a) => a.outcome === 'denied');
      assert.equal(denied.length, 1, JSON.stringify(auditOf(w)));
      assert.equal(denied[0].agent, cli);
      assert.match(denied[0].reason ?? '', /other/);
    });

    it('a free write lands and is audited as ok under the right agent', async () => {
      const w = await bed.workspace(cli);
      const r = await fmesRun(w, ['--task', 'free', '--prompt', 'FAKE:write free.txt']);
      assert.equal(r.code, 0, show(r));
      assert.equal(fs.readFileSync(path.join(w.dir, 'free.txt'), 'utf8'), 'hello from fake model\n');
      const ok = auditOf(w).filter((a) => a.outcome === 'ok' && a.input.includes('free.txt'));
      assert.equal(ok.length, 1, JSON.stringify(auditOf(w)));
      assert.equal(ok[0].agent, cli);
    });

    it('a failed shell command is audited as failed, with its exit code', async () => {
      const w = await bed.workspace(cli);
      const { command, exitCode } = FAILING[cli];
      const r = await fmesRun(w, ['--task', 'fails', '--prompt', `FAKE:bash ${command}`]);
      assert.equal(r.code, 0, show(r));
      const failed = auditOf(w).filter((a) => a.outcome === 'failed');
      assert.equal(failed.length, 1, JSON.stringify(auditOf(w)));
      assert.equal(failed[0].agent, cli);
      assert.ok(
        failed[0].exitCode === exitCode || new RegExp(`\\b${exitCode}\\b`).test(failed[0].reason ?? ''),
        `exit code ${exitCode} recorded: ${JSON.stringify(failed[0])}`,
      );
    });

    if (cli !== 'claude') {
      // Claude's Edit needs the file read first in the same session; Write covers Claude above.
      it("an edit of a file another agent holds is refused and the file's bytes are unchanged", async () => {
        const w = await bed.workspace(cli);
        commit(w, 'src/held.txt', 'original\n');
        fmes(w, 'lock', 'acquire', 'src/held.txt', '--agent', 'other');
        const r = await fmesRun(w, ['--task', 'edit', '--prompt', 'FAKE:replace src/held.txt original changed']);
        assert.equal(r.code, 0, show(r));
        assert.equal(fs.readFileSync(path.join(w.dir, 'src/held.txt'), 'utf8'), 'original\n');
        assert.equal(auditOf(w).filter((a) => a.outcome === 'denied').length, 1, JSON.stringify(auditOf(w)));
      });
    }
  });
}

describe('a resumed session keeps its guard', () => {
  it('codex: `exec … resume <id>` takes the hook arguments too', async () => {
    const w = await bed.workspace('codex');
    const first = await fmesRun(w, [
      '--task',
      'again',
      '--prompt',
      'say hello (no directive: the fake answers with text)',
    ]);
    assert.equal(first.code, 0, show(first));
    fmes(w, 'lock', 'acquire', 'later.txt', '--agent', 'other');
    const second = await fmesRun(w, ['--task', 'again', '--resume', '--prompt', 'FAKE:write later.txt']);
    assert.equal(second.code, 0, show(second));
    assert.equal(
      (second.events.find((e) => e.type === 'attempt') as { session: string } | undefined)?.session,
      'resume',
    );
    assert.equal(second.outcome.sessionId, first.outcome.sessionId);
    assert.ok(!fs.existsSync(path.join(w.dir, 'later.txt')));
    assert.equal(auditOf(w).filter((a) => a.outcome === 'denied').length, 1, JSON.stringify(auditOf(w)));
  });
});

describe("calls refused by a CLI's own permissions", () => {
  it('claude: a command outside allowedTools is refused by Claude and audited as refused, once', async () => {
    const w = await bed.workspace('claude');
    const r = await fmesRun(w, ['--task', 'perm', '--prompt', 'FAKE:bash node -e "1" && touch perm.txt']);
    assert.equal(r.code, 0, show(r));
    assert.ok(!fs.existsSync(path.join(w.dir, 'perm.txt')));
    const refused = auditOf(w).filter((a) => a.outcome === 'refused');
    assert.equal(refused.length, 1, JSON.stringify(auditOf(w)));
    assert.equal(refused[0].agent, 'claude');
    assert.equal(refused[0].tool, 'Bash');
    assert.match(refused[0].input, /node -e/);
    assert.match(refused[0].reason ?? '', /refused by claude's permissions/);
  });
});

describe('Gemini: the overlay, the user files and the settings that would switch the guard off', () => {
  it("keeps the user's HOME as it was and holds F-MES's hooks in the workspace overlay", async () => {
    const w = await bed.workspace('gemini');
    const userSettings = path.join(w.home, '.gemini/settings.json');
    fs.writeFileSync(path.join(w.home, '.gemini/oauth_creds.json'), '{"refresh_token":"x"}');
    const before = tree(w.home);
    const r = await fmesRun(w, ['--task', 'home', '--prompt', 'FAKE:write free.txt']);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(tree(w.home), before, 'nothing under HOME was added, removed or changed');
    const overlay = path.join(w.dir, GEMINI_HOME_DIR, '.gemini');
    const settings = JSON.parse(fs.readFileSync(path.join(overlay, 'settings.json'), 'utf8')) as {
      security: unknown;
      hooks: Record<string, unknown>;
    };
    assert.deepEqual(
      settings.security,
      (JSON.parse(fs.readFileSync(userSettings, 'utf8')) as { security: unknown }).security,
      "the user's own settings are kept",
    );
    assert.ok(settings.hooks.BeforeTool && settings.hooks.AfterTool);
    assert.equal(
      fs.readlinkSync(path.join(overlay, 'oauth_creds.json')),
      path.join(w.home, '.gemini/oauth_creds.json'),
      'credentials are linked, not copied',
    );
    const second = await fmesRun(w, ['--task', 'home', '--resume', '--prompt', 'FAKE:text']);
    assert.equal(second.code, 0, show(second));
    const attempt = second.events.find((e) => e.type === 'attempt') as { session: string } | undefined;
    assert.equal(attempt?.session, 'resume');
    assert.ok(!second.events.some((e) => e.type === 'fallback'), 'the session was found in the overlay');
  });

  for (const [what, settings] of [
    ['hooksConfig.enabled: false', { hooksConfig: { enabled: false } }],
    ["F-MES's hook disabled by name", { hooksConfig: { disabled: ['fmes-guard'] } }],
  ] as const) {
    it(`refuses to start when the workspace's .gemini/settings.json has ${what}`, async () => {
      const w = await bed.workspace('gemini');
      fs.mkdirSync(path.join(w.dir, '.gemini'));
      fs.writeFileSync(path.join(w.dir, '.gemini/settings.json'), JSON.stringify(settings));
      const before = bed.fake().requests.length;
      const r = await fmesRun(w, ['--task', 'off', '--prompt', 'FAKE:write free.txt']);
      assert.equal(r.code, 1, show(r));
      assert.equal(r.outcome.reason, 'refused');
      assert.match(String(r.outcome.message), /\.gemini\/settings\.json/);
      assert.equal(bed.fake().requests.length, before, 'Gemini was never started');
    });
  }

  it("follows the user's folder trust: refused with how to trust, then run once the user trusts the folder", async () => {
    const w = await bed.workspace('gemini');
    const configFile = path.join(w.dir, '.fmes/config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as {
      agents: { gemini: { env: Record<string, string> } };
    };
    delete config.agents.gemini.env.GEMINI_CLI_TRUST_WORKSPACE;
    writeConfig(w.dir, config);
    const refused = await fmesRun(w, ['--task', 'trust', '--prompt', 'FAKE:text']);
    assert.equal(refused.outcome.reason, 'refused', show(refused));
    assert.match(String(refused.outcome.message), /does not trust .*Trust folder/);
    // What Gemini writes when the user chooses "Trust folder" in an interactive session.
    fs.writeFileSync(path.join(w.home, '.gemini/trustedFolders.json'), JSON.stringify({ [w.dir]: 'TRUST_FOLDER' }));
    const ok = await fmesRun(w, ['--task', 'trust', '--prompt', 'FAKE:write trusted.txt']);
    assert.equal(ok.code, 0, show(ok));
    assert.ok(fs.existsSync(path.join(w.dir, 'trusted.txt')));
  });
});
