// zod/mini like the rest of the config: every entry point parses it, including each short `fmes lock` call.
import { AGENT_KINDS } from '../agents/types';
import type { PlanComplexity, PlanRisk } from '../schemas/plan';
import * as z from '../schemas/zodMini';
import { schemaError } from '../i18n/schemaText';

// The plan schema is classic zod (artifacts only); these mirror its enums so the config stays on zod/mini.
export const PLAN_COMPLEXITIES = ['trivial', 'small', 'medium', 'large'] as const satisfies readonly PlanComplexity[];
export const PLAN_RISKS = ['low', 'medium', 'high'] as const satisfies readonly PlanRisk[];

const isRegex = (s: string): boolean => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
};

/**
 * An array that skips holes. parseConfig drops a bad element by deleting it, which leaves a hole; without this
 * the second parse would fail on the hole and the whole config would fall back to its defaults.
 */
function list<T extends z.ZodMiniType>(element: T) {
  return z.pipe(
    z.array(z.optional(element)),
    z.transform((a) => a.filter((x): x is NonNullable<typeof x> => x !== undefined)),
  );
}

const agentKind = z.enum(AGENT_KINDS);
const chain = list(agentKind).check(
  z.minLength(1),
  z.refine((c) => new Set(c).size === c.length, 'must not name an agent twice'),
);
const positive = (max: number) => z.number().check(z.positive(), z.maximum(max));

/** The conditions of a route; every one given must hold. Unknown keys are errors: a typo would widen the route. */
const routeWhen = z.strictObject({
  /** The plan's `type`, or the type its title and body suggest when it has none (see classify.ts). */
  type: z.optional(z.string().check(z.minLength(1))),
  /** The plan's complexity, as written or as inferred. */
  complexity: z.optional(z.enum(PLAN_COMPLEXITIES)),
  /** The plan's risk. */
  risk: z.optional(z.enum(PLAN_RISKS)),
  /** A glob (`**`, `*`, `?`, `{a,b}`) matched against the declared files; any match will do. */
  files: z.optional(z.string().check(z.minLength(1))),
  /** A regular expression, case-insensitive, searched in the plan's title and body. */
  text: z.optional(z.string().check(z.minLength(1), z.refine(isRegex, schemaError('regex')))),
});

const routeShape = z.strictObject({
  /** When the route applies. */
  when: routeWhen,
  /** The agent to try first. */
  agent: z.optional(agentKind),
  /** The failover order after `agent` (default: the orchestrator's chain). */
  chain: z.optional(chain),
  /** The task type to record when the plan names none. */
  taskType: z.optional(z.string().check(z.minLength(1))),
  /** Limits for the run when the plan sets none. */
  maxTurns: z.optional(positive(10_000).check(z.int())),
  budgetUsd: z.optional(positive(100_000)),
  timeoutSec: z.optional(positive(7 * 86_400)),
});

/** A routing rule: plans that match `when` go to `agent`/`chain` with these limits. The first match wins. */
export type OrchestratorRoute = z.infer<typeof routeShape>;

/**
 * A route is all or nothing: settings cleaning drops a bad field, and dropping one condition would make the
 * route match more plans than its author meant. So any problem inside a route is reported on the route
 * itself (the message names the inner field), and the whole route is dropped.
 */
const routeSchema = z.pipe(
  z.unknown(),
  z.transform((v, ctx): OrchestratorRoute | undefined => {
    const r = routeShape.safeParse(v);
    if (r.success) return r.data;
    for (const i of r.error.issues)
      ctx.issues.push({
        code: 'custom',
        message: `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`,
        input: v,
      });
    return z.NEVER;
  }),
);

const DEFAULT_CHAIN: ('claude' | 'gemini' | 'codex')[] = ['claude', 'gemini', 'codex'];

export const orchestratorSchema = z._default(
  z.object({
    /** Failover order: the next agent gets the task when one fails after its retries. */
    chain: z._default(chain, DEFAULT_CHAIN),
    /** Retries of the same agent (with the error fed back) before the next one in the chain. */
    retries: z._default(z.number().check(z.int(), z.nonnegative(), z.maximum(10)), 1),
    /** Routing rules, first match wins (see {@link OrchestratorRoute}). */
    routes: z._default(list(routeSchema), []),
    /** A plan whose files are locked or in use: `wait` for them (up to `waitTimeoutSec`) or `refuse` it. */
    onConflict: z._default(z.enum(['wait', 'refuse']), 'wait'),
    /** How long a plan waits for its files before it is refused, in seconds. */
    waitTimeoutSec: z._default(positive(7 * 86_400), 600),
    /** Plans of these risks wait for a person before anything runs. */
    approvalRisks: z._default(list(z.enum(PLAN_RISKS)), ['high']),
    /** Folders of the workspace linked (not copied) into each shadow worktree, such as dependencies. */
    linkDirs: z._default(
      list(
        z.string().check(
          z.minLength(1),
          z.refine(
            (s) => !s.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(s) && !s.split(/[\\/]/).includes('..'),
            'must be a folder inside the workspace',
          ),
        ),
      ),
      ['node_modules'],
    ),
    /** Run each mission in its own shadow worktree under `.trees/` (off: in the workspace itself). */
    worktrees: z._default(z.boolean(), true),
    /** In the editor: start a mission for every new or changed valid plan, as `fmes watch --orchestrate` does. */
    auto: z._default(z.boolean(), false),
    /** Missions the continuous loop runs at a time. */
    parallel: z._default(z.number().check(z.int(), z.positive(), z.maximum(16)), 2),
    /** The agent that checks the free-text rules of `.fmes/rules.yaml` against each diff; empty: none. */
    audit: z._default(z.enum(['', ...AGENT_KINDS]), ''),
    /** The cross-model review of each finished mission. */
    review: z._default(
      z.object({
        /** The reviewer: an agent, `auto` (the first of the chain from another vendor than the author), or empty: none. */
        agent: z._default(z.enum(['', 'auto', ...AGENT_KINDS]), ''),
        /** Plans of these risks are reviewed. */
        when: z._default(list(z.enum(PLAN_RISKS)), ['low', 'medium', 'high']),
        /** Rounds in which the author gets the comments and tries again before the mission goes to review. */
        rounds: z._default(z.number().check(z.int(), z.nonnegative(), z.maximum(1)), 0),
      }),
      { agent: '', when: ['low', 'medium', 'high'], rounds: 0 },
    ),
    /** The agent that writes a revised plan when every agent of the chain failed. */
    planner: z._default(agentKind, 'gemini'),
    /** Revised plans tried before the human handoff (0: hand off at once). */
    replans: z._default(z.number().check(z.int(), z.nonnegative(), z.maximum(3)), 1),
    /** Share of pixels (0..1) a plan's proof page may change against the base branch before the mission is held. */
    proofThreshold: z._default(z.number().check(z.nonnegative(), z.maximum(1)), 0.01),
  }),
  {
    chain: DEFAULT_CHAIN,
    retries: 1,
    routes: [],
    onConflict: 'wait',
    waitTimeoutSec: 600,
    approvalRisks: ['high'],
    linkDirs: ['node_modules'],
    worktrees: true,
    auto: false,
    parallel: 2,
    audit: '',
    review: { agent: '', when: ['low', 'medium', 'high'], rounds: 0 },
    planner: 'gemini',
    replans: 1,
    proofThreshold: 0.01,
  },
);
