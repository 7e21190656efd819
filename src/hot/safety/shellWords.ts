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
 * `bash -c` without its string, scripts nested deeper than MAX_DEPTH (shellParser.ts). Callers then ask rather than allow.
 *
 * Limits: past MAX_SIZE characters, MAX_NESTING levels of nesting (every construct that recurses counts) or the
 * caller's deadline, parseShell throws ShellLimitError and nothing else: no input reaches a JS stack overflow,
 * and the work is linear in the input. The hook turns the error into a deny.
 *
 * The work is split by level: shellLexer.ts reads words, shellSimple.ts simple commands and heredocs,
 * shellCompound.ts compound commands, shellParser.ts lists and pipelines and assembles each command,
 * shellWrappers.ts looks through wrappers, shellCommand.ts holds the result types. This module is the entry
 * point the safety checks import.
 */

export {
  programName,
  ShellLimitError,
  type Redirect,
  type ShellParse,
  type ShellParseOptions,
  type ShellScope,
  type SimpleCommand,
} from './shellCommand';
export { MAX_SIZE, parseShell } from './shellParser';
export { MAX_NESTING } from './shellLexer';
