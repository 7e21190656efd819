/**
 * The writer table: for each program whose job is to change files, which of its arguments it writes. Each
 * entry is tested (test/unit/core/safety/writers.test.ts). Programs here or in readOnly.ts are "known"; any
 * other program's file-like arguments are reported as `maybe` by bashWrites.ts.
 */
import { programName, type SimpleCommand } from './shellCommand';
import {
  all,
  destination,
  NONE,
  operands,
  optionFile,
  UNKNOWN,
  type Arg,
  type Writer,
  type Writes,
} from './writerArgs';
import { MORE_WRITERS, sedScriptWrites } from './writersMore';
import { dictionary } from '../dictionary';

const PACKAGE_LOCK: Record<string, string> = {
  npm: 'package-lock.json',
  pnpm: 'pnpm-lock.yaml',
  yarn: 'yarn.lock',
  bun: 'bun.lock',
};
const PACKAGE_CHANGE = new Set([
  'install',
  'i',
  'add',
  'ci',
  'update',
  'up',
  'upgrade',
  'remove',
  'rm',
  'uninstall',
  'un',
  'unlink',
  'link',
  'dedupe',
  'prune',
  'audit',
]);

const CORE = dictionary<Writer>({
  __proto__: null,
  rm: all(),
  rmdir: all(),
  unlink: all(),
  shred: all('ns', ['--iterations', '--size', '--random-source']),
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
  ln: (a) => {
    // A hard link makes the source writable under another name: both count.
    const { ops, opts } = operands(a, 'tS', ['--target-directory', '--suffix']);
    const dest = destination('tS', ['--suffix'])(a);
    if (opts.has('-s') || opts.has('--symbolic')) return dest;
    const toDir = optionFile(opts, '-t', '--target-directory').length > 0;
    // `ln SRC` links SRC into the cwd under its own name.
    const sources = toDir || ops.length === 1 ? ops : ops.slice(0, -1);
    const here = !toDir && ops.length === 1 ? [{ v: ops[0].v.slice(ops[0].v.lastIndexOf('/') + 1), d: ops[0].d }] : [];
    return { paths: [...sources, ...dest.paths, ...here] };
  },
  install: (a) => {
    const { ops, opts } = operands(a, 'mogSt', ['--mode', '--owner', '--group', '--suffix', '--target-directory']);
    return opts.has('-d') || opts.has('--directory')
      ? { paths: ops }
      : destination('mogSt', ['--mode', '--owner', '--group', '--suffix'])(a);
  },
  rsync: (a) => {
    const value = ['--rsh', '--filter', '--exclude', '--include', '--exclude-from', '--include-from', '--temp-dir'];
    const w = destination('eBfT', value)(a);
    const { ops, opts } = operands(a, 'eBfT', value);
    // `--remove-source-files` deletes what it sent.
    const sources = opts.has('--remove-source-files') ? ops.slice(0, -1) : [];
    return { paths: [...sources, ...w.paths].filter((p) => !/^[^/]*:/.test(p.v)) };
  },
  scp: (a) => {
    const w = destination('cFiJloPS')(a);
    return { paths: w.paths.filter((p) => !/^[^/]*:/.test(p.v)) };
  },
  chmod: (a) => {
    // A mode may look like an option (`chmod -x f`): the first argument that is not a known option is the mode.
    const rest = a.filter(
      (x) =>
        !/^(-[RcfvhHLP]+|--(recursive|changes|silent|quiet|verbose|no-dereference|dereference|preserve-root|no-preserve-root))$/.test(
          x.v,
        ),
    );
    const reference = rest.some((x) => x.v.startsWith('--reference'));
    return { paths: rest.slice(reference ? 0 : 1).filter((x) => !x.v.startsWith('--')) };
  },
  chown: (a) => {
    const { ops, opts } = operands(a);
    return { paths: ops.slice(opts.has('--reference') ? 0 : 1) };
  },
  dd: (a) => ({ paths: a.filter((x) => x.v.startsWith('of=')).map((x) => ({ v: x.v.slice(3), d: x.d })) }),
  sed: sed,
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
    const { ops, opts } = operands(a, 'iopdDBFgrVYzx', [
      '--input',
      '--output',
      '--directory',
      '--reject-file',
      '--prefix',
      '--suffix',
    ]);
    if (opts.has('--dry-run') || opts.has('-C')) return NONE;
    if (opts.has('-d') || opts.has('--directory')) return UNKNOWN;
    const out = optionFile(opts, '-o', '--output');
    if (out.length > 0) return { paths: out };
    return ops.length > 0 ? { paths: ops.slice(0, 1) } : UNKNOWN;
  },
  sort: (a) => ({
    paths: optionFile(
      operands(a, 'kotST', ['--key', '--output', '--field-separator', '--buffer-size', '--temporary-directory']).opts,
      '-o',
      '--output',
    ),
  }),
  curl: (a) => {
    const { opts } = operands(a, 'AbcCdDeEFHKmorTuUwxXyYzQtP', [
      '--output',
      '--dump-header',
      '--cookie-jar',
      '--data',
      '--header',
      '--request',
      '--user',
      '--user-agent',
      '--form',
      '--config',
      '--output-dir',
      '--url',
    ]);
    if (opts.has('-O') || opts.has('--remote-name') || opts.has('--remote-name-all') || opts.has('--output-dir'))
      return UNKNOWN;
    return { paths: optionFile(opts, '-o', '--output', '-D', '--dump-header', '-c', '--cookie-jar') };
  },
  wget: (a) => {
    const { opts } = operands(a, 'OoaPeUtTwQiB', [
      '--output-document',
      '--output-file',
      '--append-output',
      '--directory-prefix',
      '--input-file',
      '--user-agent',
      '--tries',
      '--timeout',
      '--wait',
    ]);
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
  find: (a) => {
    if (a.some((x) => x.v === '-delete')) return UNKNOWN;
    // `-fprint FILE` and friends write FILE.
    const out = a.filter((_x, k) => k > 0 && /^-f(print0?|printf|ls)$/.test(a[k - 1].v));
    return out.length > 0 ? { paths: out } : NONE;
  },
  git: git,
  npm: packages,
  pnpm: packages,
  yarn: packages,
  bun: packages,
});
CORE.chgrp = CORE.chown;

