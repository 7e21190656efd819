/**
 * The command level of the shell parser: lists, pipelines, compound commands, simple commands with their
 * assignments and redirections, heredocs, and the assembly of each SimpleCommand once its wrappers
 * (shellWrappers.ts) are stripped. Words come from ShellLexer; see shellWords.ts for what the parse promises.
 */

import { type Redirect, type ShellParse, type SimpleCommand } from './shellCommand';
import { ASSIGN, META, ShellLexer, type Word } from './shellLexer';
import { unwrap } from './shellWrappers';

/** Nesting of `bash -c`, `eval`, backticks… beyond which the parse gives up (and says so). */
const MAX_DEPTH = 8;

export function parseShell(src: string): ShellParse {
  const p = new Parser(src, 0, [], ROOT);
  p.list(null, []);
  return { commands: p.out, complete: p.complete };
}

/** What a command parsed from a string (`bash -c`, `eval`, a heredoc fed to a shell) takes from outside. */
interface Inherit {
  env: Record<string, string>;
  redirects: Redirect[];
  wrappers: string[];
  wrapperArgv: string[][];
  chdir: boolean;
  remote: boolean;
}

interface Draft extends Inherit {
  argv: string[];
  dynamic: boolean[];
  text: string;
}

interface Pending {
  redirect: Redirect;
  strip: boolean;
  expand: boolean;
  onBody?: (body: string) => void;
}

