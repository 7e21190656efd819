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
 * `bash -c` without its string, nesting deeper than MAX_DEPTH (shellParser.ts). Callers then ask rather than allow.
 *
 * The work is split by level: shellLexer.ts reads words, shellParser.ts reads commands and assembles them,
 * shellWrappers.ts looks through wrappers, shellCommand.ts holds the result types. This module is the entry
 * point the safety checks import.
 */

export { programName, type Redirect, type ShellParse, type SimpleCommand } from './shellCommand';
export { parseShell } from './shellParser';
