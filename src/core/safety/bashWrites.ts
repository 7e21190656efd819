/**
 * Which files a Bash command would write, create, delete or move, so the PreToolUse hook can hold shell
 * writes to the same locks as the Edit and Write tools. Paths come back as written (`./src/x.ts`, `~/x`,
 * `/abs`): the caller resolves them against the command's cwd (and `~` against HOME).
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
 * - Not reported and not unknown: programs that write as their own business (build tools, test runners,
 *   formatters, `npm run`, `make`, `python script.py`, `./script.sh`): a project's own tooling is not an
 *   agent editing files around the locks, and counting it would make every build "unknown". Commands run in
 *   a container or over ssh write no path of ours.
 */
import { parseShell, programName, type SimpleCommand } from './shellWords';

export interface WrittenPaths {
  /** Paths as written, in order, without duplicates. */
  paths: string[];
  /** Something may be written that `paths` does not name. */
  unknown: boolean;
}

interface Arg {
  v: string;
  d: boolean;
}

/** What one command writes: paths, or that it cannot be told. */
interface Writes {
  paths: Arg[];
  unknown?: boolean;
  /** Relative paths are taken from another folder than the cwd (`git -C dir`). */
  moved?: boolean;
}

const NONE: Writes = { paths: [] };
const UNKNOWN: Writes = { paths: [], unknown: true };
const OUTPUT = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);
const DEVICES = /^\/dev\/(null|zero|full|random|urandom|tty|stdin|stdout|stderr|fd\/\d+)$/;
const CD = new Set(['cd', 'pushd', 'popd']);
/** Writers whose files come from an option (`sort -o f`), not from operands that xargs could append. */
const NAMED_BY_OPTION = new Set(['sort', 'curl', 'wget', 'dd', 'tar', 'patch']);

export function writtenPaths(src: string): WrittenPaths {
  const parse = parseShell(src);
  const paths = new Set<string>();
  let unknown = !parse.complete;
  let moved = false;
  for (const cmd of parse.commands) {
    if (cmd.remote) continue;
    const prog = cmd.argv.length > 0 ? programName(cmd.argv[0]) : '';
    if (CD.has(prog)) {
      moved = true;
      continue;
    }
    const w: Writes = { paths: [] };
    for (const r of cmd.redirects) {
      if (!OUTPUT.has(r.op) || ((r.op === '>&' || r.op === '<>') && /^(\d+|-)$/.test(r.target))) continue;
      w.paths.push({ v: r.target, d: !!r.dynamic });
    }
    const args = cmd.argv.slice(1).map((v, k) => ({ v, d: cmd.dynamic[k + 1] }));
    const writer = Object.hasOwn(WRITERS, prog) ? WRITERS[prog] : /^python[\d.]*$/.test(prog) ? python : undefined;
    const own = writer?.(args, cmd) ?? NONE;
    // `xargs rm`, `find -exec rm {} ;`: the operands only exist at run time.
    const fed = cmd.wrappers.some((x) => x === 'xargs' || x === 'find -exec');
    if (fed && (own.unknown || own.paths.length > 0 || (own !== NONE && !NAMED_BY_OPTION.has(prog)))) unknown = true;
    else {
      w.paths.push(...own.paths);
      if (own.unknown) unknown = true;
    }
    const relativeUnsafe = moved || !!cmd.chdir || !!own.moved;
    for (const p of w.paths) {
      if (p.d || p.v === '') unknown = true;
      else if (DEVICES.test(p.v)) continue;
      else if (relativeUnsafe && !p.v.startsWith('/') && !p.v.startsWith('~')) unknown = true;
      else paths.add(p.v);
    }
  }
  return { paths: [...paths], unknown };
}

/**
 * Splits arguments into options and operands (options may follow operands, as GNU tools allow). A letter in
 * `valueShort` or a name in `valueLong` takes a value: the rest of the cluster or the next argument.
 */
