/**
 * The command level of the shell parser: lists, pipelines, compound commands, simple commands with their
 * assignments and redirections, heredocs, and the assembly of each SimpleCommand once its wrappers
 * (shellWrappers.ts) are stripped. Words come from ShellLexer; see shellWords.ts for what the parse promises.
 */

import {
  ShellLimitError,
  type Redirect,
  type ShellParse,
  type ShellParseOptions,
  type ShellScope,
  type SimpleCommand,
} from './shellCommand';
import { ASSIGN, META, ShellLexer, type Budget, type Word } from './shellLexer';
import { isolate, lazyPipedFrom, NO_PIPE, type Pipe } from './shellPipes';
import { unwrap } from './shellWrappers';

export { ShellLimitError } from './shellCommand';

/** Nesting of `bash -c`, `eval`, backticks… beyond which the parse gives up (and says so, with `complete: false`). */
const MAX_DEPTH = 8;
/** Input past this many UTF-16 units is refused: no command an agent means to run is this long. */
export const MAX_SIZE = 256 * 1024;

/**
 * The commands `src` would run. Throws ShellLimitError (and nothing else) when the input is too large, nests
 * too deep, or the parse runs past `options.deadline`: callers fail closed on it.
 */
export function parseShell(src: string, options: ShellParseOptions = {}): ShellParse {
  if (src.length > MAX_SIZE)
    throw new ShellLimitError('size', `the command is ${src.length} characters long; the limit is ${MAX_SIZE}`);
  if (options.deadline !== undefined && Date.now() > options.deadline)
    throw new ShellLimitError('time', 'the time budget for parsing was spent before it began');
  return parseWith(src, { nesting: 0, steps: 0, deadline: options.deadline, ids: 0 });
}

