import { isAgentKind, type AgentKind } from '../agents/types';
import type { OrchestratorConfig } from '../config';
import {
  checkCommand,
  DEFAULT_RULES,
  INCOMPLETE_RULE_ID,
  type CheckContext,
  type DenyRule,
} from '../../hot/safety/denyList';
import type { Plan, PlanComplexity } from '../schemas/plan';
import { anyMatches } from './glob';
import type { OrchestratorRoute } from './orchestratorConfig';
import { commandLines, commandsInMarkdown, terraformDestruction } from './planCommands';

/** What the orchestrator decided about a plan before anything runs. */
export interface Classification {
  /** The plan's `type`, else the first matching route's `taskType`, else a guess from its words. */
  taskType: string;
  /** The plan's `complexity`, else a guess from its size. */
  complexity: PlanComplexity;
  /** The agents to try, in order. Never empty. */
  chain: AgentKind[];
  /** Limits from the plan, else from the route; what is left out the runner's defaults decide. */
  limits: { maxTurns?: number; budgetUsd?: number; timeoutSec?: number };
  /** Whether a person must approve before anything runs, and why (one line per cause). */
  approval: { required: boolean; reasons: string[] };
}

/**
 * Task types guessed from words in the title, or in the body when the title says nothing. The first row that
 * matches wins, so the order is the tie-break: infrastructure before anything (it needs the careful route
 * whatever else it is), docs before tests before fixes before refactors before features. Korean words are
 * those of the design reports. Nothing matching gives `general`.
 */
const TYPE_KEYWORDS: ReadonlyArray<readonly [type: string, words: RegExp]> = [
  [
    'infra',
    /\b(terraform|tofu|k8s|kubernetes|kubectl|helm|ansible|dockerfile|docker|pipeline|deploy(ment)?|infra(structure)?)\b|인프라|배포/i,
  ],
  ['docs', /\b(docs?|documentation|documented|readme|changelog|typos?)\b|문서/i],
  ['test', /\b(tests?|testing|specs?|coverage|e2e)\b|테스트/i],
  ['bugfix', /\b(fix(es|ed|ing)?|bugs?|crash(es)?|regressions?|broken|hotfix)\b|버그/i],
  ['refactor', /\b(refactor(s|ed|ing)?|rename|restructure|clean ?up|extract|simplify)\b|리팩토링|리팩터링/i],
  ['feature', /\b(add|adds|implement|introduce|support|new|feature|create)\b|기능|추가|구현/i],
];
export const FALLBACK_TASK_TYPE = 'general';

export function inferTaskType(title: string, body: string): string {
  for (const text of [title, body]) {
    const row = TYPE_KEYWORDS.find(([, words]) => words.test(text));
    if (row) return row[0];
  }
  return FALLBACK_TASK_TYPE;
}

const COMPLEXITY_ORDER: readonly PlanComplexity[] = ['trivial', 'small', 'medium', 'large'];
/** Upper bounds per rank (trivial, small, medium; above the last: large). */
const FILE_WEIGHT_BOUNDS = [1, 3, 10];
const BODY_LENGTH_BOUNDS = [300, 1_500, 6_000];
/** A declared folder may hold any number of files: it weighs as much as this many. */
const FOLDER_WEIGHT = 5;

/**
 * The size of a plan when the planner gave none: each declared file weighs 1 and each folder (a trailing `/`
 * or the root `.`) 5; the body's length is counted in characters. Each measure gives a rank by the bounds
 * above (weight ≤1 / ≤3 / ≤10, body ≤300 / ≤1500 / ≤6000 characters); the larger rank wins.
 */
export function inferComplexity(files: readonly string[], body: string): PlanComplexity {
  const weight = files.reduce((w, f) => w + (f.endsWith('/') || f === '.' || f === './' ? FOLDER_WEIGHT : 1), 0);
  const rank = (n: number, bounds: readonly number[]) => {
    const i = bounds.findIndex((b) => n <= b);
    return i < 0 ? bounds.length : i;
  };
  return COMPLEXITY_ORDER[Math.max(rank(weight, FILE_WEIGHT_BOUNDS), rank(body.length, BODY_LENGTH_BOUNDS))];
}

/** What routes are matched against. `type` is the plan's own or the guessed one (a route may rename it). */
export interface RouteSubject {
  type: string;
  complexity: PlanComplexity;
  risk: string;
  files: readonly string[];
  text: string;
}

