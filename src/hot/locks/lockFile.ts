import { nodeCrypto } from '../ids';
import * as fs from 'node:fs';
import type { ArtifactIssue } from '../errors';
import { isErrnoException } from '../errors';
import { cold } from '../cold';
import { hotIssue } from '../hotText';
import { checkLockRecord } from './lockRecord';
import { isJsSpace } from '../jsSpace';
import type { LockRecord } from '../../core/schemas/lock';

// The PreToolUse hook reads lock files on every tool call: node:crypto loads for invalid files only.

export type LockParse = { ok: true; record: LockRecord } | { ok: false; issues: ArtifactIssue[] };

/** A key that decides who holds a lock and whether it is stale (the first fields of a record, see spares.ts). */
const IDENTITY_KEY = /"(version|pid|pidStart|host)"\s*:/g;

/** Parses a lock file's text. Empty, truncated, non-JSON and off-schema content yields issues, never throws. */
export function parseLockText(text: string): LockParse {
  if (text.trim() === '') return { ok: false, issues: [hotIssue('', 'emptyFile')] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, issues: [hotIssue('', 'notJson', { error: (e as Error).message })] };
  }
  const twice = repeatedIdentityKey(text);
  if (twice) return { ok: false, issues: [hotIssue(twice, 'twice')] };
  const record = checkLockRecord(json);
  if (record) return { ok: true, record };
  // What the hand check cannot decide goes to the zod schema, in the cold half (it names what is wrong).
  return cold().parseLockRecord(json);
}

/** When a lock file was read, and its mtime as of just after the read (see judgeLock). */
export interface ReadStamp {
  readAtMs: number;
  mtimeMs: number;
}

export type LockFileRead =
  | { state: 'absent' }
  | { state: 'valid'; record: LockRecord; seen: ReadStamp }
  | {
      state: 'invalid';
      issues: ArtifactIssue[];
      size: number;
      mtimeMs: number;
      /** Identifies this exact invalid content, standing in for a token when breaking it. */
      fingerprint: string;
      /** The `path` field when the JSON had one, for hashed file names. */
      claimedPath: string | undefined;
    };

export function readLockFile(file: string): LockFileRead {
  let text: string;
  let seen: ReadStamp;
  try {
    ({ text, seen } = readStamped(file));
  } catch (e) {
    if (isErrnoException(e, 'ENOENT')) return { state: 'absent' };
    if (isErrnoException(e, 'EISDIR')) {
      return {
        state: 'invalid',
        issues: [{ field: '', message: 'is a folder, not a lock file' }],
        size: 0,
        mtimeMs: 0,
        fingerprint: 'dir',
        claimedPath: undefined,
      };
    }
    throw e;
  }
  const parsed = parseLockText(text);
  if (parsed.ok) return { state: 'valid', record: parsed.record, seen };
  const mtimeMs = seen.mtimeMs;
  return {
    state: 'invalid',
    issues: parsed.issues,
    size: Buffer.byteLength(text),
    mtimeMs,
    fingerprint:
      'inv-' + nodeCrypto().createHash('sha256').update(text).update(String(mtimeMs)).digest('hex').slice(0, 16),
    claimedPath: claimedPath(text),
  };
}

/** Reads a file whole, then fstats it: the mtime seen covers every write that could have reached the read. */
function readStamped(file: string): { text: string; seen: ReadStamp } {
  const readAtMs = Date.now();
  const fd = fs.openSync(file, 'r');
  try {
    const text = fs.readFileSync(fd, 'utf8');
    return { text, seen: { readAtMs, mtimeMs: fs.fstatSync(fd).mtimeMs } };
  } finally {
    fs.closeSync(fd);
  }
}

export function repeatedIdentityKey(text: string): string | undefined {
  if (text.length > SCAN_BY_HAND) return repeatedByPattern(text);
  // A key can only be repeated where its quoted name occurs twice: a record F-MES writes names each once, which
  // eight native searches tell, without the scan below.
  if (!IDENTITY_KEYS.some((k) => occursTwice(text, `"${k}"`))) return undefined;
  // What matchAll(IDENTITY_KEY) finds, scanned by hand (the hook would compile the pattern, twice): at each `"`
  // in turn, a key and its closing quote, blanks (\s), a colon; a match goes on after its colon.
  const seen = new Set<string>();
  for (let i = text.indexOf('"'); i !== -1;) {
    let next = i + 1;
    const key = IDENTITY_KEYS.find((k) => text.startsWith(k, i + 1) && text.charCodeAt(i + 1 + k.length) === 0x22);
    if (key !== undefined) {
      let j = i + key.length + 2;
      while (j < text.length && isJsSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 0x3a) {
        if (seen.has(key)) return key;
        seen.add(key);
        next = j + 1;
      }
    }
    i = text.indexOf('"', next);
  }
  return undefined;
}

function occursTwice(text: string, word: string): boolean {
  const first = text.indexOf(word);
  return first !== -1 && text.indexOf(word, first + 1) !== -1;
}

/** IDENTITY_KEY's keys; `pidStart` before `pid` is not needed: a key must be followed by its quote. */
const IDENTITY_KEYS = ['version', 'pid', 'pidStart', 'host'];
/** Longer texts (no record F-MES writes) go to the pattern, which runs native code then. */
const SCAN_BY_HAND = 4096;

function repeatedByPattern(text: string): string | undefined {
  const seen = new Set<string>();
  for (const m of text.matchAll(IDENTITY_KEY)) {
    const key = m[1] ?? '';
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}

function claimedPath(text: string): string | undefined {
  try {
    const j = JSON.parse(text) as { path?: unknown };
    return typeof j.path === 'string' ? j.path : undefined;
  } catch {
    return undefined;
  }
}
