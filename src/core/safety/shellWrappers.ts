/**
 * The wrappers the parser looks through to find the command that really runs: `sudo`, `env`, `nohup`,
 * `timeout`, `xargs`, `command`, `exec`, `bash -c`, `eval`, `find -exec`, `ssh`, `docker exec`… Each call to
 * unwrap peels one level off an argv and says what is underneath; the parser loops until nothing is left to peel.
 * The option tables list the options that take a value, so that value is not mistaken for the command.
 */

import { ASSIGN } from './shellLexer';
import { programName, type ShellParse } from './shellCommand';

/**
 * One level of unwrapping. `skip`: the command starts at `at` (or is `argv`, when the wrapper builds it);
 * `script`: the wrapper runs a string as shell code; `find`: `-exec` groups as [from, to) argv ranges;
 * `stdin`: a shell reading its script from stdin; `incomplete`: the wrapper is missing what it would run.
 */
export type Step =
  | { kind: 'skip'; label: string; at: number; argv?: string[]; env?: Record<string, string>; chdir?: boolean; remote?: boolean }
  | { kind: 'script'; label: string; text: string; chdir?: boolean; remote?: boolean }
  | { kind: 'find'; label: string; groups: [number, number][] }
  | { kind: 'stdin'; label: string }
  | { kind: 'incomplete' };

interface Options {
  next: number;
  /** Every option seen: whole long names and each short letter as `-x`, with its value when it takes one. */
  seen: Map<string, string>;
}

/** Steps over options: letters in `valueShort` and names in `valueLong` take a value (attached or next). */
function options(a: readonly string[], from: number, valueShort: string, valueLong: readonly string[] = []): Options {
  const seen = new Map<string, string>();
  let i = from;
  while (i < a.length) {
    const x = a[i];
    if (x === '--') return { next: i + 1, seen };
    if (!x.startsWith('-') || x === '-') break;
    i++;
    if (x.startsWith('--')) {
      const eq = x.indexOf('=');
      if (eq > 0) seen.set(x.slice(0, eq), x.slice(eq + 1));
      else if (valueLong.includes(x)) seen.set(x, a[i++] ?? '');
      else seen.set(x, '');
      continue;
    }
    for (let k = 1; k < x.length; k++) {
      if (valueShort.includes(x[k])) {
        seen.set('-' + x[k], k < x.length - 1 ? x.slice(k + 1) : (a[i++] ?? ''));
        break;
      }
      seen.set('-' + x[k], '');
    }
  }
  return { next: i, seen };
}

/** The `NAME=value` words a wrapper sets before its command (`sudo X=1 cmd`, `env X=1 cmd`). */
function assignments(a: readonly string[], from: number): { next: number; env: Record<string, string> } {
  const env: Record<string, string> = {};
  let i = from;
  for (let m; i < a.length && (m = ASSIGN.exec(a[i])); i++) env[m[1]] = a[i].slice(a[i].indexOf('=') + 1);
  return { next: i, env };
}

/** Shells whose `-c STRING` (or a script on stdin) is parsed for the commands it runs. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'posh']);
/** Wrappers that run the rest of their arguments: [option letters with a value, long options with a value]. */
const PLAIN: Record<string, [string, string[]]> = {
  nohup: ['', []],
  builtin: ['', []],
  setsid: ['', []],
  exec: ['a', []],
  time: ['fo', ['--format', '--output']],
  nice: ['n', ['--adjustment']],
  ionice: ['cnpPu', ['--class', '--classdata', '--pid', '--pgid', '--uid']],
  stdbuf: ['ioe', ['--input', '--output', '--error']],
  doas: ['uC', []],
  chronic: ['', []],
};
const SUDO_VALUE: [string, string[]] = [
  'ugCDhprtTUR',
  ['--user', '--group', '--close-from', '--chdir', '--host', '--prompt', '--role', '--type', '--command-timeout', '--other-user', '--chroot'],
];
const XARGS_VALUE: [string, string[]] = ['adEILnPs', ['--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars', '--process-slot-var']];
const SSH_VALUE = 'bcDEeFIiJLlmOopQRSWw';
const DOCKER_EXEC_VALUE: [string, string[]] = ['euw', ['--env', '--env-file', '--user', '--workdir', '--detach-keys', '--index']];

/**
 * One unwrapping step for a command whose program is a wrapper, or undefined when it is the real command.
 * `parse` is the shell parser, passed in (not imported) so this module stays below it: `env -S` splits its string.
 */
