// Property tests: valid artifacts survive the trip through their file format, and no input makes a parser
// throw or produce a message that does not name the file. fast-check 4 has no fullUnicodeString; its
// equivalent is fc.string({ unit: 'binary' }) (any code point, lone surrogates included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatFrontMatter } from '../../../../src/core/artifacts/frontMatter';
import {
  type ArtifactKind,
  parseArtifact,
  parseCostLog,
  parseHandoff,
  parseLock,
  parsePlan,
  parseReport,
} from '../../../../src/core/artifacts/parseArtifact';
import type { ArtifactError } from '../../../../src/core/errors';
import { REPORT_LIMITS } from '../../../../src/core/schemas/report';
import { costLogText } from '../../../fixtures/artifacts';

const RUNS = { numRuns: 300 };

// --- arbitraries for valid values -----------------------------------------------------------------------

const agentIdArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,20}$/);
const taskIdArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/);
const segmentArb = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((s) => !/[\\/\0]/.test(s)),
  )
  .filter((s) => s !== '..' && !/^[A-Za-z]:$/.test(s));
const relPathArb = fc
  .tuple(fc.array(segmentArb, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([segs, folder]) => segs.join('/') + (folder ? '/' : ''));
const instantArb = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) });
const iso = (ms: number) => new Date(ms).toISOString();
/** Any text with something other than whitespace in it; unit 'binary' covers the whole code point range. */
const textArb = (max: number) =>
  fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: max }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }),
    )
    .filter((s) => s.trim() !== '');
/** Non-negative doubles; -0 is normalised because JSON writes it as 0. */
const moneyArb = fc
  .double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true })
  .map((n) => (Object.is(n, -0) ? 0 : n));
const countArb = fc.nat({ max: 1_000_000 });

/** Builds an object, leaving out the keys whose value is undefined (as a writer that omits them would). */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** What the parser should return: the written value over the schema's defaults. */
const withDefaults = <T extends object>(defaults: Record<string, unknown>, written: T) => ({ ...defaults, ...written });

const testsArb = fc
  .tuple(countArb, countArb, countArb)
  .map(([a, b, extra]) => ({ run: a + b + extra, passed: a, failed: b }));

const reportArb = fc
  .record({
    version: opt(fc.constant(1 as const)),
    agent: agentIdArb,
    taskId: taskIdArb,
    status: fc.constantFrom('success', 'failure', 'partial', 'killed', 'timeout'),
    summary: textArb(300),
    changedFiles: opt(fc.array(relPathArb, { maxLength: 5 })),
    tests: opt(testsArb),
    // A report's cost is bounded (REPORT_LIMITS.costUsd).
    costUsd: opt(moneyArb.filter((n) => n <= REPORT_LIMITS.costUsd)),
    durationMs: opt(countArb),
    sessionId: opt(fc.string({ minLength: 1, maxLength: 40 })),
    times: fc.tuple(instantArb, instantArb),
    errors: opt(fc.array(fc.string({ unit: 'binary', maxLength: 50 }), { maxLength: 3 })),
    turns: opt(countArb),
  })
  .map(({ times: [a, b], ...r }) => defined({ ...r, startedAt: iso(Math.min(a, b)), finishedAt: iso(Math.max(a, b)) }));

const planMetaArb = fc
  .record({
    id: taskIdArb,
    title: textArb(200),
    agent: opt(fc.oneof(fc.constant('auto'), agentIdArb)),
    files: fc.array(relPathArb, { minLength: 1, maxLength: 5 }),
    risk: opt(fc.constantFrom('low', 'medium', 'high')),
    rollback: textArb(200),
    type: opt(fc.string({ minLength: 1, maxLength: 20 })),
    complexity: opt(fc.constantFrom('trivial', 'small', 'medium', 'large')),
    maxTurns: opt(fc.integer({ min: 1, max: 10_000 })),
    budgetUsd: opt(fc.double({ min: Number.MIN_VALUE, max: 1e6, noNaN: true, noDefaultInfinity: true })),
    timeoutSec: opt(fc.integer({ min: 1, max: 1e7 })),
    allowedTools: opt(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 4 })),
    dependsOn: opt(fc.array(taskIdArb, { maxLength: 3 })),
  })
  .map((m) => defined({ ...m, dependsOn: m.dependsOn?.filter((d) => d !== m.id) }));

const costRecordArb = fc
  .record({
    ts: instantArb.map(iso),
    agent: agentIdArb,
    sessionId: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    taskId: opt(taskIdArb),
    costUsd: moneyArb,
    totalCostUsd: opt(moneyArb),
    inputTokens: opt(countArb),
    outputTokens: opt(countArb),
    cacheReadTokens: opt(countArb),
    cacheWriteTokens: opt(countArb),
    turns: opt(countArb),
    model: opt(fc.string({ minLength: 1, maxLength: 30 })),
    source: opt(fc.constantFrom('claude', 'gemini', 'codex', 'other')),
  })
  .map(defined);

