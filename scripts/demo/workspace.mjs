// Creates the demo workspace used by `npm start`: a small git repository with a plan from "antigravity",
// a report from "claude", a cost log, and room for locks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const now = new Date();
const iso = (offsetMs = 0) => new Date(now.getTime() + offsetMs).toISOString();
const day = iso().slice(0, 10);

export const demoFiles = {
  'README.md': '# demo-shop\n\nA tiny shop used to show F-MES coordinating agents.\n',
  'src/auth/login.ts': 'export function login(user: string): boolean {\n  return user.length > 0;\n}\n',
  'src/auth/session.ts': 'export const SESSION_TTL = 3600;\n',
  'src/cart/cart.ts': 'export const items: string[] = [];\n',
  'TODO.md': '# TODO\n\n- [ ] Rename login to signIn (T-42)\n- [ ] Add cart totals (T-43)\n',
  '.gitignore': '.locks/\n.trees/\n.claude/cost_logs/\n.fmes/\n',
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
      { ts: iso(-3_505_000), agent: 'claude', sessionId: 'demo-session-41', taskId: 'T-41', costUsd: 0.18, totalCostUsd: 0.18, inputTokens: 21000, outputTokens: 1800, turns: 6, source: 'claude' },
      { ts: iso(-1_800_000), agent: 'gemini', sessionId: 'demo-gem-7', taskId: 'T-40', costUsd: 0.05, inputTokens: 9000, outputTokens: 700, source: 'gemini' },
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
