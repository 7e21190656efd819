import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ArtifactError } from '../../../src/core/errors';
import { createLogger, nullSink } from '../../../src/core/log';
import type { PostRunContext } from '../../../src/core/orchestrator/postRun/postRunStep';
import { rulesStep } from '../../../src/core/orchestrator/postRun/rulesStep';
import type { MissionRecord } from '../../../src/core/schemas/mission';
import type { Plan } from '../../../src/core/schemas/plan';
import { loadAstGrep } from '../../../src/core/verify/astGrep';
import { changedLines, parseUnifiedZero } from '../../../src/core/verify/diffLines';
import { lineImports, moduleBanned } from '../../../src/core/verify/importScan';
import { checkRules } from '../../../src/core/verify/ruleCheck';
import { RULES_EXAMPLE } from '../../../src/core/verify/rulesExample';
import { parseRules } from '../../../src/core/verify/rulesFile';
import { makeRepo, type TestRepo } from '../core/git/gitRepo';

/** A repository whose base commit holds `before`, with `after` written on top (uncommitted, as in place). */
function changedRepo(before: Record<string, string>, after: Record<string, string>): { repo: TestRepo; base: string } {
  const repo = makeRepo(before);
  const base = repo.head();
  for (const [f, t] of Object.entries(after)) repo.write(f, t);
  return { repo, base };
}

async function check(rulesYaml: string, before: Record<string, string>, after: Record<string, string>) {
  const { repo, base } = changedRepo(before, after);
  try {
    const lines = await changedLines(repo.root, base, Object.keys(after));
    return await checkRules(parseRules(rulesYaml).rules, repo.root, lines);
  } finally {
    repo.cleanup();
  }
}

test('parseUnifiedZero: new-side lines of each hunk; deletions and /dev/null name nothing', () => {
  const diff = [
    'diff --git a/a.ts b/a.ts',
    '--- a/a.ts',
    '+++ b/a.ts',
    '@@ -1,0 +2,3 @@',
    '+x',
    '@@ -10 +12 @@',
    '@@ -20,2 +21,0 @@',
    'diff --git a/gone.ts b/gone.ts',
    '--- a/gone.ts',
    '+++ /dev/null',
    '@@ -1,3 +0,0 @@',
    '+++ "b/sp\\303\\251cial.ts"',
    '@@ -0,0 +1 @@',
  ].join('\n');
  const m = parseUnifiedZero(diff);
  assert.deepEqual([...m.keys()], ['a.ts', 'spécial.ts']);
  assert.deepEqual([...m.get('a.ts')!], [2, 3, 4, 12]);
  assert.deepEqual([...m.get('spécial.ts')!], [1]);
});

test('a TypeScript pattern flags only changed lines, with file:line and the rule message', async () => {
  const before = { 'src/a.ts': 'console.log("old");\nexport const a = 1;\n' };
  const after = { 'src/a.ts': 'console.log("old");\nexport const a = 1;\nconsole.log("new", a);\n' };
  const r = await check(
    'rules:\n  - id: no-console\n    message: Use the Logger, not console.\n    pattern: console.log($$$A)\n',
    before,
    after,
  );
  assert.deepEqual(r.unchecked, []);
  assert.deepEqual(
    r.violations.map((v) => [v.file, v.line, v.rule, v.message, v.excerpt]),
    [['src/a.ts', 3, 'no-console', 'Use the Logger, not console.', 'console.log("new", a)']],
  );
});

test('a pattern spanning lines counts when any of its lines changed; JavaScript and TSX files too', async () => {
  const r = await check(
    'rules:\n  - id: no-eval\n    message: never eval\n    pattern: eval($X)\n',
    { 'a.js': 'const x = 1;\n', 'b.tsx': 'export const B = () => <div/>;\n' },
    {
      'a.js': 'const x = eval(\n  "1"\n);\n',
      'b.tsx': 'export const B = () => <div>{eval("2")}</div>;\n',
      'c.mjs': 'eval(3)\n',
    },
  );
  assert.deepEqual(
    r.violations.map((v) => `${v.file}:${v.line}`),
    ['a.js:1', 'b.tsx:1', 'c.mjs:1'],
  );
});

