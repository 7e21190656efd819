import * as path from 'node:path';
import { FmesError } from '../errors';
import type { LockHandle } from '../../hot/locks/lockHandle';
import type { LockManager } from '../../hot/locks/lockManager';
import { FINAL_MISSION_STATES, type MissionStateName } from '../schemas/mission';
import { updateFileGuarded } from './guardedUpdate';

/** The human task list at the workspace root (seed: F-MES reflects finished work there for people and agents). */
export const TODO_FILE = 'TODO.md';
/** The section F-MES adds its missions to; created at the end of the file when missing. */
export const TODO_HEADING = '## F-MES missions';

export interface TodoEntry {
  taskId: string;
  title: string;
  state: MissionStateName;
  /** A few words after the state (`claude, $0.42`, `2 undeclared files`). */
  note?: string;
  /** When a final state was reached: shown as a date on final states only, so other updates cause no churn. */
  at?: number;
}

/** How each state reads in TODO.md; the ready state says what to do, as the seed's "Diff를 확인하세요" does. */
const STATE_TEXT: Record<MissionStateName, string> = {
  queued: 'queued',
  waiting: 'waiting for its files',
  awaitingApproval: 'awaiting approval',
  running: 'running',
  review: 'needs review before merge',
  readyToMerge: 'ready to merge, check the diff',
  conflicted: 'merge conflicts to resolve',
  merged: 'merged',
  discarded: 'discarded',
  rolledBack: 'rolled back',
  handedOff: 'handed off to a person',
  refused: 'refused',
};

const HEADING = /^ {0,3}##[ \t]+F-MES missions[ \t#]*$/i;
/** A heading that ends the F-MES section: level 1 or 2 (its own `###` subsections do not). */
const SECTION_END = /^ {0,3}#{1,2}([ \t]|$)/;