function operands(args: readonly Arg[], valueShort = '', valueLong: readonly string[] = []): { ops: Arg[]; opts: Map<string, Arg> } {
  const ops: Arg[] = [];
  const opts = new Map<string, Arg>();
  for (let i = 0; i < args.length; i++) {
    const x = args[i].v;
    if (x === '--') {
      ops.push(...args.slice(i + 1));
      break;
    }
    if (!x.startsWith('-') || x === '-') ops.push(args[i]);
    else if (x.startsWith('--')) {
      const eq = x.indexOf('=');
      if (eq > 0) opts.set(x.slice(0, eq), { v: x.slice(eq + 1), d: args[i].d });
      else opts.set(x, valueLong.includes(x) ? (args[++i] ?? { v: '', d: false }) : { v: '', d: false });
    } else {
      for (let k = 1; k < x.length; k++) {
        if (valueShort.includes(x[k])) {
          opts.set('-' + x[k], k < x.length - 1 ? { v: x.slice(k + 1), d: args[i].d } : (args[++i] ?? { v: '', d: false }));
          break;
        }
        opts.set('-' + x[k], { v: '', d: false });
      }
    }
  }
  return { ops, opts };
}

const all =
  (valueShort = '', valueLong: readonly string[] = []) =>
  (a: readonly Arg[]): Writes => ({ paths: operands(a, valueShort, valueLong).ops });

/** cp, ln, install, rsync: the destination is `-t DIR` or the last operand. */
const destination =
  (valueShort: string, valueLong: readonly string[] = []) =>
  (a: readonly Arg[]): Writes => {
    const { ops, opts } = operands(a, valueShort, ['--target-directory', ...valueLong]);
    const t = opts.get('-t') ?? opts.get('--target-directory');
    if (t) return { paths: [t] };
    return { paths: ops.length > 1 ? [ops[ops.length - 1]] : [] };
  };

/** A file named by an option (`sort -o f`, `curl -o f`). */
const optionFile = (opts: Map<string, Arg>, ...names: string[]): Arg[] =>
  names.flatMap((n) => {
    const v = opts.get(n);
    return v && v.v !== '-' && v.v !== '' ? [v] : [];
  });

type Writer = (a: readonly Arg[], cmd: SimpleCommand) => Writes;

