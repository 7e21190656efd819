/**
 * The simple-command level of the shell parser: assignments, words and redirections up to an operator, the
 * heredocs they open (bodies read once the command line ends), and the blanks and comments between commands.
 * Above it, shellCompound.ts reads compound commands and shellParser.ts lists, pipelines and the assembly of
 * each SimpleCommand (the abstract hooks below); words come from ShellLexer.
 */

import type { Redirect } from './shellCommand';
import { ASSIGN, META, ShellLexer, type Budget, type Word } from './shellLexer';
import type { Pipe } from './shellPipes';

/** What a command parsed from a string (`bash -c`, `eval`, a heredoc fed to a shell) takes from outside. */
export interface Inherit {
  env: Record<string, string>;
  redirects: Redirect[];
  wrappers: string[];
  wrapperArgv: string[][];
  chdir: boolean;
  remote: boolean;
}

export interface Draft extends Inherit {
  argv: string[];
  dynamic: boolean[];
  text: string;
}

export interface Pending {
  redirect: Redirect;
  strip: boolean;
  expand: boolean;
  onBody?: (body: string) => void;
}

/** A redirection operator with its descriptor number: the definition, which redirectAt reads by hand. */
export const REDIRECT = /(\d*)(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/y;
/** The characters a REDIRECT match can start with. */
export const REDIRECT_START = '0123456789<>&';
/** REDIRECT's operators in its order: at a position, the first of them that is there is the one it reads. */
const REDIRECT_OPS = ['&>>', '&>', '>>', '>|', '>&', '<<<', '<<-', '<<', '<>', '<&', '>', '<'];

/**
 * What the sticky REDIRECT matches at `i` (digits, then an operator; an operator never starts with a digit, so
 * giving digits back never helps), read by hand: the hook compiles a pattern on its first runs, twice.
 * shellKeyword.test.ts holds the two equal.
 */
export function redirectAt(s: string, i: number): { fd: string; op: string; end: number } | undefined {
  let j = i;
  while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
  const op = REDIRECT_OPS.find((o) => s.startsWith(o, j));
  return op === undefined ? undefined : { fd: s.slice(i, j), op, end: j + op.length };
}
export const FUNC_PARENS = /\(\s*\)/y;
/** `a[$(cmd)]=1`: an element assignment (its subscript's substitutions were parsed with the word). */
const ARRAY_ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)\[.*?\]\+?=/s;

export abstract class SimpleParser extends ShellLexer {
  private pending: Pending[] = [];

  constructor(
    src: string,
    budget: Budget,
    protected readonly inherit: Inherit,
  ) {
    super(src, budget);
  }

  /** The body of function `name`, whose `name()` simple() has just read (shellCompound.ts). */
  protected abstract functionBody(name: string): void;

  /** Records a simple command once its wrappers are stripped (shellParser.ts). */
  protected abstract emit(d: Draft, pipe: Pipe, here: Pending[]): void;

  /** Parses the `$( )` and backticks of an unquoted heredoc's body, which run (shellParser.ts). */
  protected abstract heredocExpansions(body: string): void;

  /** A simple command: assignments, words and redirections, up to an operator. `emit: false` drops it. */
  protected simple(pipe: Pipe, emit: boolean): void {
    const s = this.src;
    const start = this.i;
    let end = start;
    const words: Word[] = [];
    const env: Record<string, string> = {};
    const redirects: Redirect[] = [];
    const here: Pending[] = [];
    for (;;) {
      this.skipBlanks();
      const c = s[this.i];
      const n = s[this.i + 1];
      if (c === undefined || c === '\n' || c === ';' || c === ')' || c === '|' || (c === '&' && n !== '>')) break;
      if (c === '#') {
        this.skipComment();
        break;
      }
      if ((c === '<' || c === '>') && n === '(') {
        const w = this.word(true);
        words.push(w);
        end = this.i;
        continue;
      }
      // A redirection starts with a digit, `<`, `>` or `&`.
      const r = REDIRECT_START.includes(c) ? redirectAt(s, this.i) : undefined;
      if (r) {
        this.i = r.end;
        this.skipBlanks();
        // The target is a word; only `<(…)` / `>(…)` (process substitution) may start with a metacharacter.
        const t = s[this.i];
        if (this.i >= s.length || (META.includes(t) && !((t === '<' || t === '>') && s[this.i + 1] === '('))) {
          this.complete = false;
          continue;
        }
        const w = this.word(true);
        const red: Redirect = { op: r.op, target: w.value };
        if (r.fd) red.fd = Number(r.fd);
        if (r.op === '<<' || r.op === '<<-') {
          const h: Pending = { redirect: red, strip: r.op === '<<-', expand: !/['"\\]/.test(w.raw) };
          this.pending.push(h);
          here.push(h);
        } else if (w.dynamic) red.dynamic = true;
        redirects.push(red);
        end = this.i;
        continue;
      }
      if (c === '(') {
        FUNC_PARENS.lastIndex = this.i;
        if (words.length === 1 && redirects.length === 0 && FUNC_PARENS.test(s)) {
          this.i = FUNC_PARENS.lastIndex;
          return this.functionBody(words[0].value);
        }
        this.complete = false;
        this.i++;
        continue;
      }
      const w = this.word();
      end = this.i;
      const a = words.length === 0 && w.raw.includes('=') ? (ASSIGN.exec(w.raw) ?? ARRAY_ASSIGN.exec(w.raw)) : null;
      if (a) env[a[1]] = w.value.slice(w.value.indexOf('=') + 1);
      else words.push(w);
    }
    if (!emit || (words.length === 0 && redirects.length === 0 && Object.keys(env).length === 0)) return;
    const inh = this.inherit;
    const draft: Draft = {
      argv: words.map((w) => w.value),
      dynamic: words.map((w) => w.dynamic),
      env: { ...inh.env, ...env },
      redirects: [...redirects, ...inh.redirects],
      text: s.slice(start, end).trim(),
      wrappers: inh.wrappers,
      wrapperArgv: inh.wrapperArgv,
      chdir: inh.chdir,
      remote: inh.remote,
    };
    this.emit(draft, pipe, here);
  }

  /** Reads the bodies of the heredocs whose command line just ended. */
  protected heredocBodies(): void {
    const s = this.src;
    const pending = this.pending;
    this.pending = [];
    for (const h of pending) {
      let body = '';
      while (this.i < s.length) {
        this.tick();
        const nl = s.indexOf('\n', this.i);
        const line = s.slice(this.i, nl < 0 ? s.length : nl);
        this.i = nl < 0 ? s.length : nl + 1;
        const cmp = h.strip ? line.replace(/^\t+/, '') : line;
        if (cmp === h.redirect.target) break;
        body += cmp + '\n';
      }
      h.redirect.body = body;
      // An unquoted delimiter lets `$( )` in the body run.
      if (h.expand) this.heredocExpansions(body);
      h.onBody?.(body);
    }
  }

  /** Blanks and comments, and with `newlines` also newlines (reading pending heredoc bodies after each). */
  protected skip(newlines: boolean): void {
    for (;;) {
      this.skipBlanks();
      const c = this.src[this.i];
      if (c === '#') this.skipComment();
      else if (c === '\n' && newlines) {
        this.i++;
        if (this.pending.length > 0) this.heredocBodies();
      } else return;
    }
  }
}