test('files and exclude scope a rule; a pattern in an excluded folder is not a violation', async () => {
  const rules =
    'rules:\n  - id: sql-in-db\n    message: SQL only in src/db/.\n    pattern: db.query($$$Q)\n    files: src/**\n    exclude: src/db/**\n';
  const r = await check(
    rules,
    { 'x.txt': '' },
    {
      'src/db/repo.ts': 'db.query("select 1");\n',
      'src/ui/cart.ts': 'db.query("select 2");\n',
      'scripts/seed.ts': 'db.query("select 3");\n',
    },
  );
  assert.deepEqual(
    r.violations.map((v) => v.file),
    ['src/ui/cart.ts'],
  );
});

test('import bans: import, export from, require, dynamic import; sub-paths count; unchanged imports do not', async () => {
  const rules =
    'rules:\n  - id: repo\n    message: DB access through the Repository.\n    imports: [pg, "@prisma/*"]\n    exclude: src/db/\n';
  const r = await check(
    rules,
    { 'src/a.ts': 'import pg from "pg";\n' },
    {
      'src/a.ts': 'import pg from "pg";\nimport { Pool } from "pg/lib/pool";\n',
      'src/b.ts':
        'export * from "@prisma/client";\nconst m = require("pg");\nconst n = await import("pg");\nimport "pgx";\n',
      'src/db/ok.ts': 'import pg from "pg";\n',
    },
  );
  assert.deepEqual(
    r.violations.map((v) => `${v.file}:${v.line} ${v.excerpt}`),
    [
      'src/a.ts:2 import pg/lib/pool',
      'src/b.ts:1 import @prisma/client',
      'src/b.ts:2 import pg',
      'src/b.ts:3 import pg',
    ],
  );
});

test('import bans in Python and Go read without a parser', async () => {
  const rules =
    'rules:\n  - id: no-requests\n    message: Use the http client wrapper.\n    imports: [requests, "github.com/lib/pq"]\n';
  const r = await check(
    rules,
    { 'x.txt': '' },
    {
      'app/a.py': 'import os, requests.adapters as ra\nfrom requests import get\nimport requestsx\n# import requests\n',
      'cmd/main.go': 'package main\n\nimport (\n\t"fmt"\n\tpq "github.com/lib/pq"\n)\nimport "github.com/lib/pq/oid"\n',
    },
  );
  assert.deepEqual(
    r.violations.map((v) => `${v.file}:${v.line}`),
    ['app/a.py:1', 'app/a.py:2', 'cmd/main.go:5', 'cmd/main.go:7'],
  );
  assert.deepEqual(lineImports('python', 'import a; from b.c import d'), [
    { module: 'a', line: 1 },
    { module: 'b.c', line: 1 },
  ]);
  assert.equal(moduleBanned('lodash/fp', 'lodash'), true);
  assert.equal(moduleBanned('lodashx', 'lodash'), false);
  assert.equal(moduleBanned('@scope/a/b', '@scope/*'), true);
  assert.equal(moduleBanned('@scope', '@scope/*'), false);
});

const PY_GO_RULES =
  'rules:\n  - id: py-print\n    message: No print.\n    language: python\n    pattern: print($$$A)\n' +
  '  - id: go-panic\n    message: No panic.\n    language: go\n    pattern: panic($X)\n';

test('Python and Go patterns: a violation is found with file:line and the rule words', async () => {
  const { dynamic } = await loadAstGrep();
  // The grammars are dependencies: a build without them must fail here, not pass by reporting "unchecked".
  assert.deepEqual([...dynamic].sort(), ['go', 'python']);
  const r = await check(
    PY_GO_RULES,
    { 'x.txt': '' },
    {
      'app/a.py': 'x = 1\nprint(x)\nif x:\n    print("a", x, sep="")\n',
      'cmd/main.go': 'package main\n\nfunc main() {\n\tpanic("x")\n}\n',
    },
  );
  assert.deepEqual(r.unchecked, []);
  assert.deepEqual(
    r.violations.map((v) => `${v.file}:${v.line}:${v.rule}:${v.message}:${v.excerpt}`),
    [
      'app/a.py:2:py-print:No print.:print(x)',
      'app/a.py:4:py-print:No print.:print("a", x, sep="")',
      'cmd/main.go:4:go-panic:No panic.:panic("x")',
    ],
  );
});

