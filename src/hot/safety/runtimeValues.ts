/**
 * Words whose value is only known at run time (`$X`, `$(cmd)`, `/???`, what xargs or `find -exec` fills in):
 * the values they could take that would make a deny-list rule match. The matcher asks about those ("decided
 * at run time") instead of allowing them. Brace expansion, which the shell does before anything runs, is done
 * here exactly: `rm -rf {/,x}` is `rm -rf / x`.
 */

/** Values a rule is usually about: paths rm/chmod/find care for, names kubectl/terraform/git care for, SQL. */
const PROBES = [
  '/',
  '/*',
  '~',
  '.',
  '..',
  '*',
  '/usr',
  '/etc',
  '/home',
  '/var',
  '/bin',
  '/boot',
  '/root',
  '/opt',
  '/dev/sda',
  '/dev/nvme0n1',
  'of=/dev/sda',
  'production',
  'prod',
  'main',
  'master',
  'delete',
  'destroy',
  'apply',
  'push',
  'DROP TABLE t',
  'TRUNCATE t',
  'DO $$ BEGIN END $$',
  'DELETE FROM t',
  'approve',
  'reject',
];
/** Option-like values: probed only for command output (`$(…)`), which the agent's earlier steps could have shaped. */
const OPTION_PROBES = [
  '-rf /',
  '-f',
  '--force',
  '--mirror',
  '+main',
  ':main',
  '-auto-approve',
  '-destroy',
  '--hard',
  '-rf',
  '-r',
];
/** Values filled in for each expansion inside a word: unset, the root, a plain name. */
const FILLS = ['', '/', 'x'];
const MAX_EXPANSIONS = 256;
/** Variables that hold a name, never a path or an option. */
const NAMES = new Set(['USER', 'LOGNAME', 'UID', 'EUID', 'GID', 'HOSTNAME', 'HOST', 'LANG', 'TERM', 'USERNAME']);

/** The expansions of a word as written: `$NAME`, `${…}`, `$(…)`, `$((…))`, backticks. */
const EXPANSION = /\$\{[^}]*\}|\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]/g;

/**
 * Bash brace expansion of a word: `{a,b}`, `{1..3}`, `{a..c}`, nested and combined. A word with none is
 * returned as is; past MAX_EXPANSIONS results the rest are dropped (the first ones are judged).
 */
export function braceExpand(word: string): string[] {
  const open = findBrace(word);
  if (!open) return [word];
  const { start, end, parts } = open;
  const out: string[] = [];
  for (const p of parts) {
    for (const rest of braceExpand(word.slice(0, start) + p + word.slice(end + 1))) {
      out.push(rest);
      if (out.length >= MAX_EXPANSIONS) return out;
    }
  }
  return out;
}

function findBrace(w: string): { start: number; end: number; parts: string[] } | undefined {
  for (let i = 0; i < w.length; i++) {
    if (w[i] !== '{' || w[i - 1] === '$') continue;
    let depth = 0;
    const commas: number[] = [];
    for (let j = i; j < w.length; j++) {
      if (w[j] === '{') depth++;
      else if (w[j] === '}' && --depth === 0) {
        const inner = w.slice(i + 1, j);
        if (commas.length > 0) {
          const parts: string[] = [];
          let from = i + 1;
          for (const c of commas) {
            parts.push(w.slice(from, c));
            from = c + 1;
          }
          parts.push(w.slice(from, j));
          return { start: i, end: j, parts };
        }
        const range = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(inner);
        if (range) return { start: i, end: j, parts: expandRange(range[1], range[2], Number(range[3] ?? 1)) };
        break;
      } else if (w[j] === ',' && depth === 1) commas.push(j);
    }
  }
  return undefined;
}

