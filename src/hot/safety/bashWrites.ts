/**
 * Which files a Bash command would write, create, delete or move, so the PreToolUse hook can hold shell
 * writes to the same locks as the Edit and Write tools. Paths come back as written (`./src/x.ts`, `~/x`,
 * `/abs`), joined to the directory a literal `cd DIR`/`pushd DIR` earlier in the command moved to (`cd sub &&
 * touch a` → `sub/a`; `..` is kept as written, for the caller to resolve as the kernel would): the caller
 * resolves them against the command's cwd (and `~` against HOME). A `cd` that may fail (`cd x; touch a`)
 * leaves both places possible, and both are reported; a `cd` in a subshell, a pipeline stage, `$( )` or a
 * background job reaches no further than it. The writer table (writers.ts, writersMore.ts) and the table of
 * read-only programs (readOnly.ts) are data, each entry tested.
 *
 * Policy (what counts, and when the answer is `unknown: true`, which the hook turns into "ask" while other
 * agents hold locks):
 * - Reported: output redirections (`>`, `>>`, `>|`, `&>`, `<>`, `>&file`; not fd duplications like `2>&1`, nor
 *   /dev/null and friends) and the file operands of commands whose job is to change files: rm, rmdir, unlink,
 *   shred, touch, mkdir, mkfifo, truncate, tee, sponge, mv (source and destination), cp/ln/install/rsync/scp
 *   (destination), chmod/chown/chgrp, dd `of=`, sed/perl/ruby `-i`, patch, sort `-o`, curl/wget output files,
 *   zip and tar archives being created, git rm/mv/checkout/restore paths.
 * - npm/pnpm/yarn/bun install, add, remove, update, ci…: `package.json`, its lock file and `node_modules` (the
 *   seeds' example of a race: one agent edits package.json while another runs npm install). Global installs
 *   write nothing here; `--prefix`, `--dir`, workspaces and filters are unknown.
 * - Unknown: an incomplete parse; a target with an expansion or a glob (`$OUT`, `*.log`); a relative path after
 *   `cd`/`pushd`/`popd` or under a wrapper that changed directory (`env -C`, `git -C`); inline code for an
 *   interpreter (`python -c`, `node -e`, `perl -e`, a heredoc or pipe into python/node/bash) since that code
 *   was written to do something the tools would otherwise see; writers fed by `xargs` or `find -exec`, and
 *   `find -delete`; git commands that rewrite the work tree (checkout of a branch, switch, reset --hard, merge,
 *   rebase, pull, stash, clean, cherry-pick, revert, am, apply); archive extraction; downloads named by URL.
 * - `maybe`: for a program in neither table (`make`, `./script.sh`, `7z`…), every non-option operand and every
 *   `--opt=value` value, which may name a file it writes: the hook refuses when one names a locked path, and
 *   nothing more (counting them as unknown would make every build "unknown"). Commands run in a container or
 *   over ssh write no path of ours.
 */
import { parseShell, programName, type ShellParse, type ShellParseOptions } from './shellWords';
import { writesFile } from './shellCommand';
import { CwdTracker, isCd, join, type Cwds } from './shellCwds';
import { READ_ONLY } from './readOnly';
import { NONE, type Arg } from './writerArgs';
import { python, WRITERS } from './writers';

export interface WrittenPaths {
  /** Paths as written (joined to a literal `cd` target), in order, without duplicates. */
  paths: string[];
  /** Something may be written that `paths` does not name. */
  unknown: boolean;
  /** Arguments of programs F-MES does not know (in neither table) that may name files they write. */
  maybe: string[];
}

const DEVICES = /^\/dev\/(null|zero|full|random|urandom|tty|stdin|stdout|stderr|fd\/\d+)$/;
/** Writers whose files come from an option (`sort -o f`), not from operands that xargs could append. */
const NAMED_BY_OPTION = new Set(['sort', 'curl', 'wget', 'dd', 'tar', 'patch']);

/** `parsed`: the parse of `src` with `options` when the caller has it already. */
export function writtenPaths(src: string, options: ShellParseOptions = {}, parsed?: ShellParse): WrittenPaths {
  const parse = parsed ?? parseShell(src, options);
  const paths = new Set<string>();
  const maybe = new Set<string>();
  let unknown = !parse.complete;
  const where = new CwdTracker(src);
  for (const cmd of parse.commands) {
    if (cmd.remote) continue;
    const prog = cmd.argv.length > 0 ? programName(cmd.argv[0]) : '';
    const cwds = where.next(cmd, prog);
    if (isCd(prog)) continue;
    const w: Arg[] = [];
    for (const r of cmd.redirects) {
      if (!writesFile(r)) continue;
      w.push({ v: r.target, d: !!r.dynamic });
    }
    const args = cmd.argv.slice(1).map((v, k) => ({ v, d: cmd.dynamic[k + 1] }));
    const writer = Object.hasOwn(WRITERS, prog) ? WRITERS[prog] : /^python[\d.]*$/.test(prog) ? python : undefined;
    const own = writer?.(args, cmd) ?? NONE;
    // `xargs rm`, `find -exec rm {} ;`: the operands only exist at run time.
    const fed = cmd.wrappers.some((x) => x === 'xargs' || x === 'find -exec');
    if (fed && (own.unknown || own.paths.length > 0 || (own !== NONE && !NAMED_BY_OPTION.has(prog)))) unknown = true;
    else {
      for (const p of own.paths) w.push(p);
      if (own.unknown) unknown = true;
    }
    const here: Cwds = cmd.chdir || own.moved ? null : cwds;
    for (const p of w) {
      if (p.d || p.v === '') unknown = true;
      else if (!DEVICES.test(p.v) && !place(p.v, here, paths)) unknown = true;
    }
    if (!writer && prog !== '' && !cmd.dynamic[0] && !readOnly(prog, args)) {
      for (const a of maybeArgs(args)) place(a, here, maybe);
    }
  }
  for (const p of paths) maybe.delete(p);
  return { paths: [...paths], unknown, maybe: [...maybe] };
}

function readOnly(prog: string, args: readonly Arg[]): boolean {
  const r = Object.hasOwn(READ_ONLY, prog) ? READ_ONLY[prog] : undefined;
  return r === true || (r !== undefined && r(args));
}

/** What an unknown program may write: its operands and the values of its `--opt=value` options. */
function maybeArgs(args: readonly Arg[]): string[] {
  const out: string[] = [];
  let operandsOnly = false;
  for (const a of args) {
    if (a.d || a.v === '') continue;
    if (operandsOnly || !a.v.startsWith('-') || a.v === '-') {
      if (a.v !== '-') out.push(a.v);
    } else if (a.v === '--') operandsOnly = true;
    else if (a.v.startsWith('--') && a.v.includes('=')) out.push(a.v.slice(a.v.indexOf('=') + 1));
  }
  return out.filter((v) => v !== '' && !DEVICES.test(v));
}

/** Adds `p` as seen from each possible cwd; false when a relative path meets an unknown cwd. */
function place(p: string, cwds: Cwds, into: Set<string>): boolean {
  if (p.startsWith('/') || p.startsWith('~')) {
    into.add(p);
    return true;
  }
  if (cwds === null) return false;
  for (const c of cwds) into.add(join(c, p));
  return true;
}
