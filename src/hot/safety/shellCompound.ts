/**
 * The compound-command level of the shell parser: the keywords, `{ }` groups, subshells, `coproc`, `time`,
 * functions, `for`/`select` heads, `case` and `[[ ]]`. Each reads its own syntax and hands the command lists
 * inside it back to the parser (shellParser.ts, through the abstract hooks below); simple commands are read by
 * shellSimple.ts.
 */

import type { ShellScope, SimpleCommand } from './shellCommand';
import { META } from './shellLexer';
import { NO_PIPE, type Pipe } from './shellPipes';
import { FUNC_PARENS, SimpleParser } from './shellSimple';
import { isJsSpace } from '../jsSpace';

/** The reserved words: one is read where the word at hand is one of them, whole (see keywordAt). */
const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  'for',
  'select',
  'case',
  'esac',
  'function',
  'coproc',
  'time',
  '{',
  '}',
  '!',
  '[[',
  'in',
]);
/** The longest of KEYWORDS. */
const KEYWORD_MAX = 8;
/** What may follow `coproc NAME` or `time`: a compound command. */
const COMPOUND = new Set(['{', 'if', 'while', 'until', 'for', 'select', 'case', '[[', 'function', 'coproc', 'time']);
/** Keywords that only group commands: for finding commands they can be stepped over. */
const STEP_OVER = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'in', 'esac']);
/** Keywords a command must follow. */
const NEEDS_COMMAND = new Set(['!', 'if', 'then', 'else', 'elif', 'do', 'while', 'until']);

export abstract class CompoundParser extends SimpleParser {
  fn: string | undefined;
  /** The commands found so far (shellParser.ts). */
  abstract readonly out: SimpleCommand[];

  /** Commands separated by operators and newlines, up to `end` (shellParser.ts). */
  abstract list(end: ')' | '}' | 'case' | null, inherited: Pipe): void;

  /** Runs `read` in a new scope of `kind`, one level deeper (shellParser.ts). */
  protected abstract inScope(kind: ShellScope['kind'], read: () => void): void;

  /** Moves the commands emitted since `from` into a new scope of `kind` (shellParser.ts). */
  protected abstract isolate(from: number, kind: ShellScope['kind']): void;

  protected command(pipe: Pipe, afterPipe = false): void {
    const s = this.src;
    const kw = this.keyword();
    if (kw !== undefined && STEP_OVER.has(kw)) {
      // `a | ! b`: `!` may only start a pipeline; bash refuses the line.
      if (kw === '!' && afterPipe) this.complete = false;
      this.i += kw.length;
      if (NEEDS_COMMAND.has(kw)) {
        // `! && a`, `then; b`: an operator where the keyword's command belongs is a syntax error.
        this.skipBlanks();
        const c = s[this.i];
        if (c === undefined ? kw === '!' : c === ';' || c === '|' || c === ')' || (c === '&' && s[this.i + 1] !== '>'))
          this.complete = false;
      }
      return;
    }
    switch (kw) {
      case '{':
        this.i++;
        this.enter();
        this.list('}', pipe);
        return this.leave();
      case 'coproc':
        return this.coproc(pipe);
      case 'time':
        return this.timed(pipe);
      case '}':
        this.complete = false;
        this.i++;
        return;
      case 'for':
      case 'select':
        this.i += kw.length;
        this.skipBlanks();
        // `for (( i = $(a); … ))`: the arithmetic's substitutions run.
        if (s.startsWith('((', this.i)) return this.arithmetic(2);
        return this.simple(pipe, false);
      case 'case':
        return this.caseCommand();
      case 'function': {
        this.i += kw.length;
        this.skipBlanks();
        const name = this.word().value;
        this.skipBlanks();
        FUNC_PARENS.lastIndex = this.i;
        if (FUNC_PARENS.test(s)) this.i = FUNC_PARENS.lastIndex;
        return this.functionBody(name);
      }
      case '[[':
        return this.testExpression();
    }
    if (s[this.i] === '(') {
      if (s[this.i + 1] === '(') return this.arithmetic(2);
      this.i++;
      return this.inScope('subshell', () => this.list(')', pipe));
    }
    this.simple(pipe, true);
  }