const PACKAGE_LOCK: Record<string, string> = { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock', bun: 'bun.lock' };
const PACKAGE_CHANGE = new Set(['install', 'i', 'add', 'ci', 'update', 'up', 'upgrade', 'remove', 'rm', 'uninstall', 'un', 'unlink', 'link', 'dedupe', 'prune', 'audit']);

const WRITERS: Record<string, Writer> = {
  rm: all(),
  rmdir: all(),
  unlink: all(),
  shred: all('nsu'),
  touch: all('dtr'),
  mkdir: all('m', ['--mode']),
  mkfifo: all('m', ['--mode']),
  truncate: all('sr', ['--size', '--reference']),
  tee: all(),
  sponge: (a) => ({ paths: operands(a).ops.slice(0, 1) }),
  mv: (a) => {
    const { ops, opts } = operands(a, 'tS', ['--target-directory', '--suffix']);
    return { paths: [...ops, ...optionFile(opts, '-t', '--target-directory')] };
  },
  cp: destination('tS', ['--suffix']),
  ln: destination('tS', ['--suffix']),
  install: (a) => {
    const { ops, opts } = operands(a, 'mogSt', ['--mode', '--owner', '--group', '--suffix', '--target-directory']);
    return opts.has('-d') || opts.has('--directory') ? { paths: ops } : destination('mogSt', ['--mode', '--owner', '--group', '--suffix'])(a);
  },
  rsync: (a) => {
    const w = destination('eBfT', ['--rsh', '--filter', '--exclude', '--include', '--exclude-from', '--include-from', '--temp-dir'])(a);
    return { paths: w.paths.filter((p) => !/^[^/]*:/.test(p.v)) };
  },
  scp: (a) => {
    const w = destination('cFiJloPS')(a);
    return { paths: w.paths.filter((p) => !/^[^/]*:/.test(p.v)) };
  },
  chmod: (a) => {
    // A mode may look like an option (`chmod -x f`): the first argument that is not a known option is the mode.
    const rest = a.filter((x) => !/^(-[RcfvhHLP]+|--(recursive|changes|silent|quiet|verbose|no-dereference|dereference|preserve-root|no-preserve-root))$/.test(x.v));
    const reference = rest.some((x) => x.v.startsWith('--reference'));
    return { paths: rest.slice(reference ? 0 : 1).filter((x) => !x.v.startsWith('--')) };
  },
  chown: (a) => {
    const { ops, opts } = operands(a);
    return { paths: ops.slice(opts.has('--reference') ? 0 : 1) };
  },
  dd: (a) => ({ paths: a.filter((x) => x.v.startsWith('of=')).map((x) => ({ v: x.v.slice(3), d: x.d })) }),
  sed: (a) => inPlace(a, 'efl', ['--expression', '--file', '--line-length'], ['-e', '-f', '--expression', '--file']),
  perl: (a, cmd) => inPlace(a, 'eEMIx', [], ['-e', '-E'], cmd),
  ruby: (a, cmd) => inPlace(a, 'eIrC', [], ['-e'], cmd),
  node: (a, cmd) => interpreter(a, cmd, ['-e', '--eval', '-p', '--print']),
  nodejs: (a, cmd) => interpreter(a, cmd, ['-e', '--eval', '-p', '--print']),
  deno: (a, cmd) => (a[0]?.v === 'eval' ? UNKNOWN : interpreter(a, cmd, [])),
  php: (a, cmd) => interpreter(a, cmd, ['-r']),
  bash: (a, cmd) => interpreter(a, cmd, []),
  sh: (a, cmd) => interpreter(a, cmd, []),
  zsh: (a, cmd) => interpreter(a, cmd, []),
  dash: (a, cmd) => interpreter(a, cmd, []),
  awk: awk,
  gawk: awk,
  mawk: awk,
  patch: (a) => {
    const { ops, opts } = operands(a, 'iopdDBFgrVYzx', ['--input', '--output', '--directory', '--reject-file', '--prefix', '--suffix']);
    if (opts.has('--dry-run') || opts.has('-C')) return NONE;
    if (opts.has('-d') || opts.has('--directory')) return UNKNOWN;
    const out = optionFile(opts, '-o', '--output');
    if (out.length > 0) return { paths: out };
    return ops.length > 0 ? { paths: ops.slice(0, 1) } : UNKNOWN;
  },
  sort: (a) => ({ paths: optionFile(operands(a, 'kotST', ['--key', '--output', '--field-separator', '--buffer-size', '--temporary-directory']).opts, '-o', '--output') }),
  curl: (a) => {
    const { opts } = operands(a, 'AbcCdDeEFHKmorTuUwxXyYzQtP', ['--output', '--dump-header', '--cookie-jar', '--data', '--header', '--request', '--user', '--user-agent', '--form', '--config', '--output-dir', '--url']);
    if (opts.has('-O') || opts.has('--remote-name') || opts.has('--remote-name-all') || opts.has('--output-dir')) return UNKNOWN;
    return { paths: optionFile(opts, '-o', '--output', '-D', '--dump-header', '-c', '--cookie-jar') };
  },
  wget: (a) => {
    const { opts } = operands(a, 'OoaPeUtTwQiB', ['--output-document', '--output-file', '--append-output', '--directory-prefix', '--input-file', '--user-agent', '--tries', '--timeout', '--wait']);
    if (opts.has('--spider')) return NONE;
    const doc = opts.get('-O') ?? opts.get('--output-document');
    const log = optionFile(opts, '-o', '--output-file', '-a', '--append-output');
    if (doc) return { paths: [...(doc.v === '-' ? [] : [doc]), ...log] };
    return { paths: log, unknown: true };
  },
  tar: tar,
  unzip: (a) => {
    const { opts } = operands(a, 'dx');
    return ['-l', '-t', '-v', '-Z'].some((o) => opts.has(o)) ? NONE : UNKNOWN;
  },
  zip: (a) => ({ paths: operands(a, 'bnitx').ops.slice(0, 1) }),
  find: (a) => (a.some((x) => x.v === '-delete') ? UNKNOWN : NONE),
  git: git,
  npm: packages,
  pnpm: packages,
  yarn: packages,
  bun: packages,
};
WRITERS.chgrp = WRITERS.chown;

/** sed/perl/ruby: with `-i` the operands (after the script, unless it came with `-e`) are rewritten in place. */
function inPlace(a: readonly Arg[], valueLetters: string, valueLong: readonly string[], scriptOpts: readonly string[], cmd?: SimpleCommand): Writes {
  let inplace = false;
  const rest: Arg[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i].v;
    if (x.startsWith('--in-place')) inplace = true;
    else if (/^-[A-Za-z0-9]/.test(x)) {
      for (let k = 1; k < x.length; k++) {
        if (x[k] === 'i') {
          inplace = true;
          break;
        }
        if (valueLetters.includes(x[k])) break;
      }
    }
    rest.push(a[i]);
    // BSD sed: `-i ''`, the backup suffix as an argument of its own.
    if (x === '-i' && a[i + 1]?.v === '') i++;
  }
  const { ops, opts } = operands(rest, valueLetters.replace('i', ''), valueLong);
  const inline = scriptOpts.some((o) => opts.has(o));
  if (!inplace) return cmd && inline ? UNKNOWN : NONE;
  return { paths: inline ? ops : ops.slice(1) };
}

