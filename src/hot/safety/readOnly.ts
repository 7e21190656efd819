/**
 * Programs F-MES knows to write no file (besides redirections, which are read apart): their arguments are not
 * reported as `maybe`. An entry is `true`, or a test of the arguments that says whether this call only reads
 * (`tsc --noEmit`); a call that fails it counts as an unknown program. Each entry is tested
 * (test/unit/core/safety/writers.test.ts). Programs with writing modes (sed -i, sort -o, find -delete, git
 * checkout) live in the writer table instead, which says what each mode writes.
 */
import type { Arg } from './writerArgs';

type ReadOnly = true | ((a: readonly Arg[]) => boolean);

const has = (a: readonly Arg[], ...flags: string[]): boolean => a.some((x) => flags.includes(x.v) || flags.some((f) => f.startsWith('--') && x.v.startsWith(f + '=')));

const NAMES = [
  // Reading and searching files.
  'cat', 'less', 'more', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'wc', 'diff', 'cmp', 'comm', 'ls', 'dir',
  'stat', 'file', 'du', 'df', 'md5sum', 'sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'b2sum', 'cksum', 'sum',
  'cut', 'tr', 'nl', 'rev', 'tac', 'column', 'fold', 'paste', 'join', 'expand', 'unexpand', 'od', 'hexdump', 'strings', 'jq',
  'tree', 'zcat', 'zless', 'zgrep', 'bzcat', 'xzcat',
  // Printing, testing, looking up.
  'echo', 'printf', 'test', '[', 'true', 'false', ':', 'which', 'whereis', 'type', 'realpath', 'readlink', 'basename', 'dirname',
  'pwd', 'date', 'whoami', 'id', 'hostname', 'uname', 'ps', 'sleep', 'seq', 'yes', 'env', 'printenv', 'nproc', 'uptime', 'tty',
  // Shell builtins that change the shell, not files.
  'export', 'local', 'declare', 'typeset', 'readonly', 'unset', 'set', 'shift', 'exit', 'return', 'wait', 'jobs', 'kill',
  'alias', 'unalias', 'hash', 'umask', 'ulimit', 'shopt', 'read', 'getopts', 'let', 'break', 'continue', 'cd', 'pushd', 'popd', 'dirs',
];

export const READ_ONLY: Readonly<Record<string, ReadOnly>> = {
  ...Object.fromEntries(NAMES.map((n) => [n, true as const])),
  // `command -v x` looks x up (the parser leaves `command` in place only then).
  command: (a) => has(a, '-v', '-V'),
  tsc: (a) => has(a, '--noEmit', '--help', '--version', '-v', '--showConfig'),
};
