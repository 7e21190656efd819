import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LockError } from '../core/errors';
import { describeHolder, holderJson, holderStatusJson, type Holder } from '../hot/locks/holders';
import type { LockClaim } from '../hot/locks/lockClaim';
import { callerIdentity, refusalToActAs } from '../hot/safety/runIdentity';
import { agentId } from '../core/schemas/common';
import type { ToolContext } from './context';
import { guarded, toolError, toolResult } from './results';
import { BrokerClient, holderFromJson } from '../hot/broker/client';
import { acquireVia, releaseVia } from '../hot/broker/lockVia';
import { brokerOf } from '../hot/broker/protocol';

const MAX_WAIT_SEC = 600;

const pathArg = z
  .string()
  .min(1)
  .describe(
    'The file or folder, relative to the workspace root (absolute paths inside it work too). A folder lock covers everything in it.',
  );
const agentArg = agentId
  .optional()
  .describe('Your agent id, as in the lock file. Default: the server’s --agent, else $FMES_AGENT.');

/**
 * lock_acquire, lock_release, lock_status: the `fmes lock` commands as tools, with the CLI's rules: inside an
 * agent run (this server's environment or an ancestor's, runIdentity.ts) a call acts only as the run's agent;
 * another agent's lock is released only with the token its lock_acquire returned. Inside a run with a broker
 * (FMES_BROKER) every call goes through it, as the run's agent (src/core/broker/): `.locks/` is the broker's.
 */