test('Python and Go patterns: clean files pass; a name that only looks alike is no match', async () => {
  const r = await check(
    PY_GO_RULES,
    { 'x.txt': '' },
    {
      'a.py': 'import logging\nlogging.info("x")\npprint(1)\n# print(x) in a comment\ns = "print(x)"\n',
      'main.go': 'package main\n\nfunc main() {\n\tdontpanic("x")\n\t// panic(1)\n}\n',
      // Python's print in a .go file and Go's panic in a .py file: each rule reads its own language only.
      'b.txt': 'print(1)\npanic(2)\n',
    },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.unchecked, []);
});

test('Python and Go patterns: an edit outside the matched lines does not flag old code', async () => {
  const { repo, base } = changedRepo(
    { 'a.py': 'print(1)\nx = 1\n', 'main.go': 'package main\n\nfunc f() {\n\tpanic(1)\n}\n' },
    { 'a.py': 'print(1)\nx = 2\n', 'main.go': 'package main\n\nfunc f() {\n\tpanic(1)\n}\n\nfunc g() {}\n' },
  );
  try {
    const lines = await changedLines(repo.root, base, ['a.py', 'main.go']);
    const r = await checkRules(parseRules(PY_GO_RULES).rules, repo.root, lines);
    assert.deepEqual(r.violations, []);
  } finally {
    repo.cleanup();
  }
});

test('Python and Go patterns that do not parse are reported unchecked', async () => {
  const r = await check(
    'rules:\n  - id: py-bad\n    message: m\n    language: python\n    pattern: "print($A"\n' +
      '  - id: go-bad\n    message: m\n    language: go\n    pattern: "func ($X"\n',
    { 'x.txt': '' },
    { 'a.py': 'print(1)\n', 'main.go': 'package main\n' },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.unchecked.map((u) => u.split(':')[0]),
    ['py-bad', 'go-bad'],
  );
});

test('path rules flag the changed file itself; text rules go to the audit list', async () => {
  const rules =
    'rules:\n  - id: generated\n    message: Regenerate, never edit.\n    paths: src/gen/**\n' +
    '  - id: typed-errors\n    message: Typed errors.\n    text: Throw FmesError subclasses.\n';
  const r = await check(rules, { 'x.txt': '' }, { 'src/gen/api.ts': 'x\n', 'src/a.ts': 'y\n' });
  assert.deepEqual(
    r.violations.map((v) => `${v.file}:${v.line}:${v.rule}`),
    ['src/gen/api.ts:1:generated'],
  );
  assert.deepEqual(
    r.textRules.map((t) => t.id),
    ['typed-errors'],
  );
});

test('a pattern that does not parse is reported unchecked instead of silently matching nothing', async () => {
  const r = await check(
    'rules:\n  - id: broken\n    message: m\n    language: typescript\n    pattern: "console.log($$$A"\n',
    { 'x.txt': '' },
    { 'a.ts': 'console.log(1)\n' },
  );
  assert.deepEqual(r.violations, []);
  assert.match(r.unchecked[0], /^broken: pattern does not parse as TypeScript/);
});

