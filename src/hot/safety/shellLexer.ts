/**
 * The word level of the shell parser: quotes, escapes, `$'…'`, and expansions (`$X`, `${…}`, `$(…)`,
 * backticks), read from a cursor into the source. The command structure is the parser's (shellSimple.ts,
 * shellCompound.ts, shellParser.ts), whose classes extend this one; a command substitution inside a word hands
 * back to it through the two abstract hooks, because `$( )` holds a whole script.
 */

import { ShellLimitError } from './shellCommand';

export interface Word {
  value: string;
  dynamic: boolean;
  /** The source text, quotes included: a quoted heredoc delimiter or an assignment is told by it. */
  raw: string;
}

/** The characters that end an unquoted word. */
export const META = ' \t\n;&|()<>';
/** A `NAME=` or `NAME+=` assignment word. */
export const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;
/** Nesting (subshells, `$( )`, backticks, groups, `${ }`, arithmetic, heredoc bodies, `bash -c`…) past which a parse throws. */
export const MAX_NESTING = 64;
/** Steps between two looks at the clock: Date.now() is cheap, but not free. */
const CLOCK_EVERY = 2048;

/**
 * What all the parsers of one parse share (a `bash -c` string or a heredoc is parsed by a parser of its own):
 * the nesting so far, a step count for the deadline, and ids for and-or lists.
 */
export interface Budget {
  nesting: number;
  steps: number;
  deadline: number | undefined;
  ids: number;
}
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

export abstract class ShellLexer {
  i = 0;
  complete = true;

  constructor(
    readonly src: string,
    protected readonly budget: Budget,
  ) {}

  /** One level deeper into a construct that recurses; each is left with leave() (a throw abandons the whole parse). */
  protected enter(): void {
    if (++this.budget.nesting > MAX_NESTING) {
      throw new ShellLimitError(
        'depth',
        `the command nests more than ${MAX_NESTING} levels deep (subshells, substitutions, groups, quotes or scripts)`,
      );
    }
  }

  protected leave(): void {
    this.budget.nesting--;
  }

  /** Counts a step of work; every CLOCK_EVERY steps, checks the deadline. */
  protected tick(): void {
    const b = this.budget;
    if (++b.steps % CLOCK_EVERY === 0 && b.deadline !== undefined && Date.now() > b.deadline) {
      throw new ShellLimitError('time', `parsing took longer than its budget (${b.steps} steps, past the deadline)`);
    }
  }

  /** Commands up to and including the `)` that closes `$(`, `<(`, `>(` or an array `=(`; the cursor is just inside. */
  protected abstract parenthesized(): void;

  /** The commands of a backtick body (already unescaped), parsed as a script of its own. */
  protected abstract backtickScript(text: string): void;