/** An interpreter running code given inline or on stdin (heredoc, here-string, pipe) may write anything. */
function interpreter(a: readonly Arg[], cmd: SimpleCommand, inlineFlags: readonly string[]): Writes {
  const { ops, opts } = operands(a, 'mWXOo');
  if (inlineFlags.some((f) => opts.has(f))) return UNKNOWN;
  if (opts.has('-m')) return NONE;
  const fromStdin = cmd.redirects.some((r) => r.op.startsWith('<<')) || cmd.pipedFrom.length > 0;
  if (ops.length === 0 || ops[0].v === '-') {
    // A shell fed a heredoc was parsed by shellWords: its commands are in the list already.
    const parsedShell = /sh$/.test(programName(cmd.argv[0])) && cmd.redirects.some((r) => r.op.startsWith('<<'));
    return fromStdin && !parsedShell ? UNKNOWN : NONE;
  }
  return NONE;
}

const python: Writer = (a, cmd) => interpreter(a, cmd, ['-c']);

function awk(a: readonly Arg[]): Writes {
  const { ops, opts } = operands(a, 'fvFiEl', ['--file', '--assign', '--field-separator', '--include', '--exec', '--load']);
  if (opts.get('-i')?.v === 'inplace' || opts.get('--include')?.v === 'inplace') return UNKNOWN;
  if (opts.has('-f') || opts.has('--file')) return NONE;
  const program = ops[0]?.v ?? '';
  return /\b(print|printf)\b[^;}]*>|system\s*\(|\|\s*"/.test(program) ? UNKNOWN : NONE;
}

/** `tar -czf out.tgz dir` writes out.tgz; extraction writes whatever the archive holds. */
function tar(a: readonly Arg[]): Writes {
  const first = a[0]?.v ?? '';
  // Old style: `tar czf out.tgz dir`, the first argument a letter cluster without a dash.
  const cluster = /^-?[A-Za-z]+$/.test(first) && !first.startsWith('--') ? first.replace(/^-/, '') : '';
  const long = (n: string): boolean => a.some((x) => x.v === n || x.v.startsWith(n + '='));
  if (cluster.includes('x') || long('--extract') || long('--get')) return UNKNOWN;
  if (!/[cru]/.test(cluster) && !long('--create') && !long('--append') && !long('--update')) return NONE;
  let next = 1;
  for (const letter of cluster) {
    if (!'fCTXbKgNV'.includes(letter)) continue;
    const v = a[next++];
    if (letter === 'f' && v) return { paths: v.v === '-' ? [] : [v] };
  }
  const { opts } = operands(cluster ? a.slice(1) : a, 'fCTXbK', ['--file', '--directory', '--files-from', '--exclude-from']);
  return { paths: optionFile(opts, '-f', '--file') };
}

