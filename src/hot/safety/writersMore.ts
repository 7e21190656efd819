/**
 * Writers beyond the core file tools (writers.ts): editors that can run headless (`ed`, `vim -es`), compressors
 * that replace their input, splitters, databases, image tools, converters, and formatters in their writing
 * modes. An agent can change a locked file with any of them, so the hook must know them.
 */
import { all, destination, NONE, operands, optionFile, UNKNOWN, type Arg, type Writer } from './writerArgs';
import { dictionary } from '../dictionary';

/** Compressors: [suffix they add, short options that take a value]. */
const COMPRESSORS = dictionary<[string, string]>({
  __proto__: null,
  gzip: ['.gz', 'S'],
  gunzip: ['.gz', 'S'],
  pigz: ['.gz', 'Sbp'],
  unpigz: ['.gz', 'Sbp'],
  bzip2: ['.bz2', ''],
  bunzip2: ['.bz2', ''],
  xz: ['.xz', 'CFMT'],
  unxz: ['.xz', 'CFMT'],
  lzma: ['.lzma', 'CFMT'],
  unlzma: ['.lzma', 'CFMT'],
  zstd: ['.zst', 'oDT'],
  unzstd: ['.zst', 'oDT'],
  lz4: ['.lz4', ''],
  unlz4: ['.lz4', ''],
});
const TO_STDOUT = ['-c', '--stdout', '--to-stdout', '-t', '--test', '-l', '--list'];

/** `gzip f` replaces f with f.gz, `gunzip f.gz` f.gz with f: both names count; `-c` writes to stdout only. */
function compressor(prog: string): Writer {
  const [suffix, valueShort] = COMPRESSORS[prog];
  return (a) => {
    const { ops, opts } = operands(a, valueShort, ['--suffix', '--format', '--threads', '--output']);
    const out = optionFile(opts, '-o', '--output');
    if (out.length > 0) return { paths: [...out, ...(opts.has('--rm') ? ops : [])] };
    if (TO_STDOUT.some((o) => opts.has(o))) return NONE;
    const paths: Arg[] = [];
    for (const f of ops) {
      if (f.v === '-') continue;
      paths.push(f, f.v.endsWith(suffix) ? { v: f.v.slice(0, -suffix.length), d: f.d } : { v: f.v + suffix, d: f.d });
    }
    // lz4 and zstd take `IN OUT`; a custom suffix names files we do not see.
    return opts.has('-S') || opts.has('--suffix') ? { paths, unknown: true } : { paths };
  };
}

/** vi/vim/nvim/ex: operands; commands given to run (`-c`, `+cmd`, `-s`, `-S`) can write any file. */
const vim: Writer = (a) => {
  const { ops, opts } = operands(
    a.filter((x) => !x.v.startsWith('+')),
    // `-s` is a script to read in normal mode but "silent" in ex mode: never a value here, and scripted either way.
    'cSTuiwWqtr',
    ['--cmd'],
  );
  const scripted =
    a.some((x) => x.v.startsWith('+')) || ['-c', '--cmd', '-S', '-s', '-w', '-W'].some((o) => opts.has(o));
  return scripted ? { paths: ops, unknown: true } : { paths: ops };
};

/** emacs: operands; code it is told to run (`--eval`, `-l`, `-f`, `--script`) can write any file. */
const emacs: Writer = (a) => {
  const { ops, opts } = operands(a, 'lfLdT', [
    '--eval',
    '--load',
    '--funcall',
    '--script',
    '--directory',
    '--file',
    '--visit',
    '--insert',
  ]);
  const code = ['--eval', '-l', '--load', '-f', '--funcall', '--script', '-batch', '--batch', '-x'].some((o) =>
    opts.has(o),
  );
  const visit = optionFile(opts, '--file', '--visit', '--insert');
  return code ? { paths: [...ops, ...visit], unknown: true } : { paths: [...ops, ...visit] };
};

