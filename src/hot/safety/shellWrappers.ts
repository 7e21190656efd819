/**
 * The wrappers the parser looks through to find the command that really runs: `sudo`, `env`, `nohup`,
 * `timeout`, `xargs`, `command`, `exec`, `bash -c`, `eval`, `find -exec`, `ssh`, `docker exec`… Each call to
 * unwrap peels one level off an argv and says what is underneath; the parser loops until nothing is left to peel.
 * The option tables list the options that take a value, so that value is not mistaken for the command.
 */

import { ASSIGN } from './shellLexer';
import { programName, type ShellParse } from './shellCommand';
import { WRAPPERS, wrapperKey } from './wrapperTable';

/**
 * One level of unwrapping. `skip`: the command starts at `at` (or is `argv`, when the wrapper builds it);
 * `script`: the wrapper runs a string as shell code; `find`: `-exec` groups as [from, to) argv ranges;
 * `stdin`: a shell reading its script from stdin; `incomplete`: the wrapper is missing what it would run.
 */
export type Step =
  | {
      kind: 'skip';
      label: string;
      at: number;
      argv?: string[];
      env?: Record<string, string>;
      chdir?: boolean;
      remote?: boolean;
    }
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
  for (let m; i < a.length && a[i].includes('=') && (m = ASSIGN.exec(a[i])); i++)
    env[m[1]] = a[i].slice(a[i].indexOf('=') + 1);
  return { next: i, env };
}

/** Shells whose `-c STRING` (or a script on stdin) is parsed for the commands it runs. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'posh']);
const SUDO_VALUE: [string, string[]] = [
  'ugCDhprtTUR',
  [
    '--user',
    '--group',
    '--close-from',
    '--chdir',
    '--host',
    '--prompt',
    '--role',
    '--type',
    '--command-timeout',
    '--other-user',
    '--chroot',
  ],
];
const XARGS_VALUE: [string, string[]] = [
  'adEILnPs',
  ['--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'],
];
const SSH_VALUE = 'bcDEeFIiJLlmOopQRSWw';
const DOCKER_EXEC_VALUE: [string, string[]] = [
  'euw',
  ['--env', '--env-file', '--user', '--workdir', '--detach-keys', '--index'],
];

/**
 * One unwrapping step for a command whose program is a wrapper, or undefined when it is the real command.
 * `parse` is the shell parser, passed in (not imported) so this module stays below it: `env -S` splits its string.
 */
export function unwrap(a: readonly string[], parse: (src: string) => ShellParse): Step | undefined {
  const prog = programName(a[0]);
  const entry = wrapperKey(prog, a);
  if (entry) return fromTable(a, entry.key, entry.at);
  switch (prog) {
    case 'command': {
      const o = options(a, 1, '');
      // `command -v x` only looks x up.
      return o.seen.has('-v') || o.seen.has('-V') || o.next >= a.length
        ? undefined
        : { kind: 'skip', label: prog, at: o.next };
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
      return o.next < a.length
        ? { kind: 'skip', label: prog, at: o.next }
        : { kind: 'skip', label: prog, at: 0, argv: ['echo'] };
    }
    case 'node':
    case 'nodejs':
    case 'bun':
    case 'deno':
      return fmesScript(a);
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
      return a.includes('exec') && dd > 0 && dd + 1 < a.length
        ? { kind: 'skip', label: 'kubectl exec', at: dd + 1, remote: true }
        : undefined;
    }
  }
  return SHELLS.has(prog) ? shell(a, prog) : undefined;
}

/** `bash [options] -c STRING`, combined flags (`-lc`, `-ec`) and `-o opt` included; no script: stdin. */
function shell(a: readonly string[], prog: string): Step | undefined {
  let i = 1;
  let c = false;
  let s = false;
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
      if (x[0] === '-' && x.includes('s')) s = true;
      i += /[oO]$/.test(x) ? 2 : 1;
    } else break;
  }
  // `sh -c 'rm -rf "$1"' _ /`: the words after the string are $0, $1, …
  if (c)
    return i < a.length
      ? { kind: 'script', label: `${prog} -c`, text: positional(a[i], a.slice(i + 1)) }
      : { kind: 'incomplete' };
  // `bash -s -- args` reads its script from stdin whatever follows.
  return i < a.length && !s ? undefined : { kind: 'stdin', label: prog };
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