function expandRange(a: string, b: string, step: number): string[] {
  const num = /^-?\d+$/.test(a) && /^-?\d+$/.test(b);
  const from = num ? Number(a) : a.charCodeAt(0);
  const to = num ? Number(b) : b.charCodeAt(0);
  const by = Math.max(1, Math.abs(step || 1)) * (from <= to ? 1 : -1);
  const out: string[] = [];
  for (let v = from; from <= to ? v <= to : v >= to; v += by) {
    out.push(num ? String(v) : String.fromCharCode(v));
    if (out.length >= MAX_EXPANSIONS) break;
  }
  return out;
}

/** The word holds a brace expansion the shell would do (the parser flags it dynamic with the globs). */
export function hasBraces(word: string): boolean {
  return findBrace(word) !== undefined;
}

export interface ValueContext {
  /** Literal values assigned to each name earlier in the same script (`x=/; rm -rf $x`). */
  assigned: ReadonlyMap<string, readonly string[]>;
  /** Extra probes: the home and workspace folders, the subcommands a rule names. */
  extra: readonly string[];
}

/**
 * Values a dynamic word could take at run time that matter to the rules: the probes the word's shape allows
 * (`$HOME/.cache/x` can never be `/`), and the word with each expansion filled in (unset, `/`, a name, or a
 * value assigned to it in the script). Values with a space stand for several words (`$X` unquoted splits).
 */
export function candidates(word: string, vc: ValueContext): string[] {
  const out = new Set<string>();
  const parts = word.split(EXPANSION);
  const exps = word.match(EXPANSION) ?? [];
  // Variables the script itself assigns (`DIR=build; rm -rf "$DIR"`), or that name a user, take only those values.
  const known =
    exps.length > 0 &&
    exps.every((e) => vc.assigned.has(nameOf(e)) || NAMES.has(nameOf(e))) &&
    !/[*?[]/.test(parts.join(''));
  if (!known) {
    const shape = shapeOf(word);
    // Command output and positional parameters are shaped by the caller: they may be options too (`g --force`).
    const optionLike = /\$\(|`|\$\{?[0-9@*]/.test(word);
    for (const p of [...PROBES, ...vc.extra, ...(optionLike ? OPTION_PROBES : [])]) if (shape.test(p)) out.add(p);
  }
  if (exps.length > 0 && exps.length <= 4) {
    const choices = exps.map((e) => vc.assigned.get(nameOf(e)) ?? (NAMES.has(nameOf(e)) ? ['x'] : FILLS));
    const combine = (k: number, acc: string): void => {
      if (out.size > 200) return;
      if (k === exps.length) return void out.add(acc);
      for (const c of choices[k]) combine(k + 1, acc + c + parts[k + 1]);
    };
    combine(0, parts[0]);
  }
  return [...out];
}

/** A regex of the values a word can take: each expansion any text, each unquoted glob what it matches. */
function shapeOf(word: string): RegExp {
  let re = '';
  let last = 0;
  for (const m of word.matchAll(EXPANSION)) {
    re += globPart(word.slice(last, m.index)) + (/^\$\{[A-Za-z_]\w*:?\?/.test(m[0]) ? '[^]+' : '[^]*');
    last = m.index + m[0].length;
  }
  re += globPart(word.slice(last));
  try {
    return new RegExp(`^${re}$`);
  } catch {
    return /^[^]*$/; // an unbalanced `[`: any value
  }
}

function globPart(text: string): string {
  return text
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^]*')
    .replace(/\?/g, '.')
    .replace(/\[!/g, '[^');
}

/**
 * The values a word takes when every expansion in it is a variable the script itself assigns (`D=/dev/sda; … $D`),
 * without globs; undefined otherwise (then only probes could stand for it: see candidates).
 */
export function assignedValues(word: string, vc: ValueContext): string[] | undefined {
  const exps = word.match(EXPANSION) ?? [];
  if (exps.length === 0 || exps.length > 4 || /[*?[]/.test(word.split(EXPANSION).join(''))) return undefined;
  if (!exps.every((e) => vc.assigned.has(nameOf(e)))) return undefined;
  return candidates(word, vc);
}

function nameOf(expansion: string): string {
  return /^\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(expansion)?.[1] ?? '';
}