/** sqlite3 DB [SQL…]: the database file, unless read-only; dot-commands and ATTACH write elsewhere. */
const sqlite: Writer = (a, cmd) => {
  const { ops, opts } = operands(a, '', ['-cmd', '-separator', '-newline', '-nullvalue', '-init']);
  if (a.some((x) => x.v === '-readonly' || x.v === '--readonly')) return NONE;
  const db = ops[0];
  const texts = [
    ...ops.slice(1).map((x) => x.v),
    ...cmd.redirects.map((r) => r.body ?? (r.op === '<<<' ? r.target : '')),
  ];
  const elsewhere = texts.some((t) =>
    /\.(output|once|save|backup|clone|import|excel|shell|system|open)\b|\battach\b|\bvacuum\s+into\b|\bwritefile\s*\(|\bload_extension\b/i.test(
      t,
    ),
  );
  // SQL fed through a pipe or from a file cannot be read here.
  const unread = ops.length < 2 && (cmd.pipedFrom.length > 0 || cmd.redirects.some((r) => r.op === '<'));
  const paths = db && db.v !== ':memory:' ? [db] : [];
  return elsewhere || unread || opts.has('-init') || opts.has('-cmd') ? { paths, unknown: true } : { paths };
};

/** split/csplit write PREFIXaa, PREFIXab…: the prefix (a path that names where they land) is reported. */
const split: Writer = (a) => {
  const { ops, opts } = operands(a, 'abCdlnt', [
    '--suffix-length',
    '--additional-suffix',
    '--bytes',
    '--line-bytes',
    '--lines',
    '--number',
    '--separator',
    '--filter',
  ]);
  if (opts.has('--filter')) return UNKNOWN;
  return { paths: [ops[1] ?? { v: 'x', d: false }] };
};
const csplit: Writer = (a) => {
  const { opts } = operands(a, 'bfn', ['--suffix-format', '--prefix', '--digits']);
  return {
    paths: optionFile(opts, '-f', '--prefix').concat(
      opts.has('-f') || opts.has('--prefix') ? [] : [{ v: 'xx', d: false }],
    ),
  };
};

/** ImageMagick options that take no value. */
const IM_FLAGS = new Set([
  'flip',
  'flop',
  'strip',
  'verbose',
  'negate',
  'monochrome',
  'normalize',
  'equalize',
  'trim',
  'despeckle',
  'enhance',
  'auto-orient',
  'auto-level',
  'append',
  'adjoin',
  'debug',
  'quiet',
  'regard-warnings',
  'render',
]);

/** Formatters and fixers: they write their operands only in their writing mode. */
const whenFlag =
  (flags: readonly string[], valueShort = '', valueLong: readonly string[] = []): Writer =>
  (a) => {
    const { ops, opts } = operands(a, valueShort, valueLong);
    return flags.some((f) => opts.has(f)) ? { paths: ops } : NONE;
  };
const unlessFlag =
  (flags: readonly string[], valueShort = '', valueLong: readonly string[] = []): Writer =>
  (a) => {
    const { ops, opts } = operands(a, valueShort, valueLong);
    return flags.some((f) => opts.has(f)) ? NONE : { paths: ops };
  };

export const MORE_WRITERS = dictionary<Writer>({
  __proto__: null,
  ed: all('p', ['--prompt']),
  red: all('p', ['--prompt']),
  ex: vim,
  vi: vim,
  vim: vim,
  nvim: vim,
  view: vim,
  emacs: emacs,
  nano: (a) => ({
    paths: operands(
      a.filter((x) => !x.v.startsWith('+')),
      'CoQYT',
      ['--backupdir', '--operatingdir', '--quotestr', '--syntax', '--tabsize'],
    ).ops,
  }),
  ...Object.fromEntries(Object.keys(COMPRESSORS).map((p) => [p, compressor(p)])),
  split: split,
  csplit: csplit,
  sqlite3: sqlite,
  sqlite: sqlite,
  convert: destination(''),
  magick: destination(''),
  mogrify: (a) => {
    // ImageMagick's options are single-dash words, nearly all with a value (`-resize 50%`); `-path DIR` is where it writes.
    const paths: Arg[] = [];
    for (let i = 0; i < a.length; i++) {
      const x = a[i].v;
      if (!/^[-+][a-z]/.test(x)) paths.push(a[i]);
      else if (!IM_FLAGS.has(x.slice(1))) {
        if (x === '-path' && a[i + 1]) paths.push(a[i + 1]);
        i++;
      }
    }
    return { paths };
  },
  dos2unix: all('', ['--newfile', '--add-bom']),
  unix2dos: all('', ['--newfile']),
  iconv: (a) => ({
    paths: optionFile(operands(a, 'fto', ['--from-code', '--to-code', '--output']).opts, '-o', '--output'),
  }),
  yq: (a) => {
    const { ops, opts } = operands(a, 'oIp', ['--output-format', '--indent', '--input-format', '--expression']);
    // The first operand is the expression unless given with --expression.
    const files = opts.has('--expression') ? ops : ops.slice(1);
    return opts.has('-i') || opts.has('--inplace') ? { paths: files } : NONE;
  },
  prettier: whenFlag(['--write', '-w'], '', ['--config', '--ignore-path', '--plugin', '--parser']),
  eslint: (a) => {
    const { ops, opts } = operands(a, 'coc', [
      '--config',
      '--output-file',
      '--format',
      '--ext',
      '--rule',
      '--plugin',
      '--resolve-plugins-relative-to',
      '--cache-location',
    ]);
    const out = optionFile(opts, '-o', '--output-file');
    return { paths: [...(opts.has('--fix') ? ops : []), ...out] };
  },
  black: unlessFlag(['--check', '--diff'], 'lSlt', [
    '--line-length',
    '--target-version',
    '--config',
    '--include',
    '--exclude',
  ]),
  ruff: (a) => {
    const sub = a[0]?.v;
    const rest = a.slice(1);
    const { ops, opts } = operands(rest, '', ['--config', '--select', '--ignore', '--line-length', '--target-version']);
    if (sub === 'format') return opts.has('--check') || opts.has('--diff') ? NONE : { paths: ops };
    if (sub === 'check') return opts.has('--fix') ? { paths: ops } : NONE;
    return NONE;
  },
  gofmt: whenFlag(['-w'], 'r'),
  goimports: whenFlag(['-w']),
  rustfmt: unlessFlag(['--check'], '', ['--edition', '--config-path', '--config', '--emit']),
  'clang-format': whenFlag(['-i'], '', ['--style']),
  autopep8: whenFlag(['-i', '--in-place']),
  isort: unlessFlag(['--check-only', '--check', '--diff', '-c']),
  shfmt: whenFlag(['-w', '--write'], 'i', ['--indent']),
  // `chattr +i f`: the mode starts with + or = (or -, which operands() takes for an option).
  chattr: (a) => ({ paths: operands(a, 'pv').ops.filter((x) => !/^[+=]/.test(x.v)) }),
  setfacl: all('mMxX', ['--modify', '--modify-file', '--remove', '--remove-file', '--set', '--set-file']),
  xxd: (a) => ({
    paths: operands(a, 'cgloOsn', ['-cols', '-groupsize', '-len', '-offset', '-seek', '-name']).ops.slice(1, 2),
  }),
  uniq: (a) => ({
    paths: operands(a, 'fsw', [
      '--skip-fields',
      '--skip-chars',
      '--check-chars',
      '--group',
      '--all-repeated',
    ]).ops.slice(1, 2),
  }),
  mktemp: (a) => {
    const { ops, opts } = operands(a, 'p', ['--tmpdir', '--suffix']);
    return opts.has('-p') || opts.has('--tmpdir') || opts.has('-t') ? NONE : { paths: ops };
  },
});

/**
 * The files a sed script writes (`w FILE`, `W FILE`, the `w` flag of `s`), and whether it runs commands (`e`,
 * the `e` flag of `s`), which makes it unknown. A small scanner of sed's command syntax rather than a regex:
 * the letters occur in patterns and replacement text too (`s/hello/world/`).
 */
export function sedScriptWrites(script: string): { files: string[]; unknown: boolean } {
  const files: string[] = [];
  let unknown = false;
  const s = script;
  let i = 0;
  const toEol = (): string => {
    const nl = s.indexOf('\n', i);
    const end = nl < 0 ? s.length : nl;
    const v = s.slice(i, end).trim();
    i = end;
    return v;
  };
  /** Skips a delimited part (`/re/`, the parts of `s`), backslashes included; returns false when unclosed. */
  const delimited = (d: string): boolean => {
    while (i < s.length && s[i] !== d) i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) return false;
    i++;
    return true;
  };
  while (i < s.length) {
    const c = s[i];
    if (' \t\n;{}!'.includes(c) || /[0-9,$~+]/.test(c)) {
      i++;
      continue;
    }
    if (c === '/') {
      i++;
      if (!delimited('/')) return { files, unknown: true };
      while (s[i] === 'I' || s[i] === 'M') i++;
      continue;
    }
    if (c === '\\') {
      const d = s[i + 1];
      i += 2;
      if (d === undefined || !delimited(d)) return { files, unknown: true };
      continue;
    }
    i++;
    if (c === 's' || c === 'y') {
      const d = s[i++];
      if (d === undefined || d === '\n' || d === '\\' || !delimited(d) || !delimited(d))
        return { files, unknown: true };
      if (c === 'y') continue;
      while (i < s.length && /[gpiImMe0-9]/.test(s[i])) {
        if (s[i] === 'e') unknown = true;
        i++;
      }
      if (s[i] === 'w') {
        i++;
        files.push(toEol());
      }
    } else if (c === 'w' || c === 'W') files.push(toEol());
    else if (c === 'e') {
      unknown = true;
      toEol();
    } else if ('aicrR'.includes(c)) toEol();
    else if ('btT:'.includes(c)) {
      // A label ends at `;` or a newline (GNU): what follows may be a `w`.
      while (i < s.length && s[i] !== ';' && s[i] !== '\n') i++;
    } else if (!/[A-Za-z=#]/.test(c)) return { files, unknown: true };
    else if (c === '#') toEol();
  }
  // `/dev/stdout` and friends are no files of ours; an empty name is a syntax error.
  return { files: files.filter((f) => f !== '' && !/^\/dev\/(stdout|stderr)$/.test(f)), unknown };
}
