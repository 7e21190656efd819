import { LineCounter, parseDocument, stringify } from 'yaml';
import type { ArtifactIssue } from '../errors';

/** The issue field used for every problem with the front matter block itself (as opposed to one of its keys). */
export const FRONT_MATTER_FIELD = 'front matter';

const DELIMITER = '---';

export type FrontMatterSplit =
  | {
      ok: true;
      /** The YAML between the delimiters, line endings normalised to `\n`. */
      yaml: string;
      /** Everything after the closing delimiter, untrimmed. */
      body: string;
      /** 1-based line of the file where `yaml` starts, to turn YAML positions into file positions. */
      yamlLine: number;
    }
  | { ok: false; issues: ArtifactIssue[] };

/**
 * Splits `---\n<yaml>\n---\n<body>`. The first line must be exactly `---` (after a BOM, which Windows
 * editors add), so a markdown file that merely contains a horizontal rule is not mistaken for front matter.
 */
export function splitFrontMatter(text: string): FrontMatterSplit {
  // CRLF comes from Windows checkouts with autocrlf; the YAML and the body are the same either way.
  const normalised = stripBom(text).replace(/\r\n/g, '\n');
  if (normalised.trim() === '') return fail('', 'the file is empty');
  const lines = normalised.split('\n');
  if (lines[0] !== DELIMITER)
    return fail(FRONT_MATTER_FIELD, `missing: the file must start with a line that is exactly ${DELIMITER}`);
  const close = lines.indexOf(DELIMITER, 1);
  if (close < 0) return fail(FRONT_MATTER_FIELD, `not closed: no line that is exactly ${DELIMITER} after the first`);
  return { ok: true, yaml: lines.slice(1, close).join('\n'), body: lines.slice(close + 1).join('\n'), yamlLine: 2 };
}

export type FrontMatterParse =
  { ok: true; data: Record<string, unknown>; body: string } | { ok: false; issues: ArtifactIssue[] };

/**
 * Splits the front matter off and parses it as YAML 1.2 (core schema: `yes` stays a string and dates stay
 * strings, so schemas see what was written). YAML errors become issues that give the line in the file.
 * Never throws for bad content.
 */
export function parseFrontMatter(text: string): FrontMatterParse {
  const split = splitFrontMatter(text);
  if (!split.ok) return split;
  const lineCounter = new LineCounter();
  const doc = parseDocument(split.yaml, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { field: FRONT_MATTER_FIELD, message: `line ${line + split.yamlLine - 1}, column ${col}: ${e.message}` };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // toJS throws when aliases expand past maxAliasCount (a "billion laughs" document).
    return fail(FRONT_MATTER_FIELD, `cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  // An empty block is an empty mapping, so the schema can name each missing key rather than one vague error.
  if (data === null || data === undefined) return { ok: true, data: {}, body: split.body };
  if (typeof data !== 'object' || Array.isArray(data))
    return fail(FRONT_MATTER_FIELD, 'must be a mapping of `key: value` lines');
  return { ok: true, data: data as Record<string, unknown>, body: split.body };
}

/** Writes a front matter document that {@link parseFrontMatter} reads back to the same data and trimmed body. */
export function formatFrontMatter(data: Record<string, unknown>, body: string): string {
  return `${DELIMITER}\n${stringify(data)}${DELIMITER}\n\n${body.trim()}\n`;
}

/** Removes a leading byte-order mark, which JSON.parse and the `---` check would otherwise trip on. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function fail(field: string, message: string): { ok: false; issues: ArtifactIssue[] } {
  return { ok: false, issues: [{ field, message }] };
}
