// zod/mini like the rest of the config: every entry point parses it, including each short `fmes lock` call.
import * as z from '../schemas/zodMini';
import { schemaError } from '../i18n/schemaText';

const strings = z.array(z.string());
const envName = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, schemaError('envName')));

function agentCli(command: string, args: string[], allowedTools: string[]) {
  const dflt = { command, args, env: {}, passEnv: [], model: '', allowedTools };
  return z._default(
    z.object({
      /** The executable (a name on PATH or an absolute path). */
      command: z._default(z.string().check(z.minLength(1)), command),
      /** Extra arguments placed before F-MES's own (permission or approval mode, sandbox, …). */
      args: z._default(strings, args),
      /** Variables set for the agent, on top of the hermetic environment. */
      env: z._default(z.record(envName, z.string()), {}),
      /** Variables passed through from F-MES's own environment, besides the documented defaults. */
      passEnv: z._default(z.array(envName), []),
      /** The model to ask for; empty: the CLI's default. */
      model: z._default(z.string(), ''),
      /** Tools the agent may use without asking (Claude `--allowedTools`, Gemini `--allowed-tools`); a plan's list wins. */
      allowedTools: z._default(strings, allowedTools),
    }),
    dflt,
  );
}

// Defaults measured with the real CLIs headless (Claude Code 2.1.330, Gemini CLI 0.61, Codex 0.169):
// - Claude: acceptEdits + the list below: edits in the workspace and a few read-only commands run, other
//   commands are refused by Claude's own permissions (and audited as refused).
// - Gemini: auto_edit alone offers no shell tool in a headless run (the tool is not even registered);
//   `--allowed-tools run_shell_command` (below, as allowedTools) adds it. `--yolo` would also auto-approve MCP tools
//   and web fetches: more than F-MES needs.
// - Codex: `--full-auto` is gone in 0.169 (exit 2, "unexpected argument"); `-s workspace-write` lets the agent
//   write in its working directory (and /tmp), not elsewhere, and still fires F-MES's hooks before the sandbox.
const GEMINI_ARGS = ['--approval-mode', 'auto_edit'];
const GEMINI_TOOLS = ['run_shell_command'];
const CODEX_ARGS = ['-s', 'workspace-write'];

/** Claude's default allowedTools. */
export const CLAUDE_TOOLS = [
  'Read',
  'Glob',
  'Grep',
  'LS',
  'Edit',
  'MultiEdit',
  'Write',
  'Bash(git status:*)',
  'Bash(git diff:*)',
  'Bash(npm test:*)',
  'Bash(npm run:*)',
];

export const agentsSchema = z._default(
  z.object({
    claude: agentCli('claude', ['--permission-mode', 'acceptEdits'], CLAUDE_TOOLS),
    gemini: agentCli('gemini', GEMINI_ARGS, GEMINI_TOOLS),
    codex: agentCli('codex', CODEX_ARGS, []),
  }),
  {
    claude: {
      command: 'claude',
      args: ['--permission-mode', 'acceptEdits'],
      env: {},
      passEnv: [],
      model: '',
      allowedTools: CLAUDE_TOOLS,
    },
    gemini: { command: 'gemini', args: GEMINI_ARGS, env: {}, passEnv: [], model: '', allowedTools: GEMINI_TOOLS },
    codex: { command: 'codex', args: CODEX_ARGS, env: {}, passEnv: [], model: '', allowedTools: [] },
  },
);

const positive = (max: number, dflt: number) => z._default(z.number().check(z.positive(), z.maximum(max)), dflt);

/** Limits of one run (a plan's front matter and `fmes run` flags override them). */
export const runLimitsSchema = z._default(
  z.object({
    /** Model turns before the breaker stops the run. */
    maxTurns: z._default(z.number().check(z.int(), z.positive(), z.maximum(10_000)), 30),
    /** Spend of one run (USD) before the breaker stops it. */
    budgetUsd: positive(100_000, 2),
    /** Wall time of one run, in seconds. */
    timeoutSec: positive(7 * 86_400, 1_800),
    /** Further attempts after an API error or a failed run (breaches are never retried). */
    retries: z._default(z.number().check(z.int(), z.nonnegative(), z.maximum(10)), 1),
    /** Time between SIGTERM and SIGKILL when a run is stopped, in seconds. */
    killGraceSec: positive(30, 1),
  }),
  { maxTurns: 30, budgetUsd: 2, timeoutSec: 1_800, retries: 1, killGraceSec: 1 },
);

const perMTok = z.number().check(z.nonnegative(), z.maximum(10_000));

/** USD per million tokens for a model (or a model-name prefix): prices CLIs that report tokens but no cost. */
export const priceSchema = z.object({
  input: perMTok,
  output: perMTok,
  cacheRead: z.optional(perMTok),
  cacheWrite: z.optional(perMTok),
});

export const pricesSchema = z._default(z.record(z.string().check(z.minLength(1)), priceSchema), {});