export function registerLockTools(server: McpServer, ctx: ToolContext): void {
  const { core, log } = ctx;
  const broker = brokerOf(process.env);
  /** One call on a connection of its own (the locks it takes are detached: bounded by their TTL). */
  const viaBroker = async <T>(b: NonNullable<typeof broker>, fn: (c: BrokerClient) => Promise<T>): Promise<T> => {
    const c = new BrokerClient(b.socket, b.token);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  };
  let caller: ReturnType<typeof callerIdentity> | undefined;
  /** The agent a call acts as, or why it may not. */
  const actingAs = (given: string | undefined): { agent: string } | { refused: string } => {
    caller ??= callerIdentity();
    const agent = given ?? (caller.run ? caller.id : ctx.agentOf(undefined));
    const why = refusalToActAs(agent, caller);
    return why
      ? { refused: `Refused: ${why}. To release another agent's lock you need the token its lock_acquire returned.` }
      : { agent };
  };

  server.registerTool(
    'lock_acquire',
    {
      title: 'Acquire a lock',
      description:
        'Take the F-MES lock on a file or folder before you change it, so other agents keep off it. Returns the lock, or (ok: false, not an error) who holds it and why. ' +
        'The lock stays until lock_release or until its TTL ends (default 30 minutes); asking again for a lock you hold extends it.',
      inputSchema: {
        path: pathArg,
        agent: agentArg,
        intent: z.string().max(500).optional().describe('What you are about to do, shown to people and other agents.'),
        ttlSec: z
          .number()
          .positive()
          .max(7 * 24 * 3600)
          .optional()
          .describe('Lifetime in seconds; after it the lock is stale and others may break it (default 1800).'),
        waitSec: z
          .number()
          .min(0)
          .max(MAX_WAIT_SEC)
          .optional()
          .describe(
            `Keep trying this long while someone else holds it (default 0: answer at once; at most ${MAX_WAIT_SEC}).`,
          ),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('lock_acquire', log, async (a, extra) => {
      const who = actingAs(a.agent);
      if ('refused' in who) return toolError(who.refused, { reason: 'refused' });
      const agent = who.agent;
      // `message` is in the structured data too: Claude Code hands the model only structuredContent when there is one.
      try {
        // pid null: the lock is the agent's, bounded by its TTL, not by this server's process, which the
        // client may stop or restart at will (see README, "MCP server").
        const h = broker
          ? await viaBroker(broker, (c) => {
              extra.signal.addEventListener('abort', () => c.close());
              return acquireVia(c, {
                path: a.path,
                cwd: core.root,
                agent,
                intent: a.intent,
                ttlSec: a.ttlSec,
                waitSec: a.waitSec,
                bind: 'detached',
              });
            })
          : await core.lockBackend.acquire(a.path, {
              agent,
              intent: a.intent ?? '',
              pid: null,
              ttlMs: a.ttlSec === undefined ? undefined : a.ttlSec * 1000,
              waitMs: (a.waitSec ?? 0) * 1000,
              signal: extra.signal,
            });
        if (!broker) (h as { forget(): void }).forget();
        // The token (the release key) is shown once, here; the lock file keeps only its hash.
        const message = h.key
          ? `Locked ${h.path} for ${agent} until ${h.record.expiresAt}. Call lock_release when you are done with it (its token: ${h.key}).`
          : `You already held ${h.path}: extended until ${h.record.expiresAt}. Call lock_release when you are done with it.`;
        return toolResult(message, {
          ok: true,
          message,
          file: h.file,
          ...h.record,
          generation: h.record.token,
          token: h.key ?? null,
          fence: h.fence ?? null,
        });
      } catch (e) {
        if (!LockError.is(e, 'held')) throw e;
        const holders = (e.details?.holders ?? []) as Holder[];
        const message = `Not locked: ${holders.map((h) => describeHolder(h)).join('; ') || e.message}. Do not change it: work on something else, try again later, or pass waitSec.`;
        return toolResult(message, {
          ok: false,
          reason: 'held',
          message,
          path: e.path,
          holders: holders.map(holderJson),
        });
      }
    }),
  );

  server.registerTool(
    'lock_release',
    {
      title: 'Release a lock',
      description:
        'Release a lock you hold, as soon as you are done with the file or folder. Another agent’s lock only with the token its lock_acquire returned.',
      inputSchema: {
        path: pathArg,
        agent: agentArg,
        token: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('The token lock_acquire returned: releases that lock whoever holds it.'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded('lock_release', log, async (a) => {
      let claim: LockClaim;
      if (a.token !== undefined) claim = { key: a.token };
      else {
        const who = actingAs(a.agent);
        if ('refused' in who) return toolError(who.refused, { reason: 'refused' });
        claim = { agent: who.agent };
      }
      const r = broker
        ? await viaBroker(broker, (c) =>
            releaseVia(c, { path: a.path, cwd: core.root, agent: claim.agent, key: claim.key }),
          ).then((x) => ({ path: x.path, agent: (x as { agent?: string }).agent }))
        : await core.lockBackend.release(a.path, claim);
      return toolResult(`Released ${r.path}.`, { ok: true, path: r.path, agent: r.agent });
    }),
  );

  server.registerTool(
    'lock_status',
    {
      title: 'List locks',
      description:
        'Every lock in the workspace: path, holder, intent, expiry; stale and invalid ones marked (stale locks may be taken over).',
      inputSchema: {
        markers: z.boolean().optional().describe('Also search the workspace for .agent_lock marker files (slower).'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('lock_status', log, async (a) => {
      if (broker) {
        const r = await viaBroker(broker, (c) => c.call('lock.status', { markers: a.markers === true }));
        const locks = r.locks as Record<string, unknown>[];
        const lines = locks.map(
          (l) => describeHolder(holderFromJson(l) as Holder) + (l.stale ? ` [stale: ${String(l.staleReason)}]` : ''),
        );
        return toolResult(
          locks.length ? `${locks.length} lock${locks.length === 1 ? '' : 's'}:\n${lines.join('\n')}` : 'No locks.',
          { locks },
        );
      }
      const all = [
        ...(await core.lockBackend.status()),
        // `.agent_lock` markers are files in this checkout, whatever the backend.
        ...(a.markers === true ? core.locks.status({ markers: true }).filter((s) => s.holder.kind === 'marker') : []),
      ];
      const lines = all.map(
        (s) => describeHolder(s.holder) + (s.staleness.stale ? ` [stale: ${s.staleness.reason}]` : ''),
      );
      return toolResult(
        all.length ? `${all.length} lock${all.length === 1 ? '' : 's'}:\n${lines.join('\n')}` : 'No locks.',
        { locks: all.map(holderStatusJson) },
      );
    }),
  );
}