/** One step for a wrapper of the table (wrapperTable.ts), whose own words start at `at`. */
function fromTable(a: readonly string[], key: string, at: number): Step | undefined {
  const spec = WRAPPERS[key];
  const label = key;
  // Options that carry a shell string may come before or after the wrapper's own operands (`su root -c 'cmd'`,
  // `flock f -c 'cmd'`), but not inside the command it runs (`flock f psql -c …`).
  const limit = Math.max(spec.operands ?? 0, 1);
  for (let i = at, seen = 0; spec.script && i < a.length && a[i] !== '--'; i++) {
    const x = a[i];
    const eq = x.indexOf('=');
    const name = x.startsWith('--') && eq > 0 ? x.slice(0, eq) : x;
    if (spec.script.includes(name))
      return { kind: 'script', label, text: eq > 0 && x.startsWith('--') ? x.slice(eq + 1) : (a[i + 1] ?? '') };
    if (/^-[A-Za-z]+$/.test(x) && spec.script.some((o) => o.length === 2 && x.endsWith(o[1])) && x.length > 2)
      return { kind: 'script', label, text: a[i + 1] ?? '' };
    if (x.startsWith('-') && x !== '-') {
      if ((spec.long ?? []).includes(x) || (/^-[A-Za-z]$/.test(x) && (spec.short ?? '').includes(x[1]))) i++;
      continue;
    }
    if (++seen > limit) break;
  }
  const o = options(a, at, spec.short ?? '', spec.long ?? []);
  if (spec.none?.some((n) => n === '*' || o.seen.has(n))) return undefined;
  if (spec.needs && !spec.needs.some((n) => o.seen.has(n))) return undefined;
  if (spec.stdin) return { kind: 'stdin', label };
  const start = o.next + (spec.operands ?? 0);
  if (start >= a.length) return undefined;
  // npx rimraf@5 …: the package's version is not part of the program's name.
  const words =
    key.startsWith('np') ||
    key.startsWith('pn') ||
    key.startsWith('bun') ||
    key.startsWith('yarn') ||
    key.startsWith('uv') ||
    key.startsWith('pipx')
      ? [a[start].replace(/(.)@[^/]*$/, '$1'), ...a.slice(start + 1)]
      : a.slice(start);
  if (spec.join && !spec.exec?.some((x) => o.seen.has(x))) return { kind: 'script', label, text: joined(key, words) };
  if (words[0] !== a[start]) return { kind: 'skip', label, at: 0, argv: words };
  return { kind: 'skip', label, at: start };
}

/** The shell string a joining wrapper runs; `parallel cmd {} ::: a b` puts its arguments in place of `{}`. */
function joined(key: string, words: readonly string[]): string {
  if (key !== 'parallel' && key !== 'sem') return words.join(' ');
  const sep = words.findIndex((w) => w === ':::' || w === '::::' || w === ':::+');
  const cmd = sep < 0 ? words : words.slice(0, sep);
  // Without `:::` the arguments come from stdin: nobody knows them before the run.
  const args =
    sep < 0
      ? '"$PARALLEL_ARG"'
      : words
          .slice(sep + 1)
          .filter((w) => !w.startsWith(':::'))
          .map(quote)
          .join(' ');
  const text = cmd.join(' ');
  return text.includes('{}') ? text.replaceAll('{}', args) : `${text} ${args}`;
}

/** `node …/cli.mjs approve`, `node dist/fmes.js lock break`: the F-MES CLI by its script. */
function fmesScript(a: readonly string[]): Step | undefined {
  let i = 1;
  while (i < a.length && a[i].startsWith('-'))
    i += /^(-r|--require|--import|--loader|--experimental-loader)$/.test(a[i]) ? 2 : 1;
  const script = a[i];
  if (script === undefined || !/(^|\/)(fmes|cli|main)(\.[cm]?js)?$/.test(script)) return undefined;
  return { kind: 'skip', label: 'node', at: 0, argv: ['fmes', ...a.slice(i + 1)] };
}

/**
 * `$0`, `$1`…, `$@` and `$*` of a `sh -c` string replaced by the words given after it, so `sh -c 'rm -rf "$1"' _ /`
 * is judged as `rm -rf "/"`. Parameters with no word stay: they are then unknown until run time.
 */
function positional(text: string, params: readonly string[]): string {
  if (params.length === 0 || !text.includes('$')) return text;
  // Unquoted, a parameter is split into words (but never read again as shell code): each piece is quoted.
  const split = (v: string): string => v.split(/\s+/).filter(Boolean).map(quote).join(' ');
  return text.replace(
    /"\$[@*]"|"\$\{[@*]\}"|"\$\{?([0-9])\}?"|\$\{([0-9]+)\}|\$([0-9])|\$\{?[@*]\}?/g,
    (m, qd: string | undefined, braced: string | undefined, digit: string | undefined) => {
      const quoted = m.startsWith('"');
      const n = qd ?? braced ?? digit;
      if (n === undefined)
        return params
          .slice(1)
          .map(quoted ? quote : split)
          .join(' ');
      const v = params[Number(n)];
      return v === undefined ? m : quoted ? quote(v) : split(v);
    },
  );
}

/** A word as a shell literal; a word that still holds an expansion stays expandable (double quotes). */
function quote(w: string): string {
  if (/^[\w./:=@%+,-]+$/.test(w)) return w;
  if (w.includes('$') || w.includes('`')) return `"${w.replace(/["\\]/g, '\\$&')}"`;
  return `'${w.replaceAll("'", `'\\''`)}'`;
}