  /** `coproc cmd args`, `coproc NAME { …; }`, `coproc NAME ( … )`, `coproc { …; }`: runs as a background job. */
  private coproc(pipe: Pipe): void {
    const s = this.src;
    const from = this.out.length;
    this.i += 6;
    this.enter();
    this.skipBlanks();
    const kw = this.keyword();
    if (s[this.i] !== '(' && (kw === undefined || !COMPOUND.has(kw))) {
      // A NAME is allowed only before a compound command; otherwise the word is the command's own.
      const at = this.i;
      this.word();
      this.skipBlanks();
      const next = this.keyword();
      if (s[this.i] !== '(' && (next === undefined || !COMPOUND.has(next))) this.i = at;
    }
    this.command(pipe);
    this.leave();
    this.isolate(from, 'background');
  }

  /** `time [-p] pipeline`: a keyword before a compound command; before a simple one, the wrapper table's `time`. */
  private timed(pipe: Pipe): void {
    const s = this.src;
    const at = this.i;
    this.i += 4;
    this.skipBlanks();
    if (s.startsWith('-p', this.i) && META.includes(s[this.i + 2] ?? ' ')) this.i += 2;
    this.skipBlanks();
    const kw = this.keyword();
    if (s[this.i] === '(' || (kw !== undefined && COMPOUND.has(kw))) {
      this.enter();
      this.command(pipe);
      return this.leave();
    }
    this.i = at;
    this.simple(pipe, true);
  }

  protected keyword(): string | undefined {
    return keywordAt(this.src, this.i);
  }

  protected override functionBody(name: string): void {
    this.skip(true);
    const outer = this.fn;
    this.fn = name;
    this.enter();
    this.command(NO_PIPE);
    this.leave();
    this.fn = outer;
  }

  /** `case WORD in pattern) list ;; … esac`: only the lists hold commands; patterns may hold `)` and `|`. */
  private caseCommand(): void {
    this.enter();
    this.caseBody();
    this.leave();
  }

  private caseBody(): void {
    const s = this.src;
    this.i += 4;
    this.skipBlanks();
    this.word(true);
    this.skip(true);
    if (this.keyword() !== 'in') {
      this.complete = false;
      return;
    }
    this.i += 2;
    for (;;) {
      this.skip(true);
      if (this.i >= s.length) return void (this.complete = false);
      if (this.keyword() === 'esac') return void (this.i += 4);
      if (s[this.i] === '(') this.i++;
      for (;;) {
        this.skipBlanks();
        const c = s[this.i];
        if (c === ')') break;
        if (c === undefined || c === '\n' || c === ';') return void (this.complete = false);
        if (c === '|' || META.includes(c)) this.i++;
        else this.word();
      }
      this.i++;
      this.list('case', NO_PIPE);
      for (const t of [';;&', ';;', ';&']) {
        if (s.startsWith(t, this.i)) {
          this.i += t.length;
          break;
        }
      }
    }
  }

  /** `[[ … ]]`: `<`, `>`, `&&`, `||` and parentheses are operands here, not redirections or separators. */
  private testExpression(): void {
    const s = this.src;
    this.i += 2;
    for (;;) {
      this.skipBlanks();
      if (this.i >= s.length || s[this.i] === '\n') return void (this.complete = false);
      if (s.startsWith(']]', this.i) && (this.i + 2 >= s.length || META.includes(s[this.i + 2])))
        return void (this.i += 2);
      if (META.includes(s[this.i])) this.i++;
      else this.word();
    }
  }
}

/**
 * The reserved word at `i`: the characters up to a blank (JavaScript's \s), `;`, `&`, `|`, `(`, `)`, `<`, `>` or
 * the end, when they are one of KEYWORDS. What the sticky expression
 * `(if|…|in)(?=[\s;&|()<>]|$)` matched (a keyword holds none of those characters, so it is the whole run), read by
 * hand: the hook compiles an expression on its first runs, twice. shellKeyword.test.ts holds the two equal.
 */
export function keywordAt(s: string, i: number): string | undefined {
  let j = i;
  while (j < s.length && j - i <= KEYWORD_MAX && !endsWord(s.charCodeAt(j))) j++;
  if (j - i > KEYWORD_MAX || j === i) return undefined;
  const w = s.slice(i, j);
  return KEYWORDS.has(w) ? w : undefined;
}

/** `[\s;&|()<>]`: JavaScript's white space and line terminators, and the shell's operator characters. */
function endsWord(c: number): boolean {
  // ; & | ( ) < >
  return c === 0x3b || c === 0x26 || c === 0x7c || c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || isJsSpace(c);
}