const GIT_VALUE = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env'];
const GIT_TREE = new Set(['switch', 'merge', 'rebase', 'pull', 'cherry-pick', 'revert', 'am', 'stash', 'submodule', 'worktree', 'read-tree', 'checkout-index', 'bisect']);
/** Read-only forms of those (`git stash list`, `git worktree list`). */
const GIT_LOOK = new Set(['list', 'show', 'status', 'log', 'view', 'summary', 'foreach']);

function git(a: readonly Arg[]): Writes {
  let i = 0;
  let moved = false;
  for (; i < a.length && a[i].v.startsWith('-'); i++) {
    const x = a[i].v;
    if (x === '-C' || /^--(git-dir|work-tree)/.test(x)) moved = true;
    if (GIT_VALUE.includes(x)) i++;
  }
  const sub = a[i]?.v;
  const { ops, opts } = operands(a.slice(i + 1), 'bBsSoUm', ['--source', '--pathspec-from-file', '--conflict', '--orphan']);
  const dashdash = a.slice(i + 1).findIndex((x) => x.v === '--');
  const after = dashdash >= 0 ? a.slice(i + 2 + dashdash) : undefined;
  const w = ((): Writes => {
    switch (sub) {
      case 'rm':
        return opts.has('--cached') ? NONE : { paths: ops };
      case 'mv':
        return { paths: ops };
      case 'restore': {
        const staged = opts.has('--staged') || opts.has('-S');
        return staged && !opts.has('--worktree') && !opts.has('-W') ? NONE : { paths: ops };
      }
      case 'checkout':
        if (after) return { paths: after };
        if ((opts.has('-b') || opts.has('-B') || opts.has('--orphan')) && ops.length === 0) return NONE;
        if (ops.length === 0) return NONE;
        return ops.length === 1 && ops[0].v === '.' ? { paths: ops } : UNKNOWN;
      case 'reset':
        return opts.has('--hard') || opts.has('--merge') || opts.has('--keep') ? UNKNOWN : NONE;
      case 'clean':
        return opts.has('-n') || opts.has('--dry-run') ? NONE : UNKNOWN;
      case 'apply':
        return ['--cached', '--check', '--stat', '--numstat', '--summary'].some((f) => opts.has(f)) ? NONE : UNKNOWN;
      case 'clone':
        return ops.length > 1 ? { paths: ops.slice(1, 2) } : UNKNOWN;
      default:
        return sub !== undefined && GIT_TREE.has(sub) && !GIT_LOOK.has(ops[0]?.v ?? '') ? UNKNOWN : NONE;
    }
  })();
  return moved ? { ...w, moved: true } : w;
}

/** npm/pnpm/yarn/bun commands that change dependencies write the manifest, its lock file and node_modules. */
function packages(a: readonly Arg[], cmd: SimpleCommand): Writes {
  const prog = programName(cmd.argv[0]);
  const { ops, opts } = operands(a, 'wCF', ['--prefix', '--dir', '--cwd', '--workspace', '--filter', '--location']);
  if (opts.has('-g') || opts.has('--global') || opts.get('--location')?.v === 'global') return NONE;
  const sub = ops[0]?.v;
  // Bare `yarn`, `pnpm` and `bun` install.
  if (sub === undefined ? prog === 'npm' : !PACKAGE_CHANGE.has(sub)) return NONE;
  if (['--prefix', '--dir', '--cwd', '-C', '-w', '--workspace', '--filter', '-F', '-r', '--recursive'].some((o) => opts.has(o))) return UNKNOWN;
  if (sub === 'audit' && ops[1]?.v !== 'fix') return NONE;
  const files = sub === 'ci' ? ['node_modules'] : ['package.json', PACKAGE_LOCK[prog], 'node_modules'];
  return { paths: files.map((v) => ({ v, d: false })) };
}