export function routeMatches(route: OrchestratorRoute, s: RouteSubject): boolean {
  const w = route.when;
  if (w.type !== undefined && w.type.toLowerCase() !== s.type.toLowerCase()) return false;
  if (w.complexity !== undefined && w.complexity !== s.complexity) return false;
  if (w.risk !== undefined && w.risk !== s.risk) return false;
  if (w.files !== undefined && !anyMatches(w.files, s.files)) return false;
  if (w.text !== undefined && !new RegExp(w.text, 'i').test(s.text)) return false;
  return true;
}

export interface ClassifyOptions {
  /** The deny list in force (settings overrides merged); default: the built-in rules. */
  rules?: readonly DenyRule[];
  /** Folders the deny list's `{{workspace}}` and `{{home}}` stand for. */
  context?: CheckContext;
}

export function classifyPlan(plan: Plan, config: OrchestratorConfig, o: ClassifyOptions = {}): Classification {
  const { meta, body } = plan;
  const guessedType = meta.type ?? inferTaskType(meta.title, body);
  const complexity = meta.complexity ?? inferComplexity(meta.files, body);
  const route = config.routes.find((r) =>
    routeMatches(r, {
      type: guessedType,
      complexity,
      risk: meta.risk,
      files: meta.files,
      text: `${meta.title}\n${body}`,
    }),
  );
  const taskType = meta.type ?? route?.taskType ?? guessedType;

  // A plan may name an agent that is no CLI F-MES drives (a planner, a person): that leaves the chain alone.
  const first = isAgentKind(meta.agent) ? [meta.agent] : [];
  const chain = [
    ...new Set<AgentKind>([...first, ...(route?.agent ? [route.agent] : []), ...(route?.chain ?? config.chain)]),
  ];

  const limits: Classification['limits'] = {};
  const maxTurns = meta.maxTurns ?? route?.maxTurns;
  const budgetUsd = meta.budgetUsd ?? route?.budgetUsd;
  const timeoutSec = meta.timeoutSec ?? route?.timeoutSec;
  if (maxTurns !== undefined) limits.maxTurns = maxTurns;
  if (budgetUsd !== undefined) limits.budgetUsd = budgetUsd;
  if (timeoutSec !== undefined) limits.timeoutSec = timeoutSec;

  const reasons: string[] = [];
  if ((config.approvalRisks as readonly string[]).includes(meta.risk)) reasons.push(`risk: ${meta.risk}`);
  reasons.push(...denyListReasons(body, o), ...terraformReasons(body));
  // The proof's start command runs outside any agent's sandbox: the deny list judges it like a shell block.
  if (meta.proof) reasons.push(...denyListReasons(`\`\`\`sh\n${meta.proof.start}\n\`\`\`\n`, o));
  const unique = [...new Set(reasons)];
  return { taskType, complexity, chain, limits, approval: { required: unique.length > 0, reasons: unique } };
}

/**
 * Commands of the plan body the deny list would stop or ask about. A block is judged whole (heredocs, pipes
 * and `&&` chains need their context) and line by line (so each dangerous command is named). A parse that
 * could not be completed counts only in shell-labelled blocks and `$ ` lines: in unlabelled blocks and inline
 * code it is far more often prose or pasted output (`can't`) than a hidden command.
 */
export function denyListReasons(body: string, o: ClassifyOptions = {}): string[] {
  const rules = o.rules ?? DEFAULT_RULES;
  const reasons: string[] = [];
  for (const cmd of commandsInMarkdown(body)) {
    const pieces = [cmd.text, ...commandLines(cmd.text)];
    for (const [k, piece] of pieces.entries()) {
      const v = checkCommand(piece, rules, o.context);
      if (v.decision === 'allow') continue;
      if (v.ruleId === INCOMPLETE_RULE_ID && (cmd.source !== 'shell' || k > 0)) continue;
      reasons.push(`deny list (${v.decision}): ${oneLine(v.command)}`);
    }
  }
  return [...new Set(reasons)];
}

/** Destruction that pasted `terraform plan` output announces. */
export function terraformReasons(body: string): string[] {
  const t = terraformDestruction(body);
  const list = (xs: string[]) =>
    xs.length <= 5 ? xs.join(', ') : `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more`;
  return [
    ...t.destroyCounts.map((n) => `terraform plan destroys ${n} resource${n === 1 ? '' : 's'}`),
    ...(t.destroyed.length > 0 ? [`terraform plan destroys ${list(t.destroyed)}`] : []),
    ...(t.replaced.length > 0 ? [`terraform plan replaces ${list(t.replaced)}`] : []),
  ];
}

function oneLine(s: string): string {
  const flat = s
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}
