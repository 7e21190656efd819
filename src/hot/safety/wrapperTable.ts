/**
 * The wrappers that run another command, as data (shellWrappers.ts reads it): for each, the options that take
 * a value (so the value is not mistaken for the command), the operands before the command (`chroot DIR`,
 * `chrt PRIO`), the options that carry a shell string (`su -c`, `flock -c`), and those after which nothing
 * runs (`taskset -p`). Each entry is tested with a dangerous command inside (test/unit/core/safety/wrapperTable.test.ts).
 */
import { dictionary } from '../dictionary';

export interface WrapperSpec {
  /** Short option letters that take a value (attached or the next word). */
  short?: string;
  /** Long options that take the next word as value (`--user root`; `--user=root` needs no entry). */
  long?: readonly string[];
  /** Operands between the options and the command: `chroot DIR cmd`, `taskset MASK cmd`, `flock FILE cmd`. */
  operands?: number;
  /** Options whose value is a shell string it runs (`su -c 'cmd'`), looked for anywhere in the arguments. */
  script?: readonly string[];
  /** Options that mean no command runs (`taskset -p PID`, `at -l`). */
  none?: readonly string[];
  /** The command words are joined into one shell string (`watch`, `sg`, `tmux new-window`, `parallel`). */
  join?: boolean;
  /** Options that turn `join` off: the words are run as they are (`watch -x`). */
  exec?: readonly string[];
  /** A command follows only when one of these options is present (`runuser -u USER cmd`; plain `runuser USER` is a login). */
  needs?: readonly string[];
  /** The command is read from stdin when no option names it (`at`, `batch`). */
  stdin?: boolean;
}

const TIMEOUT: WrapperSpec = { short: 'sk', long: ['--signal', '--kill-after'], operands: 1 };
const SU: WrapperSpec = {
  short: 'sgGcwC',
  long: ['--shell', '--group', '--supp-group', '--command', '--session-command', '--whitelist-environment'],
  script: ['-c', '--command', '--session-command'],
  none: ['*'],
};
const UV: WrapperSpec = {
  short: 'pw',
  long: [
    '--with',
    '--python',
    '--directory',
    '--project',
    '--env-file',
    '--extra',
    '--group',
    '--package',
    '--from',
    '--index',
    '--spec',
    '--with-requirements',
  ],
};
const NPX: WrapperSpec = { short: 'pc', long: ['--package', '--call', '-c'], script: ['-c', '--call'] };

