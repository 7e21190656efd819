/**
 * The command level of the shell parser: lists, pipelines and the scopes they make, the assembly of each
 * SimpleCommand once its wrappers (shellWrappers.ts) are stripped, and the scripts nested in strings (`bash -c`,
 * `eval`, backticks, heredocs). Parser extends CompoundParser (shellCompound.ts: compound commands), which
 * extends SimpleParser (shellSimple.ts: simple commands, redirections, heredocs), which extends ShellLexer
 * (words). See shellWords.ts for what the parse promises.
 */

import {
  ShellLimitError,
  type ShellParse,
  type ShellParseOptions,
  type ShellScope,
  type SimpleCommand,
} from './shellCommand';
import { CompoundParser } from './shellCompound';
import type { Budget } from './shellLexer';
import { isolate, lazyPipedFrom, NO_PIPE, type Pipe } from './shellPipes';
import { redirectAt, type Draft, type Inherit, type Pending } from './shellSimple';
import { unwrap } from './shellWrappers';

/** Keywords that may follow a compound command: they go on with, or close, an enclosing one. */
const GOES_ON = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);

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

const ROOT: Inherit = { env: {}, redirects: [], wrappers: [], wrapperArgv: [], chdir: false, remote: false };

class Parser extends CompoundParser {
  /** The and-or list the commands being read belong to, and the operator before their pipeline. */
  private andOr = 0;
  private conn: '&&' | '||' | undefined;

  constructor(
    src: string,
    readonly depth: number,
    override readonly out: SimpleCommand[],
    inherit: Inherit,
    budget: Budget,
    private scope: ShellScope | undefined,
  ) {
    super(src, budget, inherit);
  }

  /** Commands separated by operators and newlines, up to `end` (consumed when it is `)` or `}`). */
  override list(end: ')' | '}' | 'case' | null, inherited: Pipe): void {
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
      const start = this.i;
      this.command(pipe, inPipeline);
      this.skipBlanks();
      if (this.closedCompound(start) && this.strayWord()) this.complete = false;
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

  /** The command read from `start` up to here ended a compound one: `( … )`, `{ …; }`, `[[ … ]]`, `fi`, `done`, `esac`. */
  private closedCompound(start: number): boolean {
    const s = this.src;
    const text = s.slice(start, this.i).trimEnd();
    return (
      (s[start] === '(' && text.endsWith(')')) ||
      (s[start] === '{' && text.endsWith('}')) ||
      (text.startsWith('[[') && text.endsWith(']]')) ||
      text === 'fi' ||
      text === 'done' ||
      text === 'esac'
    );
  }

  /**
   * A word right after a compound command (`( a ) b`, `{ a; } b`, `fi x`, `[[ a ]] b`): the shell refuses the
   * whole line. Not a keyword that goes on with an enclosing compound (`if ( a ) then`), nor a redirection of it
   * (`( a ) 2>f`).
   */
  private strayWord(): boolean {
    const c = this.src[this.i];
    if (c === undefined || '\n;&|)#<>'.includes(c)) return false;
    // A redirection with its descriptor number (`2>f`, `3<&0`): the same pattern simple commands read them with.
    if (redirectAt(this.src, this.i)) return false;
    const kw = this.keyword();
    return kw === undefined || !GOES_ON.has(kw);
  }

  /** Moves the commands emitted since `from` into a new scope of `kind` (see isolate in shellPipes.ts). */
  protected override isolate(from: number, kind: ShellScope['kind']): void {
    isolate(this.out, from, this.scope, kind);
  }

  /** Runs `read` in a new scope of `kind` (a subshell, `$( )`…), one level deeper. */
  protected override inScope(kind: ShellScope['kind'], read: () => void): void {
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

  /** Strips wrappers until the real command shows, then records it (and what it runs, for `find -exec`). */
  protected override emit(d: Draft, pipe: Pipe, here: Pending[]): void {
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

  protected override heredocExpansions(body: string): void {
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
}
