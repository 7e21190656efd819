// The editor's view of the config schema: which fields are `fmes.*` settings, what the Settings UI says about
// them, and which ones count only from a person's own settings. package.json's `contributes.configuration` is
// generated from configSchema plus this table (`npm run settings`; a unit test fails when they differ), so
// keys, types, defaults, enums and bounds come from the schema alone.
import { configSchema, defaultConfig, type FmesConfig } from './config';
import { AGENT_ID } from './schemas/patterns';
import * as z from './schemas/zodMini';

/**
 * Top-level fields that are not editor settings. `safety` belongs to the repository: the PreToolUse hook runs in
 * the agent's process and reads it from `.fmes/config.json`, whoever started the agent; the editor keeps the
 * schema's defaults for its own part (hooks injected).
 */
export const CONFIG_FILE_ONLY = ['safety'] as const;

type EditorConfig = Omit<FmesConfig, (typeof CONFIG_FILE_ONLY)[number]>;
type Dotted<K extends string, T> = T extends unknown[]
  ? K
  : T extends object
    ? string extends keyof T
      ? K
      : `${K}.${keyof T & string}`
    : K;

/**
 * A setting's key without `fmes.`: a top-level field, or a field of a top-level object (`budget.dailyUsd`,
 * `agents.claude`). Records (`prices`) and deeper objects are one setting each.
 */
export type SettingKey = { [K in Extract<keyof EditorConfig, string>]: Dotted<K, EditorConfig[K]> }[Extract<
  keyof EditorConfig,
  string
>];

interface SettingMeta {
  /** Plain text for the Settings UI; give this or `markdownDescription`. */
  description?: string;
  markdownDescription?: string;
  /**
   * `machine` or `application` for a setting that weakens safety: VS Code then ignores workspace values, and
   * host/config.ts reads only the user's value (see userOnlySettings()). Unset: VS Code's `window` scope.
   */
  scope?: 'machine' | 'application';
  /** Descriptions of an object setting's fields (or of a record's entries' fields). */
  fields?: Record<string, string>;
  /** What the schema cannot say in JSON Schema (a refine's rule, the input of a transform), merged over it. */
  jsonSchema?: Record<string, unknown>;
}

const agentFields = {
  command: 'The executable: a name on PATH or an absolute path.',
  args: "Extra arguments placed before F-MES's own.",
  env: 'Variables set for the agent, on top of the hermetic environment F-MES builds.',
  passEnv: "Variables passed through from the editor's environment, besides the documented defaults.",
  model: "The model to ask for; empty: the CLI's default.",
  allowedTools: "Tools the agent may use without asking; a plan's list wins.",
};

const agentDescription = (name: string, argsAre: string) =>
  `How F-MES starts ${name} headless (**Run Agent…**, **Run Claude on Plan**, \`fmes run\`). Fields: \`command\` (a name on PATH or an absolute path), \`args\` (placed before F-MES's own: ${argsAre}), \`env\` (variables set for the agent), \`passEnv\` (variables passed through from the editor's environment besides the documented ones), \`model\` (empty: the CLI's default), \`allowedTools\` (tools it may use without asking; a plan's list wins).`;

