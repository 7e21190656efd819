// zod/mini: the config is built by every entry point, including each short `fmes lock` call.
import { z } from './schemas/zodMini';
import type { LockConfig } from './locks/lockManager';

const seconds = (max: number, dflt: number) => z._default(z.number().check(z.positive(), z.maximum(max)), dflt);

/**
 * F-MES settings, one schema for every entry point: the extension reads them from `fmes.*` settings, the
 * CLI and the MCP server from flags and environment. Durations are in seconds, as people write them.
 */
export const configSchema = z.object({
  locks: z._default(
    z.object({
      /** TTL of a lock held by a live process (renewed by its heartbeat); only matters across hosts. */
      processTtlSec: seconds(86_400, 300),
      /** TTL of a lock taken without a process (`fmes lock acquire`): it is stale after this. */
      detachedTtlSec: seconds(7 * 86_400, 1_800),
      /** An empty lock file older than this is treated as a crashed writer's trace. */
      invalidGraceSec: seconds(3_600, 5),
    }),
    { processTtlSec: 300, detachedTtlSec: 1_800, invalidGraceSec: 5 },
  ),
});

export type FmesConfig = z.infer<typeof configSchema>;

export const defaultConfig: FmesConfig = configSchema.parse({});

export function lockConfigOf(c: FmesConfig): Partial<LockConfig> {
  return {
    processTtlMs: c.locks.processTtlSec * 1000,
    detachedTtlMs: c.locks.detachedTtlSec * 1000,
    invalidGraceMs: c.locks.invalidGraceSec * 1000,
  };
}