test('malformed rules files: each problem names the file and the field', () => {
  const bad: Array<[string, RegExp]> = [
    ['rules: [\n', /^\.fmes\/rules\.yaml: line \d+, column \d+/],
    ['rules:\n  - id: a\n    message: m\n', /rules\.0: needs one of pattern, imports, paths or text/],
    ['rules:\n  - id: a\n    message: m\n    pattern: x\n    imports: [y]\n', /rules\.0\.imports: give only one/],
    ['rules:\n  - id: a\n    message: m\n    patern: x\n', /rules\.0: Unrecognized key: "patern"/],
    ['rules:\n  - id: a\n    message: "  "\n    paths: x\n', /rules\.0\.message: must not be blank/],
    [
      'rules:\n  - {id: a, message: m, paths: x}\n  - {id: a, message: n, paths: y}\n',
      /rules\.1\.id: repeats rules\.0\.id/,
    ],
    ['rules:\n  - {id: a, message: m, imports: [x], language: go}\n', /rules\.0\.language: only applies to a pattern/],
    ['version: 2\n', /version: /],
    ['a: 1\na: 2\n', /line 2/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => parseRules(text),
      (e: unknown) => ArtifactError.is(e) && re.test(e.message) && e.message.startsWith('.fmes/rules.yaml:'),
      text,
    );
  }
  assert.deepEqual(parseRules('').rules, []);
  assert.deepEqual(parseRules(RULES_EXAMPLE).rules, [], 'the scaffold parses, its examples commented out');
  const uncommented = RULES_EXAMPLE.replace('rules: []', 'rules:').replace(/^# {2}/gm, '  ');
  assert.equal(parseRules(uncommented).rules.length, 5, 'its examples are valid');
});

function stepCtx(repo: TestRepo, base: string, changed: string[]): PostRunContext {
  return {
    root: repo.root,
    plan: { meta: { id: 'T1', title: 'T', files: ['src/'] }, body: '' } as unknown as Plan,
    record: { taskId: 'T1', state: 'running', baseCommit: base } as MissionRecord,
    cwd: repo.root,
    collected: { report: {}, file: 'r.json', byFmes: true, problems: [] } as unknown as PostRunContext['collected'],
    changed,
    log: createLogger(nullSink, 'test'),
    note: () => undefined,
  };
}

test('the rules step holds the mission with file:line reasons; a broken rules file holds it too', async () => {
  const { repo, base } = changedRepo({ 'src/a.ts': 'export {};\n' }, { 'src/a.ts': 'export {};\nconsole.log(1);\n' });
  try {
    const none = await rulesStep.run(stepCtx(repo, base, ['src/a.ts']));
    assert.equal(none.hold, undefined, 'no rules file: nothing to check');
    fs.mkdirSync(path.join(repo.root, '.fmes'));
    fs.writeFileSync(
      path.join(repo.root, '.fmes/rules.yaml'),
      'rules:\n  - id: no-console\n    message: Use the Logger.\n    pattern: console.log($$$A)\n',
    );
    const held = await rulesStep.run(stepCtx(repo, base, ['src/a.ts']));
    assert.equal(held.hold, true);
    assert.deepEqual(held.reasons, ['src/a.ts:2: no-console: Use the Logger.']);
    assert.equal(held.patch?.rules?.violations[0]?.line, 2);
    fs.writeFileSync(path.join(repo.root, '.fmes/rules.yaml'), 'rules:\n  - id: x\n');
    const broken = await rulesStep.run(stepCtx(repo, base, ['src/a.ts']));
    assert.equal(broken.hold, true);
    assert.match(broken.reasons![0], /^rules not checked: \.fmes\/rules\.yaml: rules\.0\.message/);
  } finally {
    repo.cleanup();
  }
});

test("a symlink out of the worktree is not read as the mission's code", async () => {
  const { repo, base } = changedRepo({ 'x.txt': '' }, {});
  const outside = fs.mkdtempSync(path.join(path.dirname(repo.root), 'fmes-outside-'));
  try {
    fs.writeFileSync(path.join(outside, 'evil.ts'), 'console.log(1)\n');
    fs.symlinkSync(path.join(outside, 'evil.ts'), path.join(repo.root, 'link.ts'));
    const lines = await changedLines(repo.root, base, ['link.ts']);
    const r = await checkRules(
      parseRules('rules:\n  - {id: c, message: m, pattern: "console.log($$$A)"}\n').rules,
      repo.root,
      lines,
    );
    assert.deepEqual(r.violations, []);
  } finally {
    repo.cleanup();
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test("a mission's own rules file does not loosen the rules it is checked by", async () => {
  const { harness } = await import('./missionHarness');
  const h = await harness(
    {
      'src/a.ts': 'export {};\n',
      '.fmes/rules.yaml': 'rules:\n  - id: no-console\n    message: Use the Logger.\n    pattern: console.log($$$A)\n',
    },
    () => ({ files: { 'src/a.ts': 'export {};\nconsole.log(1);\n', '.fmes/rules.yaml': 'rules: []\n' } }),
  );
  try {
    const out = await h.missions.start(h.plan('loosen', '', ['src/', '.fmes/rules.yaml']));
    assert.equal(out.state, 'review');
    assert.deepEqual(
      out.record.rules?.violations.map((v) => `${v.file}:${v.line}`),
      ['src/a.ts:2'],
    );
  } finally {
    h.dispose();
  }
});
