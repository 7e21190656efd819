import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ArtifactError, type ArtifactErrorReason, type ArtifactIssue, errorMessage } from '../errors';
import { parseLockText } from '../../hot/locks/lockFile';
import { toArtifactIssues } from '../schemas/common';
import { type CostRecord, costRecordSchema } from '../schemas/costLog';
import { type Handoff, handoffMetaSchema } from '../schemas/handoff';
import { type InboxNote, inboxNoteSchema } from '../schemas/inbox';
import type { LockRecord } from '../schemas/lock';
import { markdownBody, type Plan, planMetaSchema } from '../schemas/plan';
import { type Report, reportSchema } from '../schemas/report';
import { parseRules } from '../verify/rulesFile';
import type { RulesFile } from '../verify/rulesSchema';
import { EXTRA_HANDOFF } from './discover';
import { parseFrontMatter, stripBom } from './frontMatter';
import { schemaText } from '../i18n/schemaText';

export type ArtifactKind = 'lock' | 'report' | 'plan' | 'handoff' | 'costLog' | 'inbox' | 'rules';

/** What each kind parses to. A cost log is only a value when every line is good; see {@link parseCostLog}. */
export interface ArtifactValues {
  lock: LockRecord;
  report: Report;
  plan: Plan;
  handoff: Handoff;
  costLog: CostRecord[];
  inbox: InboxNote;
  rules: RulesFile;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ArtifactError };

export type ArtifactParse =
  | {
      [K in ArtifactKind]:
        { kind: K; ok: true; value: ArtifactValues[K] } | { kind: K; ok: false; error: ArtifactError };
    }[ArtifactKind]
  /** The file's kind could not be told from its path and none was given. */
  | { kind: undefined; ok: false; error: ArtifactError };

const HANDOFF_NAMES = new Set(['handoff.md', 'handoff_report.md']);

/**
 * Tells an artifact's kind from where it lives and what it is called, for absolute or relative paths with
 * either separator. Locks are flat in `.locks/` (see lockName.ts), so only a direct child counts; the other
 * folders may hold subfolders.
 */
export function artifactKindOf(file: string): ArtifactKind | undefined {
  const parts = file.split(/[\\/]+/).filter((p) => p !== '');
  const base = parts.at(-1);
  if (base === undefined) return undefined;
  const dirs = parts.slice(0, -1);
  const under = (a: string, b: string) => dirs.some((d, i) => d === a && dirs[i + 1] === b);
  // The name decides first: a handoff kept next to the plans it is about is still a handoff.
  if (HANDOFF_NAMES.has(base.toLowerCase()) || EXTRA_HANDOFF.test(base)) return 'handoff';
  if (base.endsWith('.lock') && dirs.at(-1) === '.locks') return 'lock';
  if (base === 'rules.yaml' && dirs.at(-1) === '.fmes') return 'rules';
  if (base.endsWith('.json') && under('.antigravity', 'inbox')) return 'inbox';
  if (base.endsWith('.json') && (base === 'report.json' || under('.claude', 'outbox'))) return 'report';
  if (base.endsWith('.md') && (base === 'active_plan.md' || under('.antigravity', 'plans'))) return 'plan';
  if (base.endsWith('.jsonl') && under('.claude', 'cost_logs')) return 'costLog';
  return undefined;
}

function failure(
  reason: ArtifactErrorReason,
  file: string,
  issues: readonly ArtifactIssue[],
): { ok: false; error: ArtifactError } {
  return { ok: false, error: new ArtifactError(reason, file, issues.map(oneLine)) };
}

/**
 * Keeps each issue on one line. The error message is one `file: field: message` line per issue, and
 * JSON.parse quotes short inputs verbatim in its message, line breaks included, which would split an
 * issue into lines that no longer name the file.
 */
function oneLine(issue: ArtifactIssue): ArtifactIssue {
  const flat = (s: string) => s.replace(/\r\n|[\r\n\u2028\u2029]/g, '\\n');
  return { field: flat(issue.field), message: flat(issue.message) };
}

function parseJson<T>(text: string, file: string, schema: z.ZodType<T>): ParseResult<T> {
  // PowerShell's `Out-File -Encoding utf8` writes a BOM, which JSON.parse rejects.
  const body = stripBom(text);
  if (body.trim() === '') return failure('syntax', file, [{ field: '', message: schemaText('emptyFile') }]);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    return failure('syntax', file, [{ field: '', message: schemaText('notJsonSaid', { said: errorMessage(e) }) }]);
  }
  const r = schema.safeParse(json);
  return r.success ? { ok: true, value: r.data } : failure('schema', file, toArtifactIssues(r.error));
}

function parseMarkdown<M>(text: string, file: string, schema: z.ZodType<M>): ParseResult<{ meta: M; body: string }> {
  const fm = parseFrontMatter(text);
  if (!fm.ok) return failure('syntax', file, fm.issues);
  const meta = schema.safeParse(fm.data);
  const body = markdownBody.safeParse(fm.body);
  if (meta.success && body.success) return { ok: true, value: { meta: meta.data, body: body.data } };
  // Report the body alongside the keys so one edit can fix everything.
  const issues = [
    ...(meta.success ? [] : toArtifactIssues(meta.error)),
    ...(body.success ? [] : toArtifactIssues(body.error, 'body')),
  ];
  return failure('schema', file, issues);
}

/** Parses a report (`.claude/outbox/*.json`). Never throws for bad content. */
export function parseReport(text: string, file: string): ParseResult<Report> {
  return parseJson(text, file, reportSchema);
}

