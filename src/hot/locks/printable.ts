import { FmesError } from '../errors';
import { CONTROL_CHAR } from './lockRecord';

/**
 * Control characters in what lock records carry (paths, intents) and in what F-MES prints from them.
 *
 * A lock record's intent and path reach other people's terminals (`fmes lock status`, hook messages, the
 * editor): an ESC sequence in them could repaint a screen, hide a line or set a window title. So they are
 * refused when a lock is written (C0 including tab and newline, DEL, C1: see {@link CONTROL}), and everything
 * printed from lock files is escaped anyway, since a file can be written by hand.
 *
 * No node:* here: the hook formats messages with this on every denial.
 */

/** C0 (U+0000–U+001F, tab and newline included), DEL (U+007F) and C1 (U+0080–U+009F): the schema's rule. */
export const CONTROL = CONTROL_CHAR;
// eslint-disable-next-line no-control-regex -- see CONTROL
const CONTROL_G = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * What {@link escapeControls} also escapes at display (never refused): the bidirectional overrides and
 * isolates, which reorder what a terminal shows ("trojan source"), and the line and paragraph separators.
 */
const DISPLAY_G = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g; // eslint-disable-line no-control-regex

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `s` with every control character (and bidi control) written as a visible escape: `\e[31m` for ESC [ 3 1 m. */
export function escapeControls(s: string): string {
  DISPLAY_G.lastIndex = 0;
  return DISPLAY_G.test(s) ? s.replace(DISPLAY_G, escapeOne) : s;
}

/**
 * JSON for output: like JSON.stringify, but DEL, C1 and bidi controls (which JSON.stringify leaves raw) are
 * written as `\uXXXX` escapes too. The result parses to the same value.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** True when `s` contains a character a lock record may not carry. */
export function hasControl(s: string): boolean {
  return CONTROL.test(s);
}

/** Refused text in a lock record's field: the message names the field and shows the first offender escaped. */
export class ControlCharacterError extends FmesError<'controlCharacter'> {
  readonly kind = 'controlCharacter';
  constructor(
    /** The field that carried it: `path` or `intent`. */
    readonly field: string,
    readonly value: string,
  ) {
    CONTROL_G.lastIndex = 0;
    const first = CONTROL_G.exec(value)?.[0] ?? '';
    super(
      'controlCharacter',
      `The ${field} "${escapeControls(value.length > 200 ? value.slice(0, 200) + '…' : value)}" contains a control character (${escapeOne(first)}); control characters (tab, newline, ESC, DEL, C1) are not accepted in a lock's ${field}.`,
    );
  }
  static is(e: unknown): e is ControlCharacterError {
    return e instanceof ControlCharacterError;
  }
}

/** Throws {@link ControlCharacterError} when `value` has a control character. */
export function assertNoControl(field: string, value: string): void {
  if (CONTROL.test(value)) throw new ControlCharacterError(field, value);
}