/** Every editor setting (the type makes the table match the schema's fields exactly). */
export const SETTINGS: Record<SettingKey, SettingMeta> = {
  agentId: {
    markdownDescription:
      'The id your own locks carry (**Lock for Me**). Empty: `human:<your user name>`. Letters, digits and `._:@-`.',
    // The schema's union ('' or an id) would show as "Edit in settings.json"; one pattern keeps a text box.
    jsonSchema: {
      anyOf: undefined,
      type: 'string',
      maxLength: AGENT_ID.max,
      pattern: `^$|${AGENT_ID.re.source}`,
      patternErrorMessage: `An agent id ${AGENT_ID.message}, or empty.`,
    },
  },
  readOnlyLockedFiles: {
    description: 'Make files locked by another agent read-only in the editor, with a warning naming the agent.',
  },
  'budget.dailyUsd': {
    description: 'Daily spend across all agents (USD) that the status-bar cost meter measures against. 0: no budget.',
  },
  'budget.warnShare': {
    description: 'Share of the daily budget from which the cost meter turns to its warning colour.',
  },
  'locks.processTtlSec': {
    description:
      'Lifetime of a lock held by a live process (renewed automatically). Only matters to agents on other hosts.',
  },
  'locks.detachedTtlSec': {
    description: 'Lifetime of a lock taken without a process (fmes lock acquire); after it the lock is stale.',
  },
  'locks.invalidGraceSec': {
    description: 'An empty lock file older than this is treated as the trace of a crashed writer and may be recovered.',
  },
  // A workspace's .vscode/settings.json must not point the editor's locks at a server either (see
  // repoConfirmation.ts for .fmes/config.json): the user's settings only.
  'locks.backend': {
    scope: 'machine',
    markdownDescription:
      "Where locks live when the repository's `.fmes/config.json` names no lock server (when it does, the editor uses that one, as the CLI and the hook do, and a different value here is refused). Empty: `.locks/` in the workspace. `redis://host:port/db` (or `rediss://` for TLS): one Redis server shared by every clone and machine of this repository; the password goes in the URL or in `FMES_REDIS_PASSWORD`. Agents the editor starts get it as `FMES_LOCKS_BACKEND`.",
  },
  'locks.namespace': {
    scope: 'machine',
    description:
      'Redis backend: the key namespace of this repository. Empty: a hash of its root commit, which every clone shares (a shallow clone must set it).',
  },
  'locks.leaseSec': {
    description:
      'Redis backend: the lease of a lock held by a live process, renewed by its heartbeat; a crashed holder frees within it, seen from any machine.',
  },
  'agents.claude': {
    scope: 'machine',
    markdownDescription: agentDescription('Claude Code', 'permission mode'),
    fields: agentFields,
  },
  'agents.gemini': {
    scope: 'machine',
    markdownDescription: agentDescription('Gemini CLI', 'approval mode'),
    fields: agentFields,
  },
  'agents.codex': {
    scope: 'machine',
    markdownDescription: agentDescription('Codex', 'sandbox and approval mode'),
    fields: agentFields,
  },
  'run.maxTurns': { description: "Model turns before F-MES stops a run (a plan's maxTurns wins)." },
  'run.budgetUsd': { description: "Spend of one run (USD) before F-MES stops it (a plan's budgetUsd wins)." },
  'run.timeoutSec': {
    description: "Wall time of one run in seconds before F-MES stops it (a plan's timeoutSec wins).",
  },
  'run.retries': {
    description:
      'Further attempts after an API error or a failed run, with the error fed back. Limits that stop a run are never retried.',
  },
  'run.killGraceSec': { description: "Seconds between SIGTERM and SIGKILL when a run's process tree is stopped." },
  prices: {
    markdownDescription:
      'Prices in USD per million tokens by model name or prefix (the longest prefix wins; `*` is the fallback), on top of the built-in list prices. Used for CLIs that report tokens but no cost (Gemini, Codex) and for live estimates. Example: `{ "gemini-": { "input": 1.25, "output": 10 } }`.',
    fields: {
      input: 'Input tokens not served from a cache.',
      output: 'Output tokens.',
      cacheRead: 'Tokens read from the prompt cache (default: the input price).',
      cacheWrite: 'Tokens written to the prompt cache (default: the input price).',
    },
  },
  'orchestrator.chain': {
    description:
      'Failover order of a mission: when an agent fails (after its retries), its changes are rolled back and the next one gets the task; after the last, a human handoff (HANDOFF_REPORT.md).',
    jsonSchema: { minItems: 1, uniqueItems: true },
  },
  'orchestrator.retries': {
    description: 'Retries of the same agent, with the error fed back, before the next agent in the chain.',
  },
  'orchestrator.routes': {
    markdownDescription:
      'Routing rules, first match wins: `{ "when": { "type"?, "complexity"?, "risk"?, "files"? (glob), "text"? (regex) }, "agent"?, "chain"?, "taskType"?, "maxTurns"?, "budgetUsd"?, "timeoutSec"? }`. Example: `[{ "when": { "type": "docs" }, "agent": "gemini" }]`.',
    // A route is parsed all or nothing by a transform (orchestratorConfig.ts), which JSON Schema cannot show.
    jsonSchema: { items: { type: 'object' } },
  },
  'orchestrator.onConflict': {
    description:
      'A plan whose files are locked or claimed by a running mission: wait for them (up to fmes.orchestrator.waitTimeoutSec) or refuse it at once.',
  },
  'orchestrator.waitTimeoutSec': {
    description: 'How long a plan waits for its files before it is refused, in seconds.',
  },
  'orchestrator.approvalRisks': {
    scope: 'application',
    description:
      "Plans of these risks wait for a person's approval before anything runs (destructive commands and terraform plans that destroy always do).",
  },
  'orchestrator.linkDirs': {
    description: 'Workspace folders linked (not copied or reinstalled) into each shadow worktree.',
  },
  'orchestrator.worktrees': {
    description:
      'Run each mission in its own shadow git worktree under .trees/ (off: in the workspace itself, with a snapshot for rollback).',
  },
  'orchestrator.auto': {
    scope: 'application',
    description:
      'Start a mission for every new or changed valid plan in .antigravity/plans/ as soon as it appears (trusted workspaces only), as `fmes watch --orchestrate` does from a shell.',
  },
  'orchestrator.parallel': { description: 'Missions the automatic loop runs at a time.' },
  'orchestrator.audit': {
    markdownDescription:
      "The agent that checks the free-text (`text:`) rules of `.fmes/rules.yaml` against each mission's diff. Empty: none (those rules are listed as unchecked).",
  },
  'orchestrator.review': {
    markdownDescription:
      'Cross-model review of each finished mission: `agent` (`auto`: the first agent of the chain from another vendor than the author; empty: no review), `when` (the plan risks reviewed), `rounds` (0 or 1: the author answers the comments once before the mission goes to review).',
    fields: {
      agent: 'The reviewer; auto: another vendor than the author; empty: none.',
      when: 'Plans of these risks are reviewed.',
      rounds: 'Rounds in which the author answers the comments (0 or 1).',
    },
  },
  'orchestrator.planner': {
    description: 'The agent that writes a revised plan (.antigravity/plans/<id>-r<n>.md) when every agent failed.',
  },
  'orchestrator.replans': { description: 'Revised plans tried before the human handoff (0: hand off at once).' },
  'orchestrator.proofThreshold': {
    description:
      "Share of pixels (0 to 1) a plan's proof page may differ from the base branch before the mission is held for review.",
  },
  'sandbox.mode': {
    scope: 'machine',
    markdownDescription:
      "The OS sandbox every agent run starts in (bubblewrap on Linux): writes only to its worktree, temp dir and the CLI's state, never to F-MES's state or paths other agents hold; network only to its model API. `auto`: on where the machine supports it, one warning where not; `on`: an agent never starts without it; `off`: none.",
  },
  'sandbox.allowedDomains': {
    scope: 'machine',
    markdownDescription:
      "Hosts a sandboxed agent may reach besides its model API, through F-MES's proxy: `host`, `*.suffix`, `host:port` (e.g. `registry.npmjs.org`).",
  },
  'sandbox.extraWritable': {
    scope: 'machine',
    description:
      "Further paths a sandboxed agent may write (absolute, or relative to the workspace), besides its worktree, temp dir and the CLI's state.",
  },
};