export function unwrap(a: readonly string[], parse: (src: string) => ShellParse): Step | undefined {
  const prog = programName(a[0]);
  const plain = Object.hasOwn(PLAIN, prog) ? PLAIN[prog] : undefined;
  if (plain) {
    const o = options(a, 1, ...plain);
    return o.next < a.length ? { kind: 'skip', label: prog, at: o.next } : undefined;
  }
  switch (prog) {
    case 'command': {
      const o = options(a, 1, '');
      // `command -v x` only looks x up.
      return o.seen.has('-v') || o.seen.has('-V') || o.next >= a.length ? undefined : { kind: 'skip', label: prog, at: o.next };
    }
    case 'sudo': {
      const o = options(a, 1, ...SUDO_VALUE);
      if (o.seen.has('-e') || o.seen.has('--edit')) return undefined;
      const e = assignments(a, o.next);
      const chdir = o.seen.has('-D') || o.seen.has('--chdir') || o.seen.has('-i') || o.seen.has('--login');
      return e.next < a.length ? { kind: 'skip', label: prog, at: e.next, env: e.env, chdir } : undefined;
    }
    case 'env': {
      const o = options(a, 1, 'uCS', ['--unset', '--chdir', '--split-string']);
      const e = assignments(a, o.next);
      const chdir = o.seen.has('-C') || o.seen.has('--chdir');
      const split = o.seen.get('-S') ?? o.seen.get('--split-string');
      if (split !== undefined) {
        const words = parse(split).commands[0]?.argv ?? [];
        return { kind: 'skip', label: prog, at: 0, argv: [...words, ...a.slice(e.next)], env: e.env, chdir };
      }
      return e.next < a.length ? { kind: 'skip', label: prog, at: e.next, env: e.env, chdir } : undefined;
    }
    case 'timeout': {
      const o = options(a, 1, 'sk', ['--signal', '--kill-after']);
      return o.next + 1 < a.length ? { kind: 'skip', label: prog, at: o.next + 1 } : undefined;
    }
    case 'xargs': {
      const o = options(a, 1, ...XARGS_VALUE);
      return o.next < a.length ? { kind: 'skip', label: prog, at: o.next } : { kind: 'skip', label: prog, at: 0, argv: ['echo'] };
    }
    case 'busybox':
      return a.length > 1 ? { kind: 'skip', label: prog, at: 1 } : undefined;
    case 'eval':
      return a.length > 1 ? { kind: 'script', label: prog, text: a.slice(1).join(' ') } : undefined;
    case 'find':
      return findExec(a);
    case 'ssh': {
      const o = options(a, 1, SSH_VALUE);
      const rest = a.slice(o.next + 1);
      return rest.length > 0 ? { kind: 'script', label: prog, text: rest.join(' '), remote: true } : undefined;
    }
    case 'docker':
    case 'podman':
      return containerExec(a, prog);
    case 'kubectl': {
      const dd = a.indexOf('--');
      return a.includes('exec') && dd > 0 && dd + 1 < a.length ? { kind: 'skip', label: 'kubectl exec', at: dd + 1, remote: true } : undefined;
    }
  }
  return SHELLS.has(prog) ? shell(a, prog) : undefined;
}

/** `bash [options] -c STRING`, combined flags (`-lc`, `-ec`) and `-o opt` included; no script: stdin. */
function shell(a: readonly string[], prog: string): Step | undefined {
  let i = 1;
  let c = false;
  while (i < a.length) {
    const x = a[i];
    if (x === '--' || x === '-') {
      i++;
      break;
    }
    if (/^[-+]{1,2}(o|O|rcfile|init-file)$/.test(x)) i += 2;
    else if (x.startsWith('--')) i++;
    else if (/^[-+][A-Za-z]+$/.test(x)) {
      if (x[0] === '-' && x.includes('c')) c = true;
      i += /[oO]$/.test(x) ? 2 : 1;
    } else break;
  }
  if (c) return i < a.length ? { kind: 'script', label: `${prog} -c`, text: a[i] } : { kind: 'incomplete' };
  return i < a.length ? undefined : { kind: 'stdin', label: prog };
}

function findExec(a: readonly string[]): Step | undefined {
  const groups: [number, number][] = [];
  for (let i = 1; i < a.length; i++) {
    if (!/^-(exec|execdir|ok|okdir)$/.test(a[i])) continue;
    let j = i + 1;
    while (j < a.length && a[j] !== ';' && a[j] !== '+') j++;
    if (j >= a.length) return { kind: 'incomplete' };
    if (j > i + 1) groups.push([i + 1, j]);
    i = j;
  }
  return groups.length > 0 ? { kind: 'find', label: 'find -exec', groups } : undefined;
}

/** `docker exec [opts] CONTAINER cmd…` and `docker compose exec [opts] SERVICE cmd…`. */
function containerExec(a: readonly string[], prog: string): Step | undefined {
  const at = a[1] === 'exec' ? 2 : a[1] === 'compose' && a[2] === 'exec' ? 3 : -1;
  if (at < 0) return undefined;
  const o = options(a, at, ...DOCKER_EXEC_VALUE);
  return o.next + 1 < a.length ? { kind: 'skip', label: `${prog} exec`, at: o.next + 1, remote: true } : undefined;
}