function parseWith(src: string, budget: Budget): ShellParse {
  const p = new Parser(src, 0, [], ROOT, budget, undefined);
  p.list(null, NO_PIPE);
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
const KEYWORD =
  /(if|then|else|elif|fi|do|done|while|until|for|select|case|esac|function|coproc|time|\{|\}|!|\[\[|in)(?=[\s;&|()<>]|$)/y;
/** What may follow `coproc NAME` or `time`: a compound command. */
const COMPOUND = new Set(['{', 'if', 'while', 'until', 'for', 'select', 'case', '[[', 'function', 'coproc', 'time']);
/** Keywords that only group commands: for finding commands they can be stepped over. */
const STEP_OVER = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'in', 'esac']);
/** Keywords a command must follow. */
const NEEDS_COMMAND = new Set(['!', 'if', 'then', 'else', 'elif', 'do', 'while', 'until']);
const REDIRECT = /(\d*)(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/y;
const FUNC_PARENS = /\(\s*\)/y;
/** `a[$(cmd)]=1`: an element assignment (its subscript's substitutions were parsed with the word). */
const ARRAY_ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)\[.*?\]\+?=/s;

class Parser extends ShellLexer {
  fn: string | undefined;
  private pending: Pending[] = [];
  /** The and-or list the commands being read belong to, and the operator before their pipeline. */
  private andOr = 0;
  private conn: '&&' | '||' | undefined;

  constructor(
    src: string,
    readonly depth: number,
    readonly out: SimpleCommand[],
    private readonly inherit: Inherit,
    budget: Budget,
    private scope: ShellScope | undefined,
  ) {
    super(src, budget);
  }

  /** Commands separated by operators and newlines, up to `end` (consumed when it is `)` or `}`). */
  list(end: ')' | '}' | 'case' | null, inherited: Pipe): void {
    const outer = { andOr: this.andOr, conn: this.conn };
    this.listBody(end, inherited);
    this.andOr = outer.andOr;
    this.conn = outer.conn;
  }

  private listBody(end: ')' | '}' | 'case' | null, inherited: Pipe): void {
    let pipe = inherited;
    /** This list's own stages array, once a `|` is seen here (the inherited one belongs to an outer list). */
    let stages: SimpleCommand[] | undefined;
    let inPipeline = false;
    let needCommand = false;
    let andOrStart = this.out.length;
    this.andOr = ++this.budget.ids;
    this.conn = undefined;
    for (;;) {
      this.skip(true);
      this.tick();
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
      if (end === 'case' && (s.startsWith(';;', this.i) || s.startsWith(';&', this.i) || this.keyword() === 'esac'))
        return;
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
      this.command(pipe, inPipeline);
      this.skipBlanks();
      const op = this.op();
      const piped = op === '|' || op === '|&';
      // Each stage of a pipeline runs in a subshell of its own (the last one maybe not: zsh, lastpipe).
      if (piped || inPipeline) this.isolate(before, piped ? 'stage' : 'lastStage');
      if (piped) {
        stages ??= pipe.stages.slice(0, pipe.n);
        for (let k = before; k < this.out.length; k++) stages.push(this.out[k]);
        pipe = { stages, n: stages.length };
      } else {
        stages = undefined;
        pipe = NO_PIPE;
      }
      inPipeline = piped;
      needCommand = piped || op === '&&' || op === '||';
      if (op === '&&' || op === '||') this.conn = op;
      else if (!piped) {
        if (op === '&') this.isolate(andOrStart, 'background');
        andOrStart = this.out.length;
        this.andOr = ++this.budget.ids;
        this.conn = undefined;
      }
      if (op === '\n') this.heredocBodies();
    }
  }

  /** Moves the commands emitted since `from` into a new scope of `kind` (see isolate in shellPipes.ts). */
  private isolate(from: number, kind: ShellScope['kind']): void {
    isolate(this.out, from, this.scope, kind);
  }

  /** Runs `read` in a new scope of `kind` (a subshell, `$( )`…), one level deeper. */
  private inScope(kind: ShellScope['kind'], read: () => void): void {
    const outer = this.scope;
    this.scope = { parent: outer, kind, andOr: this.andOr, conn: this.conn };
    this.enter();
    read();
    this.leave();
    this.scope = outer;
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

  private command(pipe: Pipe, afterPipe = false): void {
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

  private keyword(): string | undefined {
    KEYWORD.lastIndex = this.i;
    return KEYWORD.exec(this.src)?.[1];
  }

  private functionBody(name: string): void {
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

  /** A simple command: assignments, words and redirections, up to an operator. `emit: false` drops it. */
  private simple(pipe: Pipe, emit: boolean): void {
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
        // The target is a word; only `<(…)` / `>(…)` (process substitution) may start with a metacharacter.
        const t = s[this.i];
        if (this.i >= s.length || (META.includes(t) && !((t === '<' || t === '>') && s[this.i + 1] === '('))) {
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
      const a = words.length === 0 ? (ASSIGN.exec(w.raw) ?? ARRAY_ASSIGN.exec(w.raw)) : null;
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
  private emit(d: Draft, pipe: Pipe, here: Pending[]): void {
    for (let guard = 0; guard < 32 && d.argv.length > 0; guard++) {
      if (d.dynamic[0]) {
        this.complete = false;
        break;
      }
      const step = unwrap(d.argv, this.parseInner);
      if (step === undefined) break;
      if (step.kind === 'incomplete') {
        this.complete = false;
        break;
      }
      const wrappers = [...d.wrappers, step.label];
      const wrapperArgv = [...d.wrapperArgv, d.argv];
      if (step.kind === 'script') {
        // The outer redirections apply to the script's commands: `bash -c 'psql' <<EOF` feeds psql.
        const inner: Inherit = {
          env: d.env,
          redirects: d.redirects,
          wrappers,
          wrapperArgv,
          chdir: d.chdir || !!step.chdir,
          remote: d.remote || !!step.remote,
        };
        // `eval` runs in this shell (its `cd` stays); `bash -c`, ssh… in another.
        return this.nested(step.text, inner, pipe, step.label !== 'eval');
      }
      if (step.kind === 'find') {
        for (const [from, to] of step.groups) {
          this.emit(
            {
              ...d,
              argv: d.argv.slice(from, to),
              dynamic: d.dynamic.slice(from, to),
              redirects: [],
              wrappers,
              wrapperArgv,
            },
            pipe,
            [],
          );
        }
        break;
      }
      if (step.kind === 'stdin') {
        const feed = [...d.redirects].reverse().find((r) => (r.fd ?? 0) === 0 && r.op.startsWith('<<'));
        if (feed) {
          const inner: Inherit = {
            env: d.env,
            redirects: d.redirects.filter((r) => r !== feed),
            wrappers,
            wrapperArgv,
            chdir: d.chdir,
            remote: d.remote,
          };
          const h = here.find((p) => p.redirect === feed);
          if (h) h.onBody = (body) => this.nested(body, inner, pipe, true);
          else this.nested(feed.target, inner, pipe, true);
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
      pipedFrom: [],
      andOr: this.andOr,
    };
    if (pipe.n > 0) lazyPipedFrom(cmd, pipe);
    if (this.conn !== undefined) cmd.conn = this.conn;
    if (this.scope !== undefined) cmd.scope = this.scope;
    if (d.chdir) cmd.chdir = true;
    if (d.remote) cmd.remote = true;
    if (this.fn !== undefined) cmd.inFunction = this.fn;
    this.out.push(cmd);
  }

  /** For wrappers that split a string into words (`env -S`): a parse one level deeper, on this parse's budget. */
  private readonly parseInner = (text: string): ShellParse => {
    this.enter();
    const r = parseWith(text, this.budget);
    this.leave();
    return r;
  };

  /** Parses `text` as a script of its own (a `bash -c` string, a backtick body, a heredoc fed to a shell). */
  private nested(text: string, inherit: Inherit, pipe: Pipe, ownShell: boolean): void {
    if (this.depth >= MAX_DEPTH) return void (this.complete = false);
    this.enter();
    const scope: ShellScope | undefined = ownShell
      ? { parent: this.scope, kind: 'subshell', andOr: this.andOr, conn: this.conn }
      : this.scope;
    const p = new Parser(text, this.depth + 1, this.out, inherit, this.budget, scope);
    p.fn = this.fn;
    p.andOr = this.andOr;
    p.conn = this.conn;
    p.list(null, pipe);
    if (!p.complete) this.complete = false;
    this.leave();
  }

  protected override parenthesized(): void {
    this.inScope('subshell', () => this.list(')', NO_PIPE));
  }

  protected override backtickScript(text: string): void {
    this.nested(text, ROOT, NO_PIPE, true);
  }

  /** Reads the bodies of the heredocs whose command line just ended. */
  private heredocBodies(): void {
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
      if (h.expand) {
        // An unquoted delimiter lets `$( )` in the body run.
        this.enter();
        const p = new Parser(body, this.depth + 1, this.out, ROOT, this.budget, {
          parent: this.scope,
          kind: 'subshell',
          andOr: this.andOr,
          conn: this.conn,
        });
        p.doubleQuoted(null);
        if (!p.complete) this.complete = false;
        this.leave();
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
