/**
 * A best-effort POSIX/bash parser for the command safety checks (the PreToolUse hook): it finds every
 * simple command a string would run, including those inside `$( )`, backticks, subshells, function bodies,
 * `bash -c '…'`, `eval`, `find -exec`, `xargs`, `sudo`/`env`/`timeout`… wrappers, `docker exec`, `ssh`, and a
 * shell fed a heredoc. It never runs or expands anything: an expansion stays as written (`$HOME`, `$(pwd)`)
 * and is flagged `dynamic`.
 *
 * Hand-written rather than `shell-quote`: that package flattens `$( )`, subshells and heredocs into
 * operator tokens (so their commands would still have to be found by a second parser), knows no `$'…'` or
 * line continuations, and expands variables unless told not to. What the checks need is the command
 * structure and an honest "could not see through this" (`complete: false`), which a tokenizer cannot give.
 *
 * `complete` is false for what the shell would reject or wait on (unbalanced quotes or brackets, a dangling
 * `|`) and for what this parser cannot see through: a command name that is an expansion (`$CMD x`, `eval $X`),
 * `bash -c` without its string, nesting deeper than MAX_DEPTH. Callers then ask rather than allow.
 */

export interface Redirect {
  /** `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `<>`, `<&`, `>&`, `<<`, `<<-` or `<<<`. */
  op: string;
  /** The file descriptor written before the operator (`2>`). */
  fd?: number;
  /** The file, the duplicated descriptor (`2>&1` → `1`), the heredoc's delimiter, or the here-string. */
  target: string;
  /** A heredoc's body. */
  body?: string;
  /** The target holds an expansion or a glob that the shell resolves at run time. */
  dynamic?: boolean;
}

export interface SimpleCommand {
  /** The words after quote removal, wrappers stripped; argv[0] as written (`/usr/bin/rm`): see programName. */
  argv: string[];
  /** `NAME=value` prefixes, and those set by wrappers (`env X=1`, `sudo X=1`). */
  env: Record<string, string>;
  redirects: Redirect[];
  /** The source text of the simple command (with its wrappers), for messages. */
  text: string;
  /** Per argv entry: it holds an expansion (`$X`, `$(…)`) or an unquoted glob, so the run-time word differs. */
  dynamic: boolean[];
  /** Wrappers stripped to reach argv, outermost first (`sudo`, `bash -c`, `xargs`, `find -exec`). */
  wrappers: string[];
  /** The words of each wrapper level, parallel to `wrappers` (`['ssh', 'prod', 'rm x']`), so rules can be about a wrapper. */
  wrapperArgv: string[][];
  /** The commands before this one in its pipeline: its stdin is their output. */
  pipedFrom: SimpleCommand[];
  /** A wrapper changed the working directory (`env -C`, `sudo -D`, `sudo -i`). */
  chdir?: boolean;
  /** It runs in a container or on another host (`docker exec`, `kubectl exec`, `ssh`): its paths are not ours. */
  remote?: boolean;
  /** The name of the function whose body holds this command. */
  inFunction?: string;
}

export interface ShellParse {
  commands: SimpleCommand[];
  complete: boolean;
}

/** Nesting of `bash -c`, `eval`, backticks… beyond which the parse gives up (and says so). */
const MAX_DEPTH = 8;

export function parseShell(src: string): ShellParse {
  const p = new Parser(src, 0, [], ROOT);
  p.list(null, []);
  return { commands: p.out, complete: p.complete };
}

/** The name a command is matched by: the basename (`/usr/bin/rm` → `rm`), without a Windows `.exe`. */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1).replace(/\.exe$/i, '');
}