const marker = (task: string) => `<!-- fmes:${task} -->`;
const ownedBy = (task: string) => new RegExp(`${marker(task).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*$`);
/** One line, and no comment delimiters: the marker must stay the only comment and the last thing on the line. */
const clean = (s: string, max = 200) => {
  const t = [
    ...s
      .replace(/<!--|-->/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  ];
  return t.length > max ? `${t.slice(0, max - 1).join('')}…` : t.join('');
};

/** The line F-MES owns for a task: `- [ ] **fix-login** Fix the login redirect — running · claude <!-- fmes:fix-login -->`. */
export function formatTodoLine(e: TodoEntry): string {
  const box = e.state === 'merged' ? '[x]' : '[ ]';
  const final =
    FINAL_MISSION_STATES.includes(e.state) && e.at !== undefined ? ` ${new Date(e.at).toISOString().slice(0, 10)}` : '';
  const note = e.note !== undefined && clean(e.note) !== '' ? ` · ${clean(e.note, 120)}` : '';
  return `- ${box} **${e.taskId}** ${clean(e.title)} — ${STATE_TEXT[e.state]}${final}${note} ${marker(e.taskId)}`;
}

interface Line {
  text: string;
  /** `\n`, `\r\n`, `\r`, or empty on a last line without one. */
  eol: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** The line ending new lines get: CRLF when most lines have it, else LF (a lone CR is too rare to copy). */
function dominantEol(text: string): string {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * The text with the task's line set to `entry`. F-MES owns only lines ending in its marker for this task
 * (wherever a person moved them; their indentation is kept); a new task's line goes at the end of the F-MES
 * section, which is added at the end of the file when missing. Every other line keeps its bytes, line ending
 * included; only a last line without a line ending gains one when something is added after it.
 */
export function applyTodoEntry(text: string, entry: TodoEntry): string {
  const lines = splitLines(text);
  const line = formatTodoLine(entry);
  const owns = ownedBy(entry.taskId);
  let found = false;
  for (const l of lines) {
    if (!owns.test(l.text)) continue;
    l.text = (/^[ \t]*/.exec(l.text)?.[0] ?? '') + line;
    found = true;
  }
  if (!found) insertLine(lines, line, dominantEol(text));
  return lines.map((l) => l.text + l.eol).join('');
}

function insertLine(lines: Line[], line: string, eol: string): void {
  const blank = (l: Line | undefined) => l !== undefined && l.text.trim() === '';
  // An empty line right after a lone CR must not start with LF: the two would read back as one CRLF.
  const emptyAfter = (prev: Line): Line => ({ text: '', eol: prev.eol === '\r' && eol === '\n' ? '\r\n' : eol });
  const h = lines.findIndex((l) => HEADING.test(l.text));
  if (h < 0) {
    const last = lines.at(-1);
    if (last && last.eol === '') last.eol = eol;
    if (last && !blank(last)) lines.push(emptyAfter(last));
    lines.push({ text: TODO_HEADING, eol }, { text: '', eol }, { text: line, eol });
    return;
  }
  let end = lines.findIndex((l, i) => i > h && SECTION_END.test(l.text));
  if (end < 0) end = lines.length;
  let at = h;
  for (let i = h + 1; i < end; i++) if (!blank(lines[i])) at = i;
  const added: Line[] = at === h ? [emptyAfter(lines[h]), { text: line, eol }] : [{ text: line, eol }];
  // After an unterminated last line: it gets the line ending and the new line inherits having none.
  if (lines[at].eol === '') {
    lines[at].eol = eol;
    added[added.length - 1].eol = '';
  } else if (at === h && at + 1 < lines.length && !blank(lines[at + 1])) {
    added.push({ text: '', eol });
  }
  lines.splice(at + 1, 0, ...added);
}

export type TodoErrorReason =
  /** TODO.md kept changing under every attempt to update it. */
  'busy';

export class TodoError extends FmesError<TodoErrorReason> {
  readonly kind = 'todo';
  constructor(
    reason: TodoErrorReason,
    readonly file: string,
    message: string,
  ) {
    super(reason, message);
  }
  static is(e: unknown, reason?: TodoErrorReason): e is TodoError {
    return e instanceof TodoError && (reason === undefined || e.reason === reason);
  }
}

export interface UpdateTodoOptions {
  /** Hold an F-MES lock on TODO.md during the update (the editor makes locked files read-only for people). */
  locks?: LockManager;
  /** The agent id the lock carries (default `fmes`). */
  agent?: string;
  /** The time of the update: the date final states show. Default: now. */
  now?: number;
  /** How long to wait for the lock (default 2 s). Throws LockError('held') when it runs out. */
  lockWaitMs?: number;
}

const ATTEMPTS = 10;
/** Updates of one file by this process, in order: otherwise two of them could both pass the check below. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Sets a task's line in `<root>/TODO.md` (see applyTodoEntry) without losing a concurrent edit (see
 * updateFileGuarded). Throws TodoError('busy') when the file kept changing under 10 attempts, and
 * LockError('held') when `locks` is given and someone else holds TODO.md past `lockWaitMs`.
 */
export async function updateTodo(
  root: string,
  entry: TodoEntry,
  o: UpdateTodoOptions = {},
): Promise<{ file: string; changed: boolean; attempts: number }> {
  const file = path.join(path.resolve(root), TODO_FILE);
  const stamped: TodoEntry = FINAL_MISSION_STATES.includes(entry.state)
    ? { ...entry, at: entry.at ?? o.now ?? Date.now() }
    : entry;
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(
    () => locked(file, stamped, o),
    () => locked(file, stamped, o),
  );
  queues.set(file, run);
  try {
    return await run;
  } finally {
    if (queues.get(file) === run) queues.delete(file);
  }
}

async function locked(
  file: string,
  entry: TodoEntry,
  o: UpdateTodoOptions,
): Promise<{ file: string; changed: boolean; attempts: number }> {
  let handle: LockHandle | undefined;
  if (o.locks) {
    handle = await o.locks.acquire(TODO_FILE, {
      agent: o.agent ?? 'fmes',
      intent: `updating TODO.md for ${entry.taskId}`,
      waitMs: o.lockWaitMs ?? 2_000,
      ttlMs: 60_000,
    });
  }
  try {
    return await writeLoop(file, entry);
  } finally {
    handle?.release();
  }
}

async function writeLoop(
  file: string,
  entry: TodoEntry,
): Promise<{ file: string; changed: boolean; attempts: number }> {
  const r = await updateFileGuarded(file, (text) => applyTodoEntry(text ?? '', entry), { attempts: ATTEMPTS });
  if (r.outcome === 'busy')
    throw new TodoError(
      'busy',
      file,
      `${file} kept changing while F-MES tried to update ${entry.taskId}; gave up after ${r.attempts} attempts.`,
    );
  return { file, changed: r.outcome === 'written', attempts: r.attempts };
}
