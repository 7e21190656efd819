/**
 * The demo's stand-in for a paid model: the agent tests' fake model API (test/agents/fakeModelApi.ts) on 127.0.0.1,
 * so `npm start` can run a real mission with the real Claude Code CLI on a machine without an API key or internet.
 * The CLI really runs (tools, hooks, stream-json, cost); only the model's answers are scripted, by a `FAKE:`
 * directive in the plan (test/agents/fakeScenarios.ts).
 *
 *   node --import tsx scripts/demo/fakeModel.ts <agent-home>
 *
 * Prints one JSON line, `{ "url", "claude", "gemini" }` (agent configs for .fmes/config.json: Claude Code writes the
 * demo mission, the Gemini CLI reviews it), then serves until SIGTERM or
 * SIGINT. <agent-home> receives the CLI's HOME, TMPDIR and runtime dir (the caller deletes it), so the CLI touches
 * nothing of the person's own setup.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { CLI_BINS, hermeticEnv } from '../../test/agents/cliEnv';
import { startFakeModelApi } from '../../test/agents/fakeModelApi';

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: fakeModel.ts <agent-home>');
  const dirs = { home: path.join(root, 'home'), tmp: path.join(root, 'tmp'), run: path.join(root, 'run') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  const fake = await startFakeModelApi();
  // As the agent tests run it: unattended (there is nobody to answer a permission prompt), hermetic environment.
  const claude = {
    command: CLI_BINS.claude,
    args: ['--dangerously-skip-permissions'],
    env: hermeticEnv('claude', fake, dirs),
    allowedTools: [],
  };
  // The cross-vendor reviewer. Reviews run read-only whatever the args say (src/core/agents/readOnly.ts).
  const gemini = { command: CLI_BINS.gemini, args: [], env: hermeticEnv('gemini', fake, dirs), allowedTools: [] };
  process.stdout.write(`${JSON.stringify({ url: fake.url, claude, gemini })}\n`);
  const stop = (): void => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake model: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