/** sed/perl/ruby: with `-i` the operands (after the script, unless it came with `-e`) are rewritten in place. */
function inPlace(
  a: readonly Arg[],
  valueLetters: string,
  valueLong: readonly string[],
  scriptOpts: readonly string[],
  cmd?: SimpleCommand,
): Writes {
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

export const python: Writer = (a, cmd) => interpreter(a, cmd, ['-c']);

function awk(a: readonly Arg[]): Writes {
  const { ops, opts } = operands(a, 'fvFiEl', [
    '--file',
    '--assign',
    '--field-separator',
    '--include',
    '--exec',
    '--load',
  ]);
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
  const { opts } = operands(cluster ? a.slice(1) : a, 'fCTXbK', [
    '--file',
    '--directory',
    '--files-from',
    '--exclude-from',
  ]);
  return { paths: optionFile(opts, '-f', '--file') };
}

const GIT_VALUE = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env'];
const GIT_TREE = new Set([
  'switch',
  'merge',
  'rebase',
  'pull',
  'cherry-pick',
  'revert',
  'am',
  'stash',
  'submodule',
  'worktree',
  'read-tree',
  'checkout-index',
  'bisect',
]);
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
  const { ops, opts } = operands(a.slice(i + 1), 'bBsSoUm', [
    '--source',
    '--pathspec-from-file',
    '--conflict',
    '--orphan',
  ]);
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
  if (
    ['--prefix', '--dir', '--cwd', '-C', '-w', '--workspace', '--filter', '-F', '-r', '--recursive'].some((o) =>
      opts.has(o),
    )
  )
    return UNKNOWN;
  if (sub === 'audit' && ops[1]?.v !== 'fix') return NONE;
  const files = sub === 'ci' ? ['node_modules'] : ['package.json', PACKAGE_LOCK[prog], 'node_modules'];
  return { paths: files.map((v) => ({ v, d: false })) };
}

/** Every known writer: the core file tools here, editors, compressors, formatters and databases in writersMore.ts. */
export const WRITERS: Readonly<Record<string, Writer>> = dictionary<Writer>({
  __proto__: null,
  ...CORE,
  ...MORE_WRITERS,
});

/** sed: `-i` rewrites its operands; a script's `w FILE` writes FILE, and its `e` runs a command (unknown). */
function sed(a: readonly Arg[]): Writes {
  const w = inPlace(a, 'efl', ['--expression', '--file', '--line-length'], ['-e', '-f', '--expression', '--file']);
  const scripts: Arg[] = [];
  let fromFile = false;
  let firstOperand: Arg | undefined;
  for (let i = 0; i < a.length; i++) {
    const x = a[i].v;
    if (x === '-e' || x === '--expression') scripts.push(a[++i] ?? { v: '', d: false });
    else if (x.startsWith('--expression=')) scripts.push({ v: x.slice(13), d: a[i].d });
    else if (x === '-f' || x === '--file' || x.startsWith('--file=')) fromFile = true;
    else if (/^-[A-Za-z]+$/.test(x) && /[ef]/.test(x)) {
      const k = x.search(/[ef]/);
      if (x[k] === 'f') fromFile = true;
      else scripts.push(k < x.length - 1 ? { v: x.slice(k + 1), d: a[i].d } : (a[++i] ?? { v: '', d: false }));
    } else if (!x.startsWith('-') && firstOperand === undefined) firstOperand = a[i];
  }
  if (scripts.length === 0 && firstOperand) scripts.push(firstOperand);
  const paths = [...w.paths];
  // A script read from a file may hold `w` or `e`.
  let unknown = !!w.unknown || fromFile;
  for (const s of scripts) {
    const r = sedScriptWrites(s.v);
    if (s.d || r.unknown) unknown = true;
    for (const f of r.files) paths.push({ v: f, d: false });
  }
  return unknown ? { paths, unknown } : { paths };
}