interface Word {
  value: string;
  dynamic: boolean;
  raw: string;
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
const META = ' \t\n;&|()<>';
const KEYWORD = /(if|then|else|elif|fi|do|done|while|until|for|select|case|esac|function|\{|\}|!|\[\[|in)(?=[\s;&|()<>]|$)/y;
/** Keywords that only group commands: for finding commands they can be stepped over. */
const STEP_OVER = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'in', 'esac']);
const REDIRECT = /(\d*)(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/y;
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;
const FUNC_PARENS = /\(\s*\)/y;
const GLOB = /[*?]|\[[^\]]*\]|\{[^{}]*(,|\.\.)[^{}]*\}/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

class Parser {
  i = 0;
  complete = true;
  fn: string | undefined;
  private pending: Pending[] = [];

  constructor(
    readonly src: string,
    readonly depth: number,
    readonly out: SimpleCommand[],
    private readonly inherit: Inherit,
  ) {}

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

  /** Skips `((…))` (skipFirst 2) or `$((…))` (skipFirst 3) from its start. */
  private arithmetic(skipFirst: number): void {
    const s = this.src;
    let depth = 2;
    this.i += skipFirst;
    while (this.i < s.length && depth > 0) {
      if (s[this.i] === '(') depth++;
      else if (s[this.i] === ')') depth--;
      this.i++;
    }
    if (depth > 0) this.complete = false;
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
      const step = unwrap(d.argv);
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

  /** One shell word with quotes removed. Expansions stay as written and make it `dynamic`. */
  private word(procSubst = false): Word {
    const s = this.src;
    const start = this.i;
    let value = '';
    let unquoted = '';
    let dynamic = false;
    if (procSubst && (s[this.i] === '<' || s[this.i] === '>') && s[this.i + 1] === '(') {
      this.i += 2;
      this.list(')', []);
      return { value: s.slice(start, this.i), dynamic: true, raw: s.slice(start, this.i) };
    }
    while (this.i < s.length) {
      const c = s[this.i];
      if (META.includes(c)) {
        // `a=(1 2)`: an array assignment keeps its parentheses.
        if (c === '(' && /^[A-Za-z_]\w*\+?=$/.test(s.slice(start, this.i))) {
          const from = this.i;
          this.i++;
          this.list(')', []);
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
      } else if (c === '$') {
        const r = this.dollar(false);
        value += r.value;
        dynamic ||= r.dynamic;
      } else if (c === '`') {
        value += this.backtick();
        dynamic = true;
      } else {
        value += c;
        unquoted += c;
        this.i++;
      }
    }
    return { value, dynamic: dynamic || GLOB.test(unquoted), raw: s.slice(start, this.i) };
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
      } else if (c === '$') {
        const r = this.dollar(true);
        value += r.value;
        dynamic ||= r.dynamic;
      } else if (c === '`') {
        value += this.backtick();
        dynamic = true;
      } else {
        value += c;
        this.i++;
      }
    }
    if (term !== null) this.complete = false;
    return { value, dynamic };
  }