/** Keyed by program name, or `program subcommand` (`npm exec`) where the wrapper is a subcommand. */
export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = dictionary<WrapperSpec>({
  __proto__: null,
  nohup: {},
  builtin: {},
  setsid: {},
  chronic: {},
  exec: { short: 'a' },
  time: { short: 'fo', long: ['--format', '--output'] },
  nice: { short: 'n', long: ['--adjustment'] },
  ionice: { short: 'cnpPu', long: ['--class', '--classdata', '--pid', '--pgid', '--uid'] },
  stdbuf: { short: 'ioe', long: ['--input', '--output', '--error'] },
  doas: { short: 'uC' },
  timeout: TIMEOUT,
  gtimeout: TIMEOUT,
  busybox: {},
  toybox: {},
  su: SU,
  runuser: { ...SU, short: 'ugGcw', long: [...SU.long!, '--user'], none: undefined, needs: ['-u', '--user'] },
  pkexec: { long: ['--user'] },
  chroot: { long: ['--userspec', '--groups'], operands: 1 },
  unshare: {
    short: 'SGRwC',
    long: ['--setuid', '--setgid', '--root', '--wd', '--setgroups', '--kill-child', '--map-user', '--map-group'],
  },
  nsenter: { short: 'tSG', long: ['--target', '--setuid', '--setgid'] },
  setpriv: {
    long: [
      '--reuid',
      '--regid',
      '--groups',
      '--inh-caps',
      '--ambient-caps',
      '--bounding-set',
      '--securebits',
      '--pdeathsig',
      '--selinux-label',
      '--apparmor-profile',
      '--landlock-access',
      '--landlock-rule',
      '--seccomp-filter',
      '--ruid',
      '--euid',
      '--rgid',
      '--egid',
    ],
  },
  sg: { operands: 1, script: ['-c'], join: true },
  flock: {
    short: 'wEc',
    long: ['--timeout', '--wait', '--conflict-exit-code', '--command'],
    script: ['-c', '--command'],
    operands: 1,
  },
  watch: { short: 'nq', long: ['--interval', '--equexit'], join: true, exec: ['-x', '--exec'] },
  script: {
    short: 'cEIOBTm',
    long: [
      '--command',
      '--echo',
      '--log-in',
      '--log-out',
      '--log-io',
      '--log-timing',
      '--logging-format',
      '--output-limit',
    ],
    script: ['-c', '--command'],
    none: ['*'],
  },
  strace: { short: 'eoOpPsSuaIbEX', long: ['--output', '--attach', '--user', '--signal', '--trace', '--env'] },
  ltrace: { short: 'aeflnopsuxALF', long: ['--output', '--library', '--config'] },
  'systemd-run': {
    short: 'pEHMu',
    long: [
      '--unit',
      '--property',
      '--description',
      '--slice',
      '--setenv',
      '--working-directory',
      '--uid',
      '--gid',
      '--nice',
      '--host',
      '--machine',
      '--on-active',
      '--on-boot',
      '--on-startup',
      '--on-unit-active',
      '--on-unit-inactive',
      '--on-calendar',
      '--timer-property',
      '--path-property',
      '--socket-property',
      '--service-type',
    ],
  },
  'systemd-inhibit': { long: ['--what', '--who', '--why', '--mode'] },
  taskset: { operands: 1, none: ['-p', '--pid'] },
  numactl: {
    short: 'mNCipw',
    long: ['--membind', '--cpunodebind', '--physcpubind', '--interleave', '--preferred', '--weighted-interleave'],
  },
  chrt: {
    short: 'TPD',
    long: ['--sched-runtime', '--sched-period', '--sched-deadline'],
    operands: 1,
    none: ['-p', '--pid'],
  },
  cpulimit: { short: 'lpe', long: ['--limit', '--pid', '--exe', '--cpu'] },
  firejail: {},
  fakeroot: { short: 'lsib', long: ['--lib', '--faked'] },
  proot: { short: 'rRbwqkm', long: ['--rootfs', '--bind', '--cwd', '--qemu', '--kernel-release', '--mount'] },
  'xvfb-run': {
    short: 'nsfepl',
    long: ['--server-num', '--server-args', '--auth-file', '--error-file', '--xauth-protocol'],
  },
  'dbus-run-session': { long: ['--config-file', '--dbus-daemon'] },
  'nix-shell': {
    short: 'pAI',
    long: ['--run', '--command', '--packages', '--attr', '--arg', '--argstr', '--include'],
    script: ['--run', '--command'],
    none: ['*'],
  },
  'direnv exec': { operands: 1 },
  'poetry run': {},
  'pipenv run': {},
  'pdm run': {},
  'hatch run': {},
  'rye run': {},
  'pixi run': {},
  'uv run': UV,
  'uv tool run': UV,
  uvx: UV,
  'pipx run': { long: ['--spec', '--python', '--index-url'] },
  'conda run': { short: 'np', long: ['--name', '--prefix', '--cwd'] },
  'mamba run': { short: 'np', long: ['--name', '--prefix', '--cwd'] },
  'micromamba run': { short: 'np', long: ['--name', '--prefix', '--cwd'] },
  'bundle exec': {},
  npx: NPX,
  pnpx: NPX,
  bunx: NPX,
  'npm exec': NPX,
  'npm x': NPX,
  'pnpm exec': NPX,
  'pnpm dlx': NPX,
  'yarn dlx': NPX,
  'yarn exec': NPX,
  'bun x': NPX,
  'tmux new-session': { short: 'cefFnstxy', join: true },
  'tmux new': { short: 'cefFnstxy', join: true },
  'tmux new-window': { short: 'ceFnst', join: true },
  'tmux neww': { short: 'ceFnst', join: true },
  'tmux split-window': { short: 'celFpt', join: true },
  'tmux splitw': { short: 'celFpt', join: true },
  'tmux respawn-pane': { short: 'cet', join: true },
  'tmux respawn-window': { short: 'cet', join: true },
  'tmux run-shell': { short: 'dct', join: true },
  'tmux run': { short: 'dct', join: true },
  'tmux display-popup': { short: 'bcdehsStTwxy', join: true },
  'tmux popup': { short: 'bcdehsStTwxy', join: true },
  'tmux send-keys': { short: 'NtX', join: true },
  'tmux send': { short: 'NtX', join: true },
  screen: { short: 'SceLhpTt', long: [] },
  at: { short: 'qftM', stdin: true, none: ['-f', '-l', '-r', '-d', '-c', '--list'] },
  batch: { short: 'qftM', stdin: true, none: ['-f'] },
  sshpass: { short: 'pfdP' },
  rlwrap: {
    short: 'bCfFgHlOoPpsSt',
    long: ['--break-chars', '--command-name', '--file', '--history-filename', '--logfile', '--prompt-colour'],
  },
  unbuffer: {},
  caffeinate: { short: 'tw' },
  torsocks: { short: 'uapP' },
  proxychains: { short: 'f' },
  proxychains4: { short: 'f' },
  faketime: { short: 'f', operands: 1 },
  valgrind: {},
  catchsegv: {},
  gosu: { operands: 1 },
  'su-exec': { operands: 1 },
  setuidgid: { operands: 1 },
  cgexec: { short: 'g' },
  'dumb-init': {},
  tini: { short: 'sepl' },
  'aws-vault exec': { operands: 1 },
  'op run': { long: ['--env-file'] },
  'doppler run': { short: 'pc', long: ['--project', '--config', '--command'], script: ['--command'] },
  dotenv: { short: 'ecv' },
  'env-cmd': { short: 'fre', long: ['--file', '--rc-file', '--environments'] },
  'cross-env': {},
  entr: {},
  parallel: {
    short: 'jSa',
    long: [
      '--jobs',
      '--sshlogin',
      '--arg-file',
      '--delimiter',
      '--colsep',
      '--joblog',
      '--results',
      '--tmpdir',
      '--timeout',
      '--retries',
    ],
    join: true,
  },
  sem: { short: 'j', long: ['--jobs', '--id'], join: true },
});

/** The key of the entry for an argv: `npm exec` or `npm x` for `npm [opts] exec …`, else the program. */
export function wrapperKey(prog: string, a: readonly string[]): { key: string; at: number } | undefined {
  if (Object.hasOwn(WRAPPERS, prog)) return { key: prog, at: 1 };
  // `uv tool run`, `npm exec`, `tmux -L s new-window`: the subcommand words after the program's own options.
  let i = 1;
  while (i < a.length && a[i].startsWith('-')) i += prog === 'tmux' && /^-[LSfcT]$/.test(a[i]) ? 2 : 1;
  const two = `${prog} ${a[i] ?? ''}`;
  if (Object.hasOwn(WRAPPERS, two)) return { key: two, at: i + 1 };
  const three = `${two} ${a[i + 1] ?? ''}`;
  if (Object.hasOwn(WRAPPERS, three)) return { key: three, at: i + 2 };
  return undefined;
}
