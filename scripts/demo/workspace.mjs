// Creates the demo workspace used by `npm start`: a small git repository with plans from "antigravity",
// a report from "claude", a cost log, and room for locks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const now = new Date();
const iso = (offsetMs = 0) => new Date(now.getTime() + offsetMs).toISOString();
const day = iso().slice(0, 10);

/** The task id of the plan `npm start` runs as a mission. */
export const DEMO_MISSION = 'T-43';

/** Where the demo shop's cart page is served for T-43's visual proof (docs/verification.md). */
export const DEMO_PROOF_PORT = 5173;

// The report the demo mission's agent writes (its times filled in by the shell).
const DEMO_REPORT = {
  agent: `claude@${DEMO_MISSION}`,
  taskId: DEMO_MISSION,
  status: 'success',
  summary: 'Added total() in src/cart/total.ts: the sum of the prices in cents, 0 for an empty cart.',
  changedFiles: ['src/cart/total.ts'],
  startedAt: '%s',
  finishedAt: '%s',
};

// The Gemini reviewer's answer (the review schema of docs/verification.md): approve, with one comment.
const DEMO_REVIEW = {
  verdict: 'approve',
  summary: 'total() sums the prices in cents and returns 0 for an empty cart; a pure function, as the plan asks.',
  comments: [{ file: 'src/cart/total.ts', line: 2, message: 'Prices are cents: say so in a JSDoc line for callers.' }],
};

