/**
 * What the shell parser reports, and how a command is named. A leaf module so that the lexer, the parser
 * and the wrapper tables can share it without importing one another in a circle; callers use shellWords.ts.
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

const OUTPUT = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);

/**
 * The redirection writes the file it names: an output operator, and not a descriptor duplicated or closed
 * (`2>&1`, `>&-`, which name no file). What the written-path analysis and the deny list's redirection rules read.
 */
export function writesFile(r: Redirect): boolean {
  if (!OUTPUT.has(r.op)) return false;
  if (r.op !== '>&' && r.op !== '<>') return true;
  const t = r.target;
  if (t === '-') return false;
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) < 0x30 || t.charCodeAt(i) > 0x39) return true;
  return t === '';
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
  /** The shell environment it runs in (absent: the top-level shell): a `cd` there reaches no further. */
  scope?: ShellScope;
  /** Which and-or list (`a && b || c`) at its own level holds it: an id shared by the commands of that list. */
  andOr?: number;
  /** The operator before its pipeline in that and-or list: it runs only if what came before succeeded (`&&`) or failed (`||`). */
  conn?: '&&' | '||';
}

/**
 * A shell environment of its own: a subshell `( )`, `$( )`, backticks, `<( )`, a pipeline stage, a background
 * job, a coproc, or another shell (`bash -c`, ssh). Identity matters, not content; `andOr`/`conn` say where in
 * its parent it started, as for a command.
 */
export interface ShellScope {
  parent: ShellScope | undefined;
  /** `lastStage`: the last stage of a pipeline, which zsh (and bash with lastpipe) runs in the shell itself. */
  kind: 'subshell' | 'stage' | 'lastStage' | 'background';
  andOr: number;
  conn: '&&' | '||' | undefined;
}

export interface ShellParse {
  commands: SimpleCommand[];
  complete: boolean;
}

/** Bounds of one parse: past them it throws ShellLimitError rather than risk a stack overflow or a stalled hook. */
export interface ShellParseOptions {
  /** A `Date.now()` time past which the parse stops with ShellLimitError('time'). */
  deadline?: number;
}

/** The input is larger (`size`), nests deeper (`depth`) or takes longer (`time`) than the parser allows. */
export class ShellLimitError extends Error {
  override readonly name = 'ShellLimitError';
  constructor(
    readonly reason: 'size' | 'depth' | 'time',
    message: string,
  ) {
    super(message);
  }

  static is(e: unknown, reason?: ShellLimitError['reason']): e is ShellLimitError {
    return e instanceof ShellLimitError && (reason === undefined || e.reason === reason);
  }
}

/** The name a command is matched by: the basename (`/usr/bin/rm` → `rm`), without a Windows `.exe`. */
export function programName(word: string): string {
  const base = word.slice(word.lastIndexOf('/') + 1);
  // What `.replace(/\.exe$/i, '')` did, by hand: the hook compiles an expression on its first runs, twice.
  const n = base.length;
  return n >= 4 &&
    base.charCodeAt(n - 4) === 0x2e &&
    (base.charCodeAt(n - 3) | 0x20) === 0x65 &&
    (base.charCodeAt(n - 2) | 0x20) === 0x78 &&
    (base.charCodeAt(n - 1) | 0x20) === 0x65
    ? base.slice(0, -4)
    : base;
}
