/**
 * Where each command of a parsed script runs, following the literal `cd DIR`/`pushd DIR`/`popd` before it in the
 * same script (`cd sub && touch a` touches `sub/a`). A folder is kept as written (`sub`, `../x`, `/dev`, `~/d`),
 * relative to the command's own cwd (''), for the caller to resolve as the kernel would. A `cd` that may fail
 * (`cd x; touch a`) leaves both places possible; a `cd` in a subshell, a pipeline stage, `$( )` or a background
 * job reaches no further than it; a `cd` whose folder cannot be read (`cd "$D"`, `cd -`) makes the place unknown.
 * Used by the written-path analysis (bashWrites.ts) and by the deny list for redirections (ruleMatch.ts).
 */
import { programName, type ShellScope, type SimpleCommand } from './shellWords';

/** The directories a shell may be in: '' is the command's own cwd; null: not known. */
export type Cwds = string[] | null;

interface CwdState {
  cwds: Cwds;
  /** Right after a `cd` in an and-or list, the commands `&&`-joined to it run only where it went. */
  certain?: { andOr: number; cwds: Cwds };
}

/** Wrapper labels that start a shell of their own (shellWrappers.ts): `bash -c`, a shell fed stdin, eval. */
const SCRIPT = /( -c|^eval|^ssh)$|^(sh|bash|zsh|dash|ksh|ash|mksh|yash|posh)$/;
/** Wrappers under which `cd` still runs in this shell (`builtin cd`, `time cd`); under any other it is a program. */
const IN_SHELL = new Set(['builtin', 'command', 'time', 'eval']);
/** At most this many possible directories are followed; past that, relative paths are unknown. */
const MAX_CWDS = 8;

export const isCd = (prog: string): boolean => prog === 'cd' || prog === 'pushd' || prog === 'popd';

/** Walks a parse's commands in order (`next` for each, remote ones skipped by the caller). */
export class CwdTracker {
  private readonly states = new Map<ShellScope | undefined, CwdState>();
  /** CDPATH or cdable_vars can send a relative `cd` elsewhere. */
  private readonly cdPath: boolean;

  constructor(src: string) {
    this.cdPath = src.includes('CDPATH') || src.includes('cdable_vars');
  }

  /** Where `cmd` (program `prog`) runs; a `cd`, `pushd` or `popd` then moves the shell it runs in. */
  next(cmd: SimpleCommand, prog: string): Cwds {
    const st = this.stateOf(cmd.scope);
    const cwds = effective(st, cmd.andOr ?? 0, cmd.conn);
    if (isCd(prog)) {
      changeDir(cmd, st, cwds, this.cdPath);
      // zsh (and bash with lastpipe) runs a pipeline's last stage in the shell itself.
      if (cmd.scope?.kind === 'lastStage') this.stateOf(cmd.scope.parent).cwds = null;
    }
    return cwds;
  }

  private stateOf(scope: ShellScope | undefined): CwdState {
    let st = this.states.get(scope);
    if (!st) {
      st = { cwds: scope === undefined ? [''] : effective(this.stateOf(scope.parent), scope.andOr, scope.conn) };
      this.states.set(scope, st);
    }
    return st;
  }
}

/** `dir/p` without collapsing `..`: through a symlinked dir, `..` is the link target's parent, as the kernel walks it. */
export function join(dir: string, p: string): string {
  if (dir === '' || p.startsWith('/') || p.startsWith('~')) return p;
  const rel = p.replace(/^(\.\/)+/, '');
  return rel === '' || rel === '.' ? dir : `${dir.replace(/\/+$/, '')}/${rel}`;
}

function effective(st: CwdState, andOr: number, conn: '&&' | '||' | undefined): Cwds {
  return st.certain && st.certain.andOr === andOr && conn !== '||' ? st.certain.cwds : st.cwds;
}

/** A `cd`/`pushd`/`popd`: where this shell may be afterwards. */
function changeDir(cmd: SimpleCommand, st: CwdState, before: Cwds, cdPath: boolean): void {
  const prog = programName(cmd.argv[0]);
  const dir = cdTarget(cmd, prog, cdPath);
  if (dir === undefined) return;
  const after: Cwds =
    dir === null || before === null
      ? null
      : before.map((c) => (dir.startsWith('/') || dir.startsWith('~') ? dir : join(c, dir)));
  st.certain = { andOr: cmd.andOr ?? 0, cwds: after };
  // The cd may fail (`cd /nonexistent; rm x` removes ./x): afterwards both places are possible.
  st.cwds = union(st.cwds, before, after);
}

/** The literal directory a cd goes to; null when it cannot be told; undefined when it does not change directory. */
function cdTarget(cmd: SimpleCommand, prog: string, cdPath: boolean): string | null | undefined {
  if (cmd.inFunction !== undefined) return null;
  // Wrappers inside the innermost shell (`bash -c 'nohup cd x'`) decide; those outside it (`nohup bash -c 'cd x'`) do not.
  for (let k = cmd.wrappers.length - 1; k >= 0 && !SCRIPT.test(cmd.wrappers[k]); k--) {
    if (!IN_SHELL.has(cmd.wrappers[k])) return null;
  }
  if (prog === 'popd') return null;
  const ops: number[] = [];
  let noChange = false;
  for (let k = 1; k < cmd.argv.length; k++) {
    const x = cmd.argv[k];
    if (x === '--') {
      for (let j = k + 1; j < cmd.argv.length; j++) ops.push(j);
      break;
    }
    if (/^-[LPe@n]+$/.test(x)) noChange ||= prog === 'pushd' && x.includes('n');
    else ops.push(k);
  }
  if (noChange) return undefined;
  if (ops.length !== 1 || cmd.dynamic[ops[0]]) return null;
  const dir = cmd.argv[ops[0]];
  if (dir === '' || dir === '-' || /^[+-]\d+$/.test(dir)) return null;
  // `cd link/..` is logical in bash (back where it started), physical for the kernel: ambiguous.
  const segs = dir.split('/');
  const named = segs.findIndex((x) => x !== '' && x !== '.' && x !== '..');
  if (named >= 0 && segs.indexOf('..', named) >= 0) return null;
  if (cdPath && !/^(\/|~|\.\.?(\/|$))/.test(dir)) return null;
  return dir;
}

function union(...sets: Cwds[]): Cwds {
  const out = new Set<string>();
  for (const s of sets) {
    if (s === null) return null;
    for (const c of s) out.add(c);
  }
  return out.size > MAX_CWDS ? null : [...out];
}
