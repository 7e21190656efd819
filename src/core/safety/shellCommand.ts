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

/** The name a command is matched by: the basename (`/usr/bin/rm` → `rm`), without a Windows `.exe`. */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1).replace(/\.exe$/i, '');
}