export const demoFiles = {
  'README.md': '# demo-shop\n\nA tiny shop used to show F-MES coordinating agents.\n',
  'src/auth/login.ts': 'export function login(user: string): boolean {\n  return user.length > 0;\n}\n',
  'src/auth/session.ts': 'export const SESSION_TTL = 3600;\n',
  'src/cart/cart.ts': 'export const items: string[] = [];\n',
  // The shop's page, served by the one-file server T-43's `proof:` starts (on the branch and on the base).
  'web/server.mjs': [
    "import { createServer } from 'node:http';",
    "import { readFileSync } from 'node:fs';",
    "const page = new URL('./cart.html', import.meta.url);",
    'createServer((req, res) => {',
    "  res.setHeader('content-type', 'text/html; charset=utf-8');",
    '  res.end(readFileSync(page));',
    "}).listen(Number(process.argv[2]), '127.0.0.1');",
    '',
  ].join('\n'),
  'web/cart.html': [
    '<!doctype html>',
    '<html><body style="font: 18px sans-serif; margin: 2em">',
    '<h1>Cart</h1>',
    '<ul><li>Coffee beans — 12.50</li><li>Filter papers — 3.20</li></ul>',
    '<p><strong>Cart total: 15.70</strong></p>',
    '</body></html>',
    '',
  ].join('\n'),
  'TODO.md': '# TODO\n\n- [ ] Rename login to signIn (T-42)\n- [ ] Add cart totals (T-43)\n',
  // Reports are not committed: the report an agent writes in its worktree would count as an undeclared change.
  '.gitignore': '.locks/\n.trees/\n.claude/cost_logs/\n.claude/outbox/\n.fmes/\n',
  '.antigravity/plans/active_plan.md': [
    '---',
    'id: T-42',
    'title: Rename login to signIn',
    'agent: claude',
    'files: [src/auth/]',
    'risk: low',
    'rollback: git revert the fmes/T-42 branch',
    'maxTurns: 20',
    'budgetUsd: 1.5',
    '---',
    '',
    '# Rename login to signIn',
    '',
    '1. Rename the function in `src/auth/login.ts`.',
    '2. Update every caller.',
    '3. Run the tests.',
    '',
  ].join('\n'),
  // The plan `npm start` runs as a real mission (T-43). Its last lines are for the demo's fake model API
  // (scripts/demo/fakeModel.ts): there is no paid model here, so the models' answers are scripted by `FAKE@…:`
  // directives, one per vendor. Claude (anthropic): run this shell command with the Bash tool (it writes the
  // helper and the agent's report), then answer. The real Claude Code CLI runs it in the mission's shadow
  // worktree, and F-MES commits, cross-checks, takes the proof pictures and asks the Gemini CLI for the
  // cross-vendor review (gemini: its JSON answer, an approval with one comment) before it offers the merge.
  [`.antigravity/plans/${DEMO_MISSION}.md`]: [
    '---',
    `id: ${DEMO_MISSION}`,
    'title: Add a cart total helper',
    'agent: claude',
    'files: [src/cart/total.ts]',
    'risk: low',
    'rollback: git revert the fmes/T-43 branch',
    'maxTurns: 10',
    'budgetUsd: 0.5',
    // The visual proof: the cart page on the branch beside the base, shown in the dashboard with the mission.
    'proof:',
    `  start: node web/server.mjs ${DEMO_PROOF_PORT}`,
    `  url: http://127.0.0.1:${DEMO_PROOF_PORT}/cart`,
    '  waitFor: Cart total',
    '  timeoutSec: 30',
    '---',
    '',
    '# Add a cart total helper',
    '',
    '1. Add `src/cart/total.ts` exporting `total(pricesInCents)`: the sum of the prices, 0 for an empty cart.',
    '2. Keep it a pure function; change no other file.',
    '',
    `FAKE@anthropic:bash ${[
      "printf 'export function total(pricesInCents: readonly number[]): number {\\n  return pricesInCents.reduce((sum, p) => sum + p, 0);\\n}\\n' > src/cart/total.ts",
      'mkdir -p .claude/outbox',
      't=$(date -u +%FT%TZ)',
      `printf '${JSON.stringify(DEMO_REPORT)}\\n' "$t" "$t" > .claude/outbox/report.json`,
    ].join(' && ')}`,
    `FAKE@gemini:say ${JSON.stringify(DEMO_REVIEW)}`,
    '',
  ].join('\n'),
  '.claude/outbox/report.json': JSON.stringify(
    {
      version: 1,
      agent: 'claude',
      taskId: 'T-41',
      status: 'success',
      summary: 'Added session TTL constant and its test.',
      changedFiles: ['src/auth/session.ts'],
      tests: { run: 4, passed: 4, failed: 0 },
      costUsd: 0.18,
      durationMs: 95_000,
      sessionId: 'demo-session-41',
      startedAt: iso(-3_600_000),
      finishedAt: iso(-3_505_000),
      turns: 6,
    },
    null,
    2,
  ),
  [`.claude/cost_logs/${day}.jsonl`]:
    [
      {
        ts: iso(-3_505_000),
        agent: 'claude',
        sessionId: 'demo-session-41',
        taskId: 'T-41',
        costUsd: 0.18,
        totalCostUsd: 0.18,
        inputTokens: 21000,
        outputTokens: 1800,
        turns: 6,
        source: 'claude',
      },
      {
        ts: iso(-1_800_000),
        agent: 'gemini',
        sessionId: 'demo-gem-7',
        taskId: 'T-40',
        costUsd: 0.05,
        inputTokens: 9000,
        outputTokens: 700,
        source: 'gemini',
      },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
};

export function createDemoWorkspace(root = mkdtempSync(join(tmpdir(), 'fmes-demo-'))) {
  for (const [rel, text] of Object.entries(demoFiles)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  const git = (...args) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=F-MES demo', '-c', 'user.email=demo@fmes.invalid', 'add', '-A');
  git('-c', 'user.name=F-MES demo', '-c', 'user.email=demo@fmes.invalid', 'commit', '-q', '-m', 'demo workspace');
  return root;
}

/**
 * Points the workspace's orchestrator at the demo's Claude Code and Gemini CLI (`claude`, `gemini`: the agent
 * configs printed by scripts/demo/fakeModel.ts): missions are written by Claude only and never retried, so a demo
 * mission ends in seconds, and Gemini reviews them (cross-vendor review, docs/verification.md).
 */
export function writeDemoConfig(root, claude, gemini) {
  mkdirSync(join(root, '.fmes'), { recursive: true });
  const orchestrator = { chain: ['claude'], retries: 0, ...(gemini ? { review: { agent: 'gemini' } } : {}) };
  const config = { agents: gemini ? { claude, gemini } : { claude }, orchestrator };
  writeFileSync(join(root, '.fmes', 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