  /** One shell word with quotes removed. Expansions stay as written and make it `dynamic`. */
  protected word(procSubst = false): Word {
    const s = this.src;
    const start = this.i;
    let value = '';
    let glob = false;
    let dynamic = false;
    this.tick();
    if (procSubst && (s[this.i] === '<' || s[this.i] === '>') && s[this.i + 1] === '(') {
      this.i += 2;
      this.parenthesized();
      return { value: s.slice(start, this.i), dynamic: true, raw: s.slice(start, this.i) };
    }
    while (this.i < s.length) {
      const c = s[this.i];
      if (META.includes(c)) {
        // `a=(1 2)`: an array assignment keeps its parentheses.
        if (c === '(' && /^[A-Za-z_]\w*\+?=$/.test(s.slice(start, this.i))) {
          const from = this.i;
          this.i++;
          this.parenthesized();
          value += s.slice(from, this.i);
          continue;
        }
        break;
      }
      if (c === '\\') {
        if (s[this.i + 1] === '\n') this.i += 2;
        else {
          value += s[this.i + 1] ?? '\\';
          this.i += 2;
        }
      } else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        if (close < 0) this.complete = false;
        value += s.slice(this.i + 1, close < 0 ? s.length : close);
        this.i = close < 0 ? s.length : close + 1;
      } else if (c === '"') {
        this.i++;
        const r = this.doubleQuoted('"');
        value += r.value;
        dynamic ||= r.dynamic;
      } else if (c === '$' || c === '`') {
        const r = this.expansion(false);
        value += r.value;
        dynamic ||= r.dynamic;
      } else {
        glob ||= c === '*' || c === '?' || c === '[' || c === '{';
        value += c;
        this.i++;
      }
    }
    return { value, dynamic: dynamic || (glob && isGlob(s, start, this.i)), raw: s.slice(start, this.i) };
  }

  /** The inside of "…" from just after the quote; with `term` null, a heredoc body up to the end. */
  doubleQuoted(term: '"' | null): { value: string; dynamic: boolean } {
    const s = this.src;
    let value = '';
    let dynamic = false;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === term) {
        this.i++;
        return { value, dynamic };
      }
      if (c === '\\') {
        const n = s[this.i + 1];
        if (n === '\n') this.i += 2;
        else if (n !== undefined && (n === '$' || n === '`' || n === '\\' || (n === '"' && term === '"'))) {
          value += n;
          this.i += 2;
        } else {
          value += c;
          this.i++;
        }
      } else if (c === '$' || c === '`') {
        const r = this.expansion(true);
        value += r.value;
        dynamic ||= r.dynamic;
      } else {
        value += c;
        this.i++;
      }
    }
    if (term !== null) this.complete = false;
    return { value, dynamic };
  }

  /** The `$…` or backtick expansion at the cursor, unquoted or (`inQuotes`) inside "…" or a heredoc body. */
  private expansion(inQuotes: boolean): { value: string; dynamic: boolean } {
    if (this.src[this.i] === '$') return this.dollar(inQuotes);
    return { value: this.backtick(), dynamic: true };
  }

  private dollar(inQuotes: boolean): { value: string; dynamic: boolean } {
    const s = this.src;
    const start = this.i;
    const n = s[this.i + 1];
    if (n === '(') {
      if (s[this.i + 2] === '(') this.arithmetic(3);
      else {
        this.i += 2;
        this.parenthesized();
      }
      return { value: s.slice(start, this.i), dynamic: true };
    }
    if (n === '[') {
      // `$[ … ]`: the old spelling of `$(( … ))`.
      this.arithmetic(2, ']');
      return { value: s.slice(start, this.i), dynamic: true };
    }
    if (n === '{') {
      this.i += 2;
      this.enter();
      this.braced();
      this.leave();
      return { value: s.slice(start, this.i), dynamic: true };
    }
    if (!inQuotes && n === "'") {
      this.i += 2;
      return { value: this.ansiC(), dynamic: false };
    }
    if (!inQuotes && n === '"') {
      this.i += 2;
      return this.doubleQuoted('"');
    }
    const m = /[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]/y;
    m.lastIndex = this.i + 1;
    if (m.test(s)) {
      this.i = m.lastIndex;
      return { value: s.slice(start, this.i), dynamic: true };
    }
    this.i++;
    return { value: '$', dynamic: false };
  }

  /** `${…}` from just inside the brace; quotes and substitutions inside are followed (`${x:-$(cmd)}`). */
  private braced(): void {
    const s = this.src;
    let depth = 1;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '}' && --depth === 0) return void this.i++;
      if (c === '{') depth++;
      if (c === '\\') this.i += 2;
      else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        this.i = close < 0 ? s.length : close + 1;
      } else if (c === '"') {
        this.i++;
        this.doubleQuoted('"');
      } else if (c === '$') this.dollar(true);
      else if (c === '`') this.backtick();
      else this.i++;
    }
    this.complete = false;
  }

  /** `$'…'` from just after the opening quote. */
  private ansiC(): string {
    const s = this.src;
    let v = '';
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === "'") {
        this.i++;
        return v;
      }
      if (c !== '\\') {
        v += c;
        this.i++;
        continue;
      }
      const n = s[this.i + 1] ?? '';
      this.i += 2;
      const num = (re: RegExp, base: number): void => {
        re.lastIndex = this.i;
        const m = re.exec(s);
        if (m) {
          // Past U+10FFFF is no character: bash drops it, and fromCodePoint would throw.
          const cp = parseInt(m[0], base);
          if (cp <= 0x10ffff) v += String.fromCodePoint(cp);
          this.i = re.lastIndex;
        } else v += '\\' + n;
      };
      if (Object.hasOwn(ESCAPES, n)) v += ESCAPES[n];
      else if (n === 'x') num(/[0-9a-fA-F]{1,2}/y, 16);
      else if (n === 'u') num(/[0-9a-fA-F]{1,4}/y, 16);
      else if (n === 'U') num(/[0-9a-fA-F]{1,8}/y, 16);
      else if (n === 'c') v += String.fromCharCode((s.charCodeAt(this.i++) || 64) & 31);
      else if (n >= '0' && n <= '7') {
        this.i--;
        num(/[0-7]{1,3}/y, 8);
      } else v += '\\' + n;
    }
    this.complete = false;
    return v;
  }

  /** `` `…` ``: the old form of `$( )`; `\`` `\$` `\\` are unescaped before the body is parsed. */
  private backtick(): string {
    const s = this.src;
    const start = this.i;
    let i = this.i + 1;
    let inner = '';
    while (i < s.length && s[i] !== '`') {
      if (s[i] === '\\' && (s[i + 1] === '`' || s[i + 1] === '$' || s[i + 1] === '\\')) i++;
      inner += s[i++];
    }
    if (i >= s.length) this.complete = false;
    this.i = Math.min(i + 1, s.length);
    this.backtickScript(inner);
    return s.slice(start, this.i);
  }

  /**
   * `((…))` (skipFirst 2), `$((…))` (skipFirst 3) or `$[…]` (skipFirst 2, close `]`) from its start. The
   * expression is not evaluated, but the substitutions in it run (`(( a[$(cmd)] ))`), so they are parsed.
   */
  protected arithmetic(skipFirst: number, close: ')' | ']' = ')'): void {
    const s = this.src;
    const open = close === ')' ? '(' : '[';
    let depth = close === ')' ? 2 : 1;
    this.i += skipFirst;
    this.enter();
    while (this.i < s.length && depth > 0) {
      const c = s[this.i];
      this.tick();
      if (c === open) depth++;
      else if (c === close) depth--;
      if (c === '$') {
        this.dollar(true);
        continue;
      }
      if (c === '`') {
        this.backtick();
        continue;
      }
      if (c === '"') {
        this.i++;
        this.doubleQuoted('"');
        continue;
      }
      if (c === "'") {
        // Quoted text is no operand: bash fails the expression (mvdan-sh the parse). Skipped as a quote.
        this.complete = false;
        const close = s.indexOf("'", this.i + 1);
        this.i = close < 0 ? s.length : close + 1;
        continue;
      }
      if (c === '\\') this.i++;
      this.i++;
    }
    this.leave();
    if (depth > 0) this.complete = false;
  }

  protected skipBlanks(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && s[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  protected skipComment(): void {
    const nl = this.src.indexOf('\n', this.i);
    this.i = nl < 0 ? this.src.length : nl;
  }
}

/**
 * Whether `s[from, to)` holds an unquoted glob or brace expansion (`*`, `?`, `[…]`, `{a,b}`, `{1..3}`). One
 * pass: a regular expression for the brackets backtracks quadratically on `[[[[…` or `{,,,,…`.
 */
function isGlob(s: string, from: number, to: number): boolean {
  let quote = '';
  let bracket = -1;
  let brace = -1;
  let braceList = false;
  for (let i = from; i < to; i++) {
    const c = s[i];
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '*' || c === '?') return true;
    else if (c === '[') bracket = i;
    else if (c === ']' && bracket >= 0) return true;
    else if (c === '{') {
      brace = i;
      braceList = false;
    } else if (c === '}' && brace >= 0) {
      if (braceList) return true;
      brace = -1;
    } else if (brace >= 0 && (c === ',' || (c === '.' && s[i + 1] === '.'))) braceList = true;
  }
  return false;
}
