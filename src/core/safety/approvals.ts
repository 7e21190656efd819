// zod/mini: the PreToolUse hook reads approvals on the path of a tool call.
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../fs/atomicWrite';
import { AGENT_ID } from '../schemas/patterns';
import * as z from '../schemas/zodMini';
import { schemaError } from '../i18n/schemaText';

/** Pending, approved and rejected requests, one JSON file each: `.fmes/approvals/<id>.json`. */
export const APPROVALS_DIR = '.fmes/approvals';

export const approvalSchema = z.object({
  version: z.literal(1),
  id: z.string().check(z.regex(/^[a-z0-9-]{6,64}$/, schemaError('lowercaseId'))),
  createdAt: z.iso.datetime({ offset: true }),
  agent: z.string().check(z.minLength(1), z.maxLength(AGENT_ID.max)),
  session: z.optional(z.string()),
  taskId: z.optional(z.string()),
  runId: z.optional(z.string()),
  tool: z.string().check(z.minLength(1)),
  /** What the agent wanted to do, in one line, secrets redacted. */
  summary: z.string(),
  /** Why it needs a person (the deny-list rule's reason). */
  reason: z.string(),
  ruleId: z.optional(z.string()),
  /** sha256 of the tool name and its exact input: an approval covers that call and no other. */
  fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/, schemaError('sha256Digest'))),
  status: z.enum(['pending', 'approved', 'rejected', 'used']),
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(z.iso.datetime({ offset: true })),
  note: z.optional(z.string()),
});

export type Approval = z.infer<typeof approvalSchema>;
export type ApprovalInput = Omit<Approval, 'version' | 'id' | 'createdAt' | 'status' | 'fingerprint'> & {
  toolInput: unknown;
};

/** The same call → the same fingerprint (key order does not matter). */
export function fingerprintOf(tool: string, input: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify([tool, canonical(input)]))
    .digest('hex');
}

export interface ApprovalIssue {
  file: string;
  message: string;
}

/**
 * The approval gate's store. The hook turns an `ask` in a headless run into a pending request and denies
 * the call; a person approves or rejects it (`fmes approve`, the editor); a resumed session that makes the
 * same call again finds the approval and goes ahead, once.
 */
export class ApprovalStore {
  constructor(private readonly root: string) {}

  private get dir(): string {
    return path.join(this.root, APPROVALS_DIR);
  }

  fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  /** Every readable approval (newest first) and the files that are not valid approvals. */
  list(): { approvals: Approval[]; issues: ApprovalIssue[] } {
    const approvals: Approval[] = [];
    const issues: ApprovalIssue[] = [];
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return { approvals, issues };
    }
    for (const n of names) {
      const file = path.join(this.dir, n);
      try {
        const r = approvalSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
        if (r.success) approvals.push(r.data);
        else
          issues.push({
            file,
            message: r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '),
          });
      } catch (e) {
        issues.push({ file, message: `not valid JSON (${(e as Error).message})` });
      }
    }
    approvals.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { approvals, issues };
  }

  get(id: string): Approval | undefined {
    return this.list().approvals.find((a) => a.id === id);
  }

  /** The latest request for this exact call by this agent, if any. */
  find(agent: string, tool: string, toolInput: unknown): Approval | undefined {
    const fp = fingerprintOf(tool, toolInput);
    return this.list().approvals.find((a) => a.agent === agent && a.fingerprint === fp && a.status !== 'used');
  }

  request(i: ApprovalInput): Approval {
    const { toolInput, ...rest } = i;
    const a: Approval = {
      version: 1,
      id: randomUUID().slice(0, 8),
      createdAt: new Date().toISOString(),
      status: 'pending',
      fingerprint: fingerprintOf(i.tool, toolInput),
      ...rest,
    };
    this.write(a);
    return a;
  }

  decide(id: string, decision: 'approved' | 'rejected', by: string, note?: string): Approval {
    const a = this.get(id);
    if (!a) throw new Error(`no approval request ${id} in ${APPROVALS_DIR}`);
    if (a.status !== 'pending')
      throw new Error(`approval ${id} is already ${a.status}${a.decidedBy ? ` (by ${a.decidedBy})` : ''}`);
    const next: Approval = { ...a, status: decision, decidedBy: by, decidedAt: new Date().toISOString(), note };
    this.write(next);
    return next;
  }

  /** An approval covers one call: once the call goes ahead it is spent. */
  use(a: Approval): void {
    this.write({ ...a, status: 'used' });
  }

  private write(a: Approval): void {
    writeFileAtomicSync(this.fileOf(a.id), `${JSON.stringify(approvalSchema.parse(a), null, 2)}\n`);
  }
}
