// zod/mini: the config is built by every entry point, including each short `fmes lock` call.
import { agentsSchema, pricesSchema, runLimitsSchema } from './agents/agentConfig';
import type { ArtifactIssue } from './errors';
import { safetySchema } from './safety/safetyConfig';
import { sandboxSchema } from './sandbox/sandboxConfig';
import type { LockConfig } from '../hot/locks/lockOptions';
import type { LockBackendSettings } from '../hot/locks/backendSpec';
import { orchestratorSchema } from './orchestrator/orchestratorConfig';
import { toArtifactIssues } from './schemas/issues';
import { AGENT_ID } from './schemas/patterns';
import * as z from './schemas/zodMini';
import { schemaError } from './i18n/schemaText';

const seconds = (max: number, dflt: number) => z._default(z.number().check(z.positive(), z.maximum(max)), dflt);

/**
 * F-MES settings, one schema for every entry point: the extension reads them from `fmes.*` settings, the
 * CLI and the MCP server from flags and environment. Durations are in seconds, as people write them.
 */
export const configSchema = z.object({
  /** The id this person's locks carry ("Lock for Me"); empty means `human:<user name>`. */
  agentId: z._default(
    z.union([z.literal(''), z.string().check(z.maxLength(AGENT_ID.max), z.regex(AGENT_ID.re, AGENT_ID.message))]),
    '',
  ),
  /** Make files locked by someone else read-only in the editor. */
  readOnlyLockedFiles: z._default(z.boolean(), true),
  budget: z._default(
    z.object({
      /** Daily spend across all agents, in USD, that the cost meter measures against (0: no budget). */
      dailyUsd: z._default(z.number().check(z.nonnegative(), z.maximum(1_000_000)), 10),
      /** Share of the daily budget from which the meter turns to its warning colour. */
      warnShare: z._default(z.number().check(z.positive(), z.maximum(1)), 0.8),
    }),
    { dailyUsd: 10, warnShare: 0.8 },
  ),
  locks: z._default(
    z.object({
      /** TTL of a lock held by a live process (renewed by its heartbeat); only matters across hosts. */
      processTtlSec: seconds(86_400, 300),
      /** TTL of a lock taken without a process (`fmes lock acquire`): it is stale after this. */
      detachedTtlSec: seconds(7 * 86_400, 1_800),
      /** An empty lock file older than this is treated as a crashed writer's trace. */
      invalidGraceSec: seconds(3_600, 5),
      /**
       * Where locks live: empty for `.locks/` in the workspace (the default), or one Redis server shared by every
       * clone and machine: `redis://host:port/db` (`rediss://` for TLS; the password in the URL or in
       * FMES_REDIS_PASSWORD). FMES_LOCKS_BACKEND overrides it.
       */
      backend: z._default(
        z
          .string()
          .check(
            z.maxLength(2048),
            z.regex(/^(|file|rediss?:\/\/\S+)$/, 'must be empty, file, redis://host:port/db or rediss://host:port/db'),
          ),
        '',
      ),
      /** The Redis key namespace of this repository; empty: a hash of its root commit, which every clone shares. */
      namespace: z._default(z.string().check(z.regex(/^[A-Za-z0-9._-]{0,64}$/, schemaError('namespace'))), ''),
      /** Redis backend: the lease of a lock bound to a process, renewed by its heartbeat; a crashed holder frees within it. */
      leaseSec: seconds(60, 10),
    }),
    { processTtlSec: 300, detachedTtlSec: 1_800, invalidGraceSec: 5, backend: '', namespace: '', leaseSec: 10 },
  ),
  /** How each agent CLI is started. */
  agents: agentsSchema,
  /** Default limits of one run. */
  run: runLimitsSchema,
  /** Prices per million tokens by model name or prefix, on top of the built-in table. */
  prices: pricesSchema,
  /** Hooks, directory ownership, deny-list overrides and the audit webhook. */
  safety: safetySchema,
  /** How the orchestrator routes plans to agents, fails over, waits for files and asks for approval. */
  orchestrator: orchestratorSchema,
  /** The OS sandbox every agent run starts in: mode, hosts it may reach, extra writable paths. */
  sandbox: sandboxSchema,
});

export type FmesConfig = z.infer<typeof configSchema>;
export type OrchestratorConfig = FmesConfig['orchestrator'];

export const defaultConfig: FmesConfig = configSchema.parse({});

/**
 * Parses settings as a person wrote them. A bad field is reported (with its dotted name) and replaced by
 * its default, so one typo never disables the rest.
 */
export function parseConfig(raw: unknown): { config: FmesConfig; issues: ArtifactIssue[] } {
  const r = configSchema.safeParse(raw);
  if (r.success) return { config: r.data, issues: [] };
  const issues = toArtifactIssues(r.error);
  const cleaned = structuredClone(raw ?? {}) as Record<string, unknown>;
  // A bad array element is removed, not deleted: a hole would fail the second parse and lose every setting.
  // Removals wait until all issues are seen (their paths use the original indices) and go highest first.
  const removals = new Map<unknown[], Set<number>>();
  for (const i of r.error.issues) {
    let target: Record<string, unknown> | undefined = cleaned;
    const keys = i.path.map(String);
    for (const k of keys.slice(0, -1)) target = target?.[k] as Record<string, unknown> | undefined;
    if (!target || keys.length === 0) continue;
    const last = keys.at(-1)!;
    if (Array.isArray(target) && /^\d+$/.test(last)) {
      const set = removals.get(target) ?? new Set<number>();
      removals.set(target, set.add(Number(last)));
    } else delete target[last];
  }
  for (const [array, indices] of removals) for (const n of [...indices].sort((a, b) => b - a)) array.splice(n, 1);
  const again = configSchema.safeParse(cleaned);
  return { config: again.success ? again.data : defaultConfig, issues };
}

/** The backend settings of `locks` (src/hot/locks/openBackend.ts reads them). */
export function lockBackendSettingsOf(c: FmesConfig): LockBackendSettings {
  return { backend: c.locks.backend, namespace: c.locks.namespace, leaseMs: c.locks.leaseSec * 1000 };
}

export function lockConfigOf(c: FmesConfig): Partial<LockConfig> {
  return {
    processTtlMs: c.locks.processTtlSec * 1000,
    detachedTtlMs: c.locks.detachedTtlSec * 1000,
    invalidGraceMs: c.locks.invalidGraceSec * 1000,
  };
}