const ROOT: Inherit = { env: {}, redirects: [], wrappers: [], wrapperArgv: [], chdir: false, remote: false };
const KEYWORD = /(if|then|else|elif|fi|do|done|while|until|for|select|case|esac|function|\{|\}|!|\[\[|in)(?=[\s;&|()<>]|$)/y;
/** Keywords that only group commands: for finding commands they can be stepped over. */
const STEP_OVER = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'in', 'esac']);
const REDIRECT = /(\d*)(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/y;
const FUNC_PARENS = /\(\s*\)/y;

class Parser extends ShellLexer {
  fn: string | undefined;
  private pending: Pending[] = [];

  constructor(
    src: string,
    readonly depth: number,
    readonly out: SimpleCommand[],
    private readonly inherit: Inherit,
  ) {
    super(src);
  }

  /** Commands separated by operators and newlines, up to `end` (consumed when it is `)` or `}`). */
  list(end: ')' | '}' | 'case' | null, inherited: SimpleCommand[]): void {
    let pipe = inherited;
    let needCommand = false;
    for (;;) {
      this.skip(true);
      const s = this.src;
      if (this.i >= s.length) {
        if (end !== null || needCommand) this.complete = false;
        return;
      }
      const c = s[this.i];
      if (c === ')') {
        if (needCommand || end !== ')') this.complete = false;
        this.i++;
        if (end === ')') return;
        continue;
      }
      if (end === 'case' && (s.startsWith(';;', this.i) || s.startsWith(';&', this.i) || this.keyword() === 'esac')) return;
      if (end === '}' && this.keyword() === '}') {
        this.i++;
        return;
      }
      if (c === ';' || c === '|' || (c === '&' && s[this.i + 1] !== '>')) {
        // An operator where a command belongs: the shell would refuse the whole line.
        this.complete = false;
        this.i++;
        continue;
      }
      const before = this.out.length;
      this.command(pipe);
      this.skipBlanks();
      const op = this.op();
      pipe = op === '|' || op === '|&' ? [...pipe, ...this.out.slice(before)] : [];
      needCommand = op === '|' || op === '|&' || op === '&&' || op === '||';
      if (op === '\n') this.heredocBodies();
    }
  }

  private op(): string {
    const s = this.src;
    for (const o of ['&&', '||', '|&', '|', '\n']) {
      if (s.startsWith(o, this.i)) {
        this.i += o.length;
        return o;
      }
    }
    const c = s[this.i];
    const n = s[this.i + 1];
    if ((c === ';' && n !== ';' && n !== '&') || (c === '&' && n !== '>')) {
      this.i++;
      return c;
    }
    return '';
  }

  private command(pipe: SimpleCommand[]): void {
    const s = this.src;
    const kw = this.keyword();
    if (kw !== undefined && STEP_OVER.has(kw)) {
      this.i += kw.length;
      return;
    }
    switch (kw) {
      case '{':
        this.i++;
        return this.list('}', pipe);
      case '}':
        this.complete = false;
        this.i++;
        return;
      case 'for':
      case 'select':
        this.i += kw.length;
        this.skipBlanks();
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
      return this.list(')', pipe);
    }
    this.simple(pipe, true);
  }

  private keyword(): string | undefined {
    KEYWORD.lastIndex = this.i;
    return KEYWORD.exec(this.src)?.[1];
  }

  private functionBody(name: string): void {
    this.skip(true);
    const outer = this.fn;
    this.fn = name;
    this.command([]);
    this.fn = outer;
  }

  /** `case WORD in pattern) list ;; … esac`: only the lists hold commands; patterns may hold `)` and `|`. */
  private caseCommand(): void {
    const s = this.src;
    this.i += 4;
    this.skipBlanks();
    this.word();
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
      this.list('case', []);
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
      if (s.startsWith(']]', this.i) && (this.i + 2 >= s.length || META.includes(s[this.i + 2]))) return void (this.i += 2);
      if (META.includes(s[this.i])) this.i++;
      else this.word();
    }
  }

  /** A simple command: assignments, words and redirections, up to an operator. `emit: false` drops it. */
  private simple(pipe: SimpleCommand[], emit: boolean): void {
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
      REDIRECT.lastIndex = this.i;
      const r = REDIRECT.exec(s);
      if (r) {
        this.i = REDIRECT.lastIndex;
        this.skipBlanks();
        if (this.i >= s.length || (META.includes(s[this.i]) && s[this.i + 1] !== '(')) {
          this.complete = false;
          continue;
        }
        const w = this.word(true);
        const red: Redirect = { op: r[2], target: w.value };
        if (r[1]) red.fd = Number(r[1]);
        if (r[2] === '<<' || r[2] === '<<-') {
          const h: Pending = { redirect: red, strip: r[2] === '<<-', expand: !/['"\\]/.test(w.raw) };
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
      const a = words.length === 0 ? ASSIGN.exec(w.raw) : null;
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

  /** Strips wrappers until the real command shows, then records it (and what it runs, for `find -exec`). */
  private emit(d: Draft, pipe: SimpleCommand[], here: Pending[]): void {
    for (let guard = 0; guard < 32 && d.argv.length > 0; guard++) {
      if (d.dynamic[0]) {
        this.complete = false;
        break;
      }
      const step = unwrap(d.argv, parseShell);
      if (step === undefined) break;
      if (step.kind === 'incomplete') {
        this.complete = false;
        break;
      }
      const wrappers = [...d.wrappers, step.label];
      const wrapperArgv = [...d.wrapperArgv, d.argv];
      if (step.kind === 'script') {
        // The outer redirections apply to the script's commands: `bash -c 'psql' <<EOF` feeds psql.
        const inner: Inherit = { env: d.env, redirects: d.redirects, wrappers, wrapperArgv, chdir: d.chdir || !!step.chdir, remote: d.remote || !!step.remote };
        return this.nested(step.text, inner, pipe);
      }
      if (step.kind === 'find') {
        for (const [from, to] of step.groups) {
          this.emit({ ...d, argv: d.argv.slice(from, to), dynamic: d.dynamic.slice(from, to), redirects: [], wrappers, wrapperArgv }, pipe, []);
        }
        break;
      }
      if (step.kind === 'stdin') {
        const feed = [...d.redirects].reverse().find((r) => (r.fd ?? 0) === 0 && r.op.startsWith('<<'));
        if (feed) {
          const inner: Inherit = { env: d.env, redirects: d.redirects.filter((r) => r !== feed), wrappers, wrapperArgv, chdir: d.chdir, remote: d.remote };
          const h = here.find((p) => p.redirect === feed);
          if (h) h.onBody = (body) => this.nested(body, inner, pipe);
          else this.nested(feed.target, inner, pipe);
        }
        break;
      }
      d = {
        ...d,
        argv: step.argv ?? d.argv.slice(step.at),
        dynamic: step.argv ? step.argv.map((w) => w.includes('$')) : d.dynamic.slice(step.at),
        env: { ...d.env, ...step.env },
        wrappers,
        wrapperArgv,
        chdir: d.chdir || !!step.chdir,
        remote: d.remote || !!step.remote,
      };
    }
    const cmd: SimpleCommand = {
      argv: d.argv,
      env: d.env,
      redirects: d.redirects,
      text: d.text,
      dynamic: d.dynamic,
      wrappers: d.wrappers,
      wrapperArgv: d.wrapperArgv,
      pipedFrom: pipe,
    };
    if (d.chdir) cmd.chdir = true;
    if (d.remote) cmd.remote = true;
    if (this.fn !== undefined) cmd.inFunction = this.fn;
    this.out.push(cmd);
  }

  /** Parses `text` as a script of its own (a `bash -c` string, a backtick body, a heredoc fed to a shell). */
  private nested(text: string, inherit: Inherit, pipe: SimpleCommand[]): void {
    if (this.depth >= MAX_DEPTH) return void (this.complete = false);
    const p = new Parser(text, this.depth + 1, this.out, inherit);
    p.fn = this.fn;
    p.list(null, pipe);
    if (!p.complete) this.complete = false;
  }

  protected override parenthesized(): void {
    this.list(')', []);
  }

  protected override backtickScript(text: string): void {
    this.nested(text, ROOT, []);
  }

  /** Reads the bodies of the heredocs whose command line just ended. */
  private heredocBodies(): void {
    const s = this.src;
    const pending = this.pending;
    this.pending = [];
    for (const h of pending) {
      let body = '';
      while (this.i < s.length) {
        const nl = s.indexOf('\n', this.i);
        const line = s.slice(this.i, nl < 0 ? s.length : nl);
        this.i = nl < 0 ? s.length : nl + 1;
        const cmp = h.strip ? line.replace(/^\t+/, '') : line;
        if (cmp === h.redirect.target) break;
        body += cmp + '\n';
      }
      h.redirect.body = body;
      if (h.expand) {
        // An unquoted delimiter lets `$( )` in the body run.
        const p = new Parser(body, this.depth + 1, this.out, ROOT);
        p.doubleQuoted(null);
        if (!p.complete) this.complete = false;
      }
      h.onBody?.(body);
    }
  }

  /** Blanks and comments, and with `newlines` also newlines (reading pending heredoc bodies after each). */
  private skip(newlines: boolean): void {
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