// --- round trips ----------------------------------------------------------------------------------------

void test('property: a valid report round-trips through JSON', () => {
  fc.assert(
    fc.property(reportArb, fc.constantFrom(undefined, 2), (report, indent) => {
      const r = parseReport(JSON.stringify(report, null, indent), 'report.json');
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.deepEqual(r.value, withDefaults({ version: 1, changedFiles: [] }, report));
    }),
    RUNS,
  );
});

void test('property: a valid plan round-trips through YAML front matter', () => {
  fc.assert(
    fc.property(planMetaArb, textArb(400), (meta, body) => {
      const expected = {
        meta: withDefaults({ agent: 'auto', risk: 'medium' }, meta),
        body: body.replace(/\r\n/g, '\n').trim(),
      };
      // Once through the writer F-MES uses, once the way a person would lay it out.
      for (const text of [formatFrontMatter(meta, body), `---\n${stringify(meta)}---\n${body}`]) {
        const r = parsePlan(text, 'active_plan.md');
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.deepEqual(r.value, expected);
      }
    }),
    RUNS,
  );
});

void test('property: valid cost records round-trip through JSONL, with or without a final newline', () => {
  fc.assert(
    fc.property(fc.array(costRecordArb, { maxLength: 6 }), fc.boolean(), (records, newline) => {
      const r = parseCostLog(costLogText(records, newline), 'c.jsonl');
      assert.deepEqual(r.issues, []);
      assert.deepEqual(
        r.records,
        records.map((x) => withDefaults({ source: 'other' }, x)),
      );
    }),
    RUNS,
  );
});

// --- robustness -----------------------------------------------------------------------------------------

const FILE = 'some/dir/artifact-file.x';
const KINDS: ArtifactKind[] = ['lock', 'report', 'plan', 'handoff', 'costLog'];

/** A failure names the file on every line of its message, and has at least one issue. */
function assertNamesFile(error: ArtifactError): void {
  assert.equal(error.file, FILE);
  assert.ok(error.issues.length > 0);
  for (const line of error.message.split('\n')) assert.ok(line.startsWith(`${FILE}: `), JSON.stringify(error.message));
}

function assertNeverThrows(text: string): void {
  for (const parse of [parseReport, parsePlan, parseHandoff, parseLock]) {
    const r = parse(text, FILE);
    if (!r.ok) assertNamesFile(r.error);
  }
  const log = parseCostLog(text, FILE);
  for (const i of log.issues) assert.match(i.field, /^line \d+(: |$)/);
  for (const kind of KINDS) {
    const r = parseArtifact(FILE, text, kind);
    assert.equal(r.kind, kind);
    if (!r.ok) assertNamesFile(r.error);
  }
}

const textInputs = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  // Inputs that get past the first checks, so the deeper paths see arbitrary content too.
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `---\n${s}\n---\n${s}`),
  fc.string({ maxLength: 200 }).map((s) => `---\r\n${s}`),
  fc.string({ maxLength: 200 }).map((s) => `\uFEFF{${s}`),
);

void test('property: no parser throws on arbitrary text, and failures name the file', () => {
  fc.assert(fc.property(textInputs, assertNeverThrows), { numRuns: 500 });
});

void test('property: no parser throws on arbitrary JSON values, and failures name the file', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const json = JSON.stringify(value) ?? 'null';
      assertNeverThrows(json);
      assertNeverThrows(`---\n${stringify(value)}---\nbody`);
      const r = parseReport(json, FILE);
      // No random JSON is a report, except by astronomical luck; this guards against a schema that accepts anything.
      assert.equal(r.ok, false);
    }),
    { numRuns: 500 },
  );
});

void test('property: arbitrary objects with report keys never throw and name the offending field', () => {
  const keys = [
    'version',
    'agent',
    'taskId',
    'status',
    'summary',
    'changedFiles',
    'tests',
    'costUsd',
    'startedAt',
    'finishedAt',
    'turns',
  ];
  fc.assert(
    fc.property(reportArb, fc.constantFrom(...keys), fc.jsonValue(), (report, key, value) => {
      const r = parseReport(JSON.stringify({ ...report, [key]: value }), FILE);
      if (!r.ok) {
        assertNamesFile(r.error);
        assert.ok(
          r.error.issues.every(
            (i) =>
              i.field === key || i.field.startsWith(`${key}.`) || (key === 'startedAt' && i.field === 'finishedAt'),
          ),
          JSON.stringify(r.error.issues),
        );
      }
    }),
    RUNS,
  );
});