type AnySchema = z.ZodMiniType;

function unwrapDefault(s: AnySchema): AnySchema {
  const def = s._zod.def as { type: string; innerType?: AnySchema };
  return def.type === 'default' && def.innerType ? def.innerType : s;
}

/** The editor's setting keys in the schema's order, found by walking configSchema (the rule of {@link SettingKey}). */
export function settingKeys(): SettingKey[] {
  const keys: string[] = [];
  for (const [name, field] of Object.entries(configSchema.shape)) {
    if ((CONFIG_FILE_ONLY as readonly string[]).includes(name)) continue;
    const inner = unwrapDefault(field);
    if (inner._zod.def.type === 'object')
      keys.push(...Object.keys((inner as unknown as { shape: object }).shape).map((k) => `${name}.${k}`));
    else keys.push(name);
  }
  return keys as SettingKey[];
}

/** Settings that weaken safety: they count only from the user's (or the remote machine's) settings. */
export function userOnlySettings(): SettingKey[] {
  return settingKeys().filter((k) => SETTINGS[k].scope !== undefined);
}

/** The value at a dotted path of a config object. */
export function valueAt(c: object, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], c);
}

type Json = Record<string, unknown>;

/**
 * Tidies zod's JSON Schema for VS Code: no nested defaults (the setting's default holds them), `minimum: 1`
 * for positive integers, and `additionalProperties: false` on objects (zod drops unknown keys, so one is a typo).
 */
