import { z } from 'zod';
import { BROKER_VERSION } from '../../hot/broker/protocol';
import { agentId } from '../schemas/common';

/**
 * Every request the broker accepts, validated before anything runs. Arguments are strict objects: an unknown
 * field (`agent` aside, which is only compared with the token's agent) is a bad request, not ignored.
 */
const pathArg = z.string().min(1).max(4096);
const claimed = agentId.optional();

const lockAcquire = z.strictObject({
  path: pathArg,
  cwd: z.string().max(4096).optional(),
  agent: claimed,
  intent: z.string().max(1000).optional(),
  ttlSec: z
    .number()
    .positive()
    .max(7 * 24 * 3600)
    .optional(),
  waitSec: z.number().min(0).max(600).optional(),
  /** `connection`: released when this connection closes (`fmes lock run`); `detached`: bounded by its TTL. */
  bind: z.enum(['connection', 'detached']),
});

const lockClaim = z.strictObject({
  path: pathArg,
  cwd: z.string().max(4096).optional(),
  agent: claimed,
  key: z.string().min(1).max(200).optional(),
});

const lockRelease = lockClaim.extend({
  /** `connection`: drop only this connection's hold (the lock goes when nothing else of the run holds it). */
  hold: z.literal('connection').optional(),
});

const lockRenew = lockClaim.extend({
  ttlSec: z
    .number()
    .positive()
    .max(7 * 24 * 3600)
    .optional(),
});

const auditAppend = z.strictObject({
  record: z.strictObject({
    ts: z.string().max(64),
    cli: z.string().max(32).optional(),
    session: z.string().max(200).optional(),
    tool: z.string().min(1).max(200),
    toolUseId: z.string().max(200).optional(),
    input: z.string().max(8000),
    outcome: z.enum(['ok', 'error', 'failed', 'denied', 'asked', 'refused']),
    reason: z.string().max(8000).optional(),
    exitCode: z.number().int().optional(),
    durationMs: z.number().min(0).optional(),
    cwd: z.string().max(4096).optional(),
  }),
});

const approvalGate = z.strictObject({
  tool: z.string().min(1).max(200),
  toolInput: z.unknown(),
  session: z.string().max(200).optional(),
  summary: z.string().max(8000),
  reason: z.string().max(8000),
  ruleId: z.string().max(200).optional(),
});

const approvalStatus = z.strictObject({
  id: z.string().min(1).max(64),
  /** Wait up to this long for a person's decision while the request is pending. */
  waitSec: z.number().min(0).max(300).optional(),
});

const reportSubmit = z.strictObject({ report: z.record(z.string(), z.unknown()) });

export const requestSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('whoami'), args: z.strictObject({}) }),
  z.strictObject({ op: z.literal('lock.acquire'), args: lockAcquire }),
  z.strictObject({ op: z.literal('lock.release'), args: lockRelease }),
  z.strictObject({ op: z.literal('lock.renew'), args: lockRenew }),
  z.strictObject({ op: z.literal('lock.status'), args: z.strictObject({ markers: z.boolean().optional() }) }),
  z.strictObject({ op: z.literal('audit.append'), args: auditAppend }),
  z.strictObject({ op: z.literal('approval.gate'), args: approvalGate }),
  z.strictObject({ op: z.literal('approval.status'), args: approvalStatus }),
  z.strictObject({ op: z.literal('report.submit'), args: reportSubmit }),
]);

/** The envelope, checked first: a wrong version or token is answered as such, whatever the rest holds. */
export const envelopeSchema = z.looseObject({
  v: z.number(),
  id: z.union([z.number().int(), z.string().max(64)]),
  token: z.string().max(512),
  op: z.string().max(64),
  args: z.unknown(),
});

export type BrokerRequest = z.infer<typeof requestSchema>;
export { BROKER_VERSION };
