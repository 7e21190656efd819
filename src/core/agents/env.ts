import type { AgentKind } from './types';

/**
 * The environment an agent CLI gets: nothing of F-MES's own environment but what is listed here. Secrets the
 * user has for other tools (cloud credentials, registry tokens) do not leak into an agent by accident; add
 * them with `passEnv` or `env` in the agent's settings when a task needs them.
 */
export const BASE_PASS_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'COLORTERM',
  'TZ',
  'TMPDIR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'XDG_STATE_HOME',
  'XDG_RUNTIME_DIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

/** What each CLI needs to find its provider and credentials. */
export const AGENT_PASS_ENV: Readonly<Record<AgentKind, readonly string[]>> = {
  claude: [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    'ANTHROPIC_MODEL',
    'ANTHROPIC_SMALL_FAST_MODEL',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'CLAUDE_CONFIG_DIR',
    'CLAUDE_CODE_USE_BEDROCK',
    'CLAUDE_CODE_USE_VERTEX',
    'AWS_REGION',
    'AWS_PROFILE',
    'CLOUD_ML_REGION',
    'ANTHROPIC_VERTEX_PROJECT_ID',
    'IS_SANDBOX',
  ],
  gemini: [
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'GOOGLE_GEMINI_BASE_URL',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_CLOUD_LOCATION',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GOOGLE_GENAI_USE_VERTEXAI',
    'GEMINI_CLI_TRUST_WORKSPACE',
  ],
  codex: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'CODEX_HOME'],
};

/** Always set: no telemetry, no auto-update, no side traffic from a headless run. */
export const AGENT_FIXED_ENV: Readonly<Record<AgentKind, Readonly<Record<string, string>>>> = {
  claude: {
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  },
  gemini: { GEMINI_TELEMETRY_ENABLED: 'false' },
  codex: {},
};

export interface AgentEnvInput {
  kind: AgentKind;
  /** F-MES's own environment (process.env). */
  parent: Readonly<Record<string, string | undefined>>;
  passEnv: readonly string[];
  /** The agent's configured variables. */
  env: Readonly<Record<string, string>>;
  /** Set for the run: FMES_AGENT, FMES_TASK, FMES_RUN_ID, FMES_WORKSPACE. */
  fmes: { agent: string; task: string; runId: string; workspace: string };
  /**
   * The run's broker (src/core/broker/): FMES_BROKER and FMES_RUN_TOKEN. Set last, over anything configured:
   * an agent's `env` or `passEnv` cannot point the run at another broker or token.
   */
  broker?: Readonly<Record<string, string>>;
}

export function agentEnv(i: AgentEnvInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...BASE_PASS_ENV, ...AGENT_PASS_ENV[i.kind], ...i.passEnv]) {
    const v = i.parent[name];
    if (v !== undefined) out[name] = v;
  }
  Object.assign(out, AGENT_FIXED_ENV[i.kind], i.env);
  out.FMES_AGENT = i.fmes.agent;
  out.FMES_TASK = i.fmes.task;
  out.FMES_RUN_ID = i.fmes.runId;
  out.FMES_WORKSPACE = i.fmes.workspace;
  // F-MES's own variables come from the run alone: a stale FMES_BROKER or FMES_RUN_TOKEN configured or passed
  // through would send the agent's lock calls to another run's broker.
  delete out.FMES_BROKER;
  delete out.FMES_RUN_TOKEN;
  if (i.broker) Object.assign(out, i.broker);
  return out;
}