function tidy(node: Json, top: boolean): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'default' && !top) continue;
    if (k === 'properties' && v && typeof v === 'object')
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, tidy(s as Json, false)]));
    else if ((k === 'items' || k === 'additionalProperties' || k === 'propertyNames') && v && typeof v === 'object')
      out[k] = tidy(v as Json, false);
    else out[k] = v;
  }
  if (out.type === 'integer' && out.exclusiveMinimum === 0) {
    delete out.exclusiveMinimum;
    out.minimum = 1;
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

function withFieldDescriptions(schema: Json, fields: Record<string, string>): Json {
  const target = (schema.properties ? schema : schema.additionalProperties) as Json;
  const props = target.properties as Record<string, Json>;
  for (const [name, text] of Object.entries(fields)) {
    if (!props[name]) throw new Error(`configSettings: no field ${name} to describe`);
    props[name] = { ...props[name], description: text };
  }
  return schema;
}

/** package.json's `contributes.configuration`, built from configSchema, defaultConfig and {@link SETTINGS}. */
export function settingsContribution(): { title: string; properties: Record<string, Json> } {
  return localized().contribution;
}

/**
 * The English text of every `%key%` placeholder in {@link settingsContribution}: package.nls.json holds these
 * (written by `npm run settings`), package.nls.ko.json their Korean. Keys start with `config.`.
 */
export function settingsNls(): Record<string, string> {
  return localized().nls;
}

/** The text fields of a setting (and of its fields) the Settings UI shows; each becomes a `%key%` placeholder. */
const TEXT_FIELDS = ['description', 'markdownDescription', 'patternErrorMessage'] as const;

function localized(): {
  contribution: { title: string; properties: Record<string, Json> };
  nls: Record<string, string>;
} {
  const nls: Record<string, string> = { 'config.title': 'F-MES' };
  const placeholder = (nlsKey: string, text: string) => {
    nls[nlsKey] = text;
    return `%${nlsKey}%`;
  };
  const properties: Record<string, Json> = {};
  for (const [name, entry] of Object.entries(englishProperties())) {
    const key = name.replace(/^fmes\./, '');
    const out: Json = { ...entry };
    for (const f of TEXT_FIELDS) if (typeof out[f] === 'string') out[f] = placeholder(`config.${key}.${f}`, out[f]);
    const target = out.properties ? out : (out.additionalProperties as Json | undefined);
    if (target?.properties) {
      const props = { ...(target.properties as Record<string, Json>) };
      for (const [field, schema] of Object.entries(props))
        if (typeof schema.description === 'string')
          props[field] = { ...schema, description: placeholder(`config.${key}.${field}`, schema.description) };
      if (target === out) out.properties = props;
      else out.additionalProperties = { ...target, properties: props };
    }
    properties[name] = out;
  }
  return { contribution: { title: '%config.title%', properties }, nls };
}

function englishProperties(): Record<string, Json> {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const properties: Record<string, Json> = {};
  for (const key of settingKeys()) {
    const meta = SETTINGS[key];
    const generated = key.split('.').reduce<Json>((s, k) => (s.properties as Record<string, Json>)[k], root);
    let schema = tidy(generated, true);
    if (meta.fields) schema = withFieldDescriptions(schema, meta.fields);
    const { default: _zodDefault, ...rest } = { ...schema, ...meta.jsonSchema };
    // defaultConfig, not zod's JSON Schema: the JSON Schema loses the default of a transformed list.
    const entry: Json = { scope: meta.scope, type: rest.type, ...rest, default: valueAt(defaultConfig, key) };
    if (meta.description) entry.description = meta.description;
    if (meta.markdownDescription) entry.markdownDescription = meta.markdownDescription;
    for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
    properties[`fmes.${key}`] = entry;
  }
  return properties;
}