/** Parses a plan (`active_plan.md`, `.antigravity/plans/*.md`). Never throws for bad content. */
export function parsePlan(text: string, file: string): ParseResult<Plan> {
  return parseMarkdown(text, file, planMetaSchema);
}

/** Parses a handoff (`handoff.md`, `HANDOFF_REPORT.md`). Never throws for bad content. */
export function parseHandoff(text: string, file: string): ParseResult<Handoff> {
  return parseMarkdown(text, file, handoffMetaSchema);
}

/**
 * Parses a lock file with the lock manager's own reader, so this never calls valid what the lock manager
 * would break as invalid (it does not strip a BOM, for one).
 */
export function parseLock(text: string, file: string): ParseResult<LockRecord> {
  const r = parseLockText(text);
  if (r.ok) return { ok: true, value: r.record };
  return failure(isJson(text) ? 'schema' : 'syntax', file, r.issues);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface CostLogParse {
  /** Every good line, in file order. */
  records: CostRecord[];
  /** One or more per bad line, with the field `line N` or `line N: <dotted field>`. */
  issues: ArtifactIssue[];
}

/**
 * Parses a cost log line by line. A bad line does not hide the good ones: readers that total spend still
 * see every good line, and the issues say which lines were skipped. Blank lines are ignored.
 * @param _file Taken for symmetry with the other parsers. The issues are relative to the file; it is
 * named when they are wrapped in an ArtifactError (see {@link parseArtifact}).
 */
export function parseCostLog(text: string, _file: string): CostLogParse {
  const { records, issues } = scanCostLog(text);
  return { records, issues };
}

function scanCostLog(text: string): CostLogParse & { syntax: boolean } {
  const records: CostRecord[] = [];
  const issues: ArtifactIssue[] = [];
  let syntax = false;
  const lines = stripBom(text).split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      syntax = true;
      // A last line with no newline is most likely an append that was cut off (a crash or a reader racing the writer).
      const last = i === lines.length - 1;
      issues.push(oneLine({ field: where, message: last ? 'truncated or not JSON' : `not JSON (${errorMessage(e)})` }));
      return;
    }
    const r = costRecordSchema.safeParse(json);
    if (r.success) records.push(r.data);
    else
      issues.push(
        ...toArtifactIssues(r.error).map((x) => ({
          field: x.field ? `${where}: ${x.field}` : where,
          message: x.message,
        })),
      );
  });
  return { records, issues, syntax };
}

/**
 * Parses any artifact, by the given kind or the one its path implies. Never throws for bad content: the
 * result says what was wrong, naming the file and the dotted field. JSON syntax problems have reason
 * `syntax`, schema problems `schema`, and a path of no known kind `unknownKind`.
 */
export function parseArtifact(
  file: string,
  text: string,
  kind: ArtifactKind | undefined = artifactKindOf(file),
): ArtifactParse {
  switch (kind) {
    case 'lock':
      return { kind, ...parseLock(text, file) };
    case 'report':
      return { kind, ...parseReport(text, file) };
    case 'plan':
      return { kind, ...parsePlan(text, file) };
    case 'handoff':
      return { kind, ...parseHandoff(text, file) };
    case 'inbox':
      return { kind, ...parseJson(text, file, inboxNoteSchema) };
    case 'rules':
      try {
        return { kind, ok: true, value: parseRules(text, file) };
      } catch (e) {
        if (ArtifactError.is(e)) return { kind, ok: false, error: e };
        return { kind, ...failure('schema', file, [{ field: '', message: errorMessage(e) }]) };
      }
    case 'costLog': {
      const r = scanCostLog(text);
      if (r.issues.length === 0) return { kind, ok: true, value: r.records };
      return { kind, ...failure(r.syntax ? 'syntax' : 'schema', file, r.issues) };
    }
    case undefined:
      return unknownKind(file, 'cannot tell the artifact kind from the path');
    default: {
      // Reachable when a kind arrives untyped (CLI flags, MCP arguments).
      const unexpected: never = kind;
      return unknownKind(file, `unknown artifact kind ${JSON.stringify(unexpected)}`);
    }
  }
}

function unknownKind(file: string, message: string): ArtifactParse {
  return { kind: undefined, ...failure('unknownKind', file, [{ field: '', message }]) };
}

/**
 * Reads and parses one artifact file. An unreadable file (missing, a folder, no permission) gives reason
 * `unreadable`; a cost log is only ok when every line is.
 */
export async function validateFile(
  absPath: string,
  kind: ArtifactKind | undefined = artifactKindOf(absPath),
): Promise<ArtifactParse> {
  if (kind === undefined) return unknownKind(absPath, 'cannot tell the artifact kind from the path');
  let text: string;
  try {
    text = await readFile(absPath, 'utf8');
  } catch (e) {
    // Node's fs messages already start with the code (`ENOENT: no such file or directory, open …`).
    return {
      kind,
      ...failure('unreadable', absPath, [{ field: '', message: schemaText('cannotRead', { said: errorMessage(e) }) }]),
    };
  }
  const r = parseArtifact(absPath, text, kind);
  if (r.ok && r.kind === 'rules') {
    // A pattern that does not parse would never fire: refuse it here as the mission's rules step does. Loaded
    // only for a rules file (ast-grep is native and large).
    const { rulePatternIssues } = await import('../verify/rulePatterns');
    const issues = await rulePatternIssues(r.value.rules);
    if (issues.length) return { kind, ...failure('schema', absPath, issues) };
  }
  return r;
}