  private dollar(inQuotes: boolean): { value: string; dynamic: boolean } {
    const s = this.src;
    const start = this.i;
    const n = s[this.i + 1];
    if (n === '(') {
      if (s[this.i + 2] === '(') this.arithmetic(3);
      else {
        this.i += 2;
        this.list(')', []);
      }
      return { value: s.slice(start, this.i), dynamic: true };
    }
    if (n === '{') {
      this.i += 2;
      this.braced();
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
          v += String.fromCodePoint(parseInt(m[0], base));
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
    this.nested(inner, ROOT, []);
    return s.slice(start, this.i);
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

  private skipBlanks(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && s[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  private skipComment(): void {
    const nl = this.src.indexOf('\n', this.i);
    this.i = nl < 0 ? this.src.length : nl;
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

type Step =
  | { kind: 'skip'; label: string; at: number; argv?: string[]; env?: Record<string, string>; chdir?: boolean; remote?: boolean }
  | { kind: 'script'; label: string; text: string; chdir?: boolean; remote?: boolean }
  | { kind: 'find'; label: string; groups: [number, number][] }
  | { kind: 'stdin'; label: string }
  | { kind: 'incomplete' };

interface Options {
  next: number;
  /** Every option seen: whole long names and each short letter as `-x`, with its value when it takes one. */
  seen: Map<string, string>;
}

/** Steps over options: letters in `valueShort` and names in `valueLong` take a value (attached or next). */
function options(a: readonly string[], from: number, valueShort: string, valueLong: readonly string[] = []): Options {
  const seen = new Map<string, string>();
  let i = from;
  while (i < a.length) {
    const x = a[i];
    if (x === '--') return { next: i + 1, seen };
    if (!x.startsWith('-') || x === '-') break;
    i++;
    if (x.startsWith('--')) {
      const eq = x.indexOf('=');
      if (eq > 0) seen.set(x.slice(0, eq), x.slice(eq + 1));
      else if (valueLong.includes(x)) seen.set(x, a[i++] ?? '');
      else seen.set(x, '');
      continue;
    }
    for (let k = 1; k < x.length; k++) {
      if (valueShort.includes(x[k])) {
        seen.set('-' + x[k], k < x.length - 1 ? x.slice(k + 1) : (a[i++] ?? ''));
        break;
      }
      seen.set('-' + x[k], '');
    }
  }
  return { next: i, seen };
}

function assignments(a: readonly string[], from: number): { next: number; env: Record<string, string> } {
  const env: Record<string, string> = {};
  let i = from;
  for (let m; i < a.length && (m = ASSIGN.exec(a[i])); i++) env[m[1]] = a[i].slice(a[i].indexOf('=') + 1);
  return { next: i, env };
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'posh']);
/** Wrappers that run the rest of their arguments: [option letters with a value, long options with a value]. */
const PLAIN: Record<string, [string, string[]]> = {
  nohup: ['', []],
  builtin: ['', []],
  setsid: ['', []],
  exec: ['a', []],
  time: ['fo', ['--format', '--output']],
  nice: ['n', ['--adjustment']],
  ionice: ['cnpPu', ['--class', '--classdata', '--pid', '--pgid', '--uid']],
  stdbuf: ['ioe', ['--input', '--output', '--error']],
  doas: ['uC', []],
  chronic: ['', []],
};
const SUDO_VALUE: [string, string[]] = [
  'ugCDhprtTUR',
  ['--user', '--group', '--close-from', '--chdir', '--host', '--prompt', '--role', '--type', '--command-timeout', '--other-user', '--chroot'],
];
const XARGS_VALUE: [string, string[]] = ['adEILnPs', ['--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars', '--process-slot-var']];
const SSH_VALUE = 'bcDEeFIiJLlmOopQRSWw';
const DOCKER_EXEC_VALUE: [string, string[]] = ['euw', ['--env', '--env-file', '--user', '--workdir', '--detach-keys', '--index']];

/** One unwrapping step for a command whose program is a wrapper, or undefined when it is the real command. */
function unwrap(a: readonly string[]): Step | undefined {
  const prog = programName(a[0]);
  const plain = Object.hasOwn(PLAIN, prog) ? PLAIN[prog] : undefined;
  if (plain) {
    const o = options(a, 1, ...plain);
    return o.next < a.length ? { kind: 'skip', label: prog, at: o.next } : undefined;
  }
  switch (prog) {
    case 'command': {
      const o = options(a, 1, '');
      // `command -v x` only looks x up.
      return o.seen.has('-v') || o.seen.has('-V') || o.next >= a.length ? undefined : { kind: 'skip', label: prog, at: o.next };
    }
    case 'sudo': {
      const o = options(a, 1, ...SUDO_VALUE);
      if (o.seen.has('-e') || o.seen.has('--edit')) return undefined;
      const e = assignments(a, o.next);
      const chdir = o.seen.has('-D') || o.seen.has('--chdir') || o.seen.has('-i') || o.seen.has('--login');
      return e.next < a.length ? { kind: 'skip', label: prog, at: e.next, env: e.env, chdir } : undefined;
    }
    case 'env': {
      const o = options(a, 1, 'uCS', ['--unset', '--chdir', '--split-string']);
      const e = assignments(a, o.next);
      const chdir = o.seen.has('-C') || o.seen.has('--chdir');
      const split = o.seen.get('-S') ?? o.seen.get('--split-string');
      if (split !== undefined) {
        const words = parseShell(split).commands[0]?.argv ?? [];
        return { kind: 'skip', label: prog, at: 0, argv: [...words, ...a.slice(e.next)], env: e.env, chdir };
      }
      return e.next < a.length ? { kind: 'skip', label: prog, at: e.next, env: e.env, chdir } : undefined;
    }
    case 'timeout': {
      const o = options(a, 1, 'sk', ['--signal', '--kill-after']);
      return o.next + 1 < a.length ? { kind: 'skip', label: prog, at: o.next + 1 } : undefined;
    }
    case 'xargs': {
      const o = options(a, 1, ...XARGS_VALUE);
      return o.next < a.length ? { kind: 'skip', label: prog, at: o.next } : { kind: 'skip', label: prog, at: 0, argv: ['echo'] };
    }
    case 'busybox':
      return a.length > 1 ? { kind: 'skip', label: prog, at: 1 } : undefined;
    case 'eval':
      return a.length > 1 ? { kind: 'script', label: prog, text: a.slice(1).join(' ') } : undefined;
    case 'find':
      return findExec(a);
    case 'ssh': {
      const o = options(a, 1, SSH_VALUE);
      const rest = a.slice(o.next + 1);
      return rest.length > 0 ? { kind: 'script', label: prog, text: rest.join(' '), remote: true } : undefined;
    }
    case 'docker':
    case 'podman':
      return containerExec(a, prog);
    case 'kubectl': {
      const dd = a.indexOf('--');
      return a.includes('exec') && dd > 0 && dd + 1 < a.length ? { kind: 'skip', label: 'kubectl exec', at: dd + 1, remote: true } : undefined;
    }
  }
  return SHELLS.has(prog) ? shell(a, prog) : undefined;
}

/** `bash [options] -c STRING`, combined flags (`-lc`, `-ec`) and `-o opt` included; no script: stdin. */
function shell(a: readonly string[], prog: string): Step | undefined {
  let i = 1;
  let c = false;
  while (i < a.length) {
    const x = a[i];
    if (x === '--' || x === '-') {
      i++;
      break;
    }
    if (/^[-+]{1,2}(o|O|rcfile|init-file)$/.test(x)) i += 2;
    else if (x.startsWith('--')) i++;
    else if (/^[-+][A-Za-z]+$/.test(x)) {
      if (x[0] === '-' && x.includes('c')) c = true;
      i += /[oO]$/.test(x) ? 2 : 1;
    } else break;
  }
  if (c) return i < a.length ? { kind: 'script', label: `${prog} -c`, text: a[i] } : { kind: 'incomplete' };
  return i < a.length ? undefined : { kind: 'stdin', label: prog };
}

function findExec(a: readonly string[]): Step | undefined {
  const groups: [number, number][] = [];
  for (let i = 1; i < a.length; i++) {
    if (!/^-(exec|execdir|ok|okdir)$/.test(a[i])) continue;
    let j = i + 1;
    while (j < a.length && a[j] !== ';' && a[j] !== '+') j++;
    if (j >= a.length) return { kind: 'incomplete' };
    if (j > i + 1) groups.push([i + 1, j]);
    i = j;
  }
  return groups.length > 0 ? { kind: 'find', label: 'find -exec', groups } : undefined;
}

/** `docker exec [opts] CONTAINER cmd…` and `docker compose exec [opts] SERVICE cmd…`. */
function containerExec(a: readonly string[], prog: string): Step | undefined {
  const at = a[1] === 'exec' ? 2 : a[1] === 'compose' && a[2] === 'exec' ? 3 : -1;
  if (at < 0) return undefined;
  const o = options(a, at, ...DOCKER_EXEC_VALUE);
  return o.next + 1 < a.length ? { kind: 'skip', label: `${prog} exec`, at: o.next + 1, remote: true } : undefined;
}
