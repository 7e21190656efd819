/**
 * Code an interpreter runs from its arguments or stdin (`python3 -c`, `node -e`, `perl -e`, `ruby -e`, awk
 * programs, `python3 - <<EOF`): a table of the APIs per language that run commands, delete or write files, or
 * evaluate code built at run time. The deny list asks when the code reaches one of them; when the code runs a
 * literal shell command, that command is judged like any other (`os.system('rm -rf /')` is denied).
 * Plain data and regexes, compiled once: the hook loads this on every Bash call.
 */

export interface Language {
  name: string;
  /** Program names (basenames). */
  programs: RegExp;
  /** Options whose value is the code (`-c`, `-e`); `deno eval CODE` has the subcommand instead. */
  codeFlags: readonly string[];
  /** Other options that take the next word as their value (so it is not taken for a script). */
  valueFlags?: readonly string[];
  /** The first operand is the program text (awk) rather than a script file. */
  firstOperand?: boolean;
  /** A subcommand before the code (`deno eval`). */
  sub?: string;
  /** No script and no code option: the code is read from stdin. */
  stdin: boolean;
  /** The APIs that run commands, change files, or run code built at run time. */
  apis: RegExp;
}

let table: readonly Language[] | undefined;

/**
 * The interpreters, built on first use: a pattern is parsed when its object is made, about 0.1 ms for this table
 * in every hook call that loads it, and most shell commands run no interpreter (languageOf asks
 * INTERPRETER_STEMS first).
 */
export function languages(): readonly Language[] {
  table ??= [
    {
      name: 'python',
      programs: /^(python[0-9.]*|pypy[0-9.]*|py)$/,
      codeFlags: ['-c'],
      valueFlags: ['-W', '-X', '-m', '--check-hash-based-pycs'],
      stdin: true,
      apis: /\b(os\s*\.\s*(system|popen|exec\w*|spawn\w*|posix_spawn\w*|remove|unlink|rmdir|removedirs|rename|renames|replace|truncate|fork|kill|chmod|chown|write)|subprocess|shutil|pty|ctypes|importlib|commands\s*\.|multiprocessing)\b|(?<![.\w])(eval|exec|compile|__import__|getattr|breakpoint)\s*\(|\b(unlink|rmdir|rename|replace|write_text|write_bytes|rmtree|system|popen|touch|chmod)\s*\(|\bopen\s*\([^)]*,\s*(mode\s*=\s*)?[rbt]?['"][^'"]*[wax+]/,
    },
    {
      name: 'node',
      programs: /^(node|nodejs|bun)$/,
      codeFlags: ['-e', '--eval', '-p', '--print'],
      valueFlags: [
        '-r',
        '--require',
        '--import',
        '--loader',
        '--experimental-loader',
        '--input-type',
        '-C',
        '--conditions',
      ],
      stdin: true,
      apis: /child_process|\b(exec|execSync|execFile|execFileSync|spawn|spawnSync|fork|eval|Function|rm|rmSync|rmdir|rmdirSync|unlink|unlinkSync|writeFile|writeFileSync|appendFile|appendFileSync|rename|renameSync|truncate|truncateSync|copyFile|copyFileSync|cp|cpSync|createWriteStream|open|openSync|chmod|chmodSync|symlink|symlinkSync)\s*\(|\b(new\s+Function|process\s*\.\s*(binding|dlopen|_linkedBinding)|vm\s*\.|worker_threads|Bun\s*\.\s*(spawn|spawnSync|write|\$|file)|Deno\s*\.\s*(run|Command|remove|writeTextFile|writeFile|rename|truncate))\b|\b(require|import)\s*\(\s*([^'"`\s)]|'[^']*'\s*[+[]|"[^"]*"\s*[+[]|`[^`]*`\s*[+[])/,
    },
    {
      name: 'deno',
      programs: /^deno$/,
      codeFlags: [],
      sub: 'eval',
      stdin: false,
      apis: /\bDeno\s*\.\s*(run|Command|remove|writeTextFile|writeFile|rename|truncate)|\b(eval|Function)\s*\(|\bimport\s*\(\s*[^'"`\s)]/,
    },
    {
      name: 'perl',
      programs: /^perl[0-9.]*$/,
      codeFlags: ['-e', '-E'],
      valueFlags: ['-I', '-M', '-m', '-x'],
      stdin: true,
      apis: /\b(system|exec|unlink|rmdir|rmtree|remove_tree|rename|truncate|fork|kill|eval|syscall|chmod|chown|symlink|link|utime)\b|`|\bqx\s*[^\s\w]|\bopen\s*\(?[^;]*?(['"]\s*[|>+]|\|\s*['"]|,\s*['"][+>|-])|File::Path|IPC::|\bpipe\s*\(/,
    },
    {
      name: 'ruby',
      programs: /^(ruby[0-9.]*|jruby|truffleruby)$/,
      codeFlags: ['-e'],
      valueFlags: ['-r', '-I', '-C', '-E', '-F'],
      stdin: true,
      apis: /\b(system|exec|spawn|fork|eval|instance_eval|class_eval|module_eval|send|__send__|public_send|syscall|FileUtils|Open3|Kernel|PTY)\b|`|%x|\bFile\s*\.\s*(delete|unlink|write|rename|truncate|chmod|chown|symlink|open)|\bIO\s*\.\s*(popen|write|sysopen|binwrite)|\bDir\s*\.\s*(delete|rmdir|unlink)|\.(rmtree|delete|unlink|write|binwrite)\b|Process\s*\.\s*spawn|\bopen\s*\(\s*['"]\|/,
    },
    {
      name: 'php',
      programs: /^php[0-9.]*$/,
      codeFlags: ['-r'],
      valueFlags: ['-c', '-d', '-f', '-z'],
      stdin: true,
      apis: /\b(system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|pcntl_fork|unlink|rmdir|eval|assert|file_put_contents|fopen|fwrite|rename|create_function|call_user_func\w*|include|include_once|require|require_once|chmod|symlink|mail|dl|ffi)\b|`/i,
    },
    {
      name: 'lua',
      programs: /^(lua[0-9.]*|luajit)$/,
      codeFlags: ['-e'],
      valueFlags: ['-l'],
      stdin: true,
      apis: /\b(os\s*\.\s*(execute|remove|rename|exit|tmpname)|io\s*\.\s*(popen|open|output|write|lines)|loadstring|load|dofile|loadfile|require|package\s*\.\s*loadlib|debug\s*\.)\b/,
    },
    {
      name: 'r',
      programs: /^(Rscript|R)$/,
      codeFlags: ['-e'],
      valueFlags: ['-f', '--file'],
      stdin: false,
      apis: /\b(system2?|shell|unlink|file\.remove|file\.rename|file\.copy|file\.create|eval|parse|writeLines|write|writeBin|saveRDS|sink|download\.file|source|Sys\.setenv|dyn\.load|pipe)\s*\(|\bwrite\.\w+\s*\(/,
    },
    {
      name: 'osascript',
      programs: /^osascript$/,
      codeFlags: ['-e'],
      valueFlags: ['-l', '-s'],
      stdin: true,
      apis: /do\s+shell\s+script|tell\s+application|\bdelete\b|\bmove\b|System Events|Finder|Terminal|\brun\s+script\b|\bstore\s+script\b/i,
    },
    {
      name: 'awk',
      programs: /^(awk|gawk|mawk|nawk|busybox-awk)$/,
      codeFlags: ['-e', '--source'],
      valueFlags: [
        '-f',
        '--file',
        '-v',
        '--assign',
        '-F',
        '--field-separator',
        '-i',
        '--include',
        '-l',
        '--load',
        '-o',
        '-E',
        '--exec',
      ],
      firstOperand: true,
      stdin: false,
      apis: /\bsystem\s*\(|\|\s*getline|\bgetline\b[^;}]*<|\bprintf?\b[^;}]*(>|\|)|\bclose\s*\(|@load|\bfflush\b/,
    },
    {
      name: 'powershell',
      programs: /^(pwsh|powershell)(\.exe)?$/i,
      codeFlags: ['-c', '-Command', '-command', '-EncodedCommand', '-e', '-ec', '-enc'],
      stdin: false,
      apis: /Remove-Item|\b(rm|rmdir|del|erase|rd|ri)\b|Invoke-Expression|\biex\b|Start-Process|Invoke-Command|Format-Volume|Clear-Disk|Set-Content|Out-File|Add-Content|New-Item|Move-Item|Copy-Item|Rename-Item|\bsaps\b|Clear-Content|\[System\.IO|FromBase64String|EncodedCommand|-enc\b/i,
    },
  ];
  return table;
}

interface CodePatterns {
  /** Decoders whose output, given to exec/eval, is code nobody can read in the command line. */
  obfuscation: RegExp;
  evaluates: RegExp;
  /**
   * Literal shell commands the code hands to a shell: `os.system('…')`, `subprocess.run('…', shell=True)`,
   * `execSync('…')`, `system("…")`, backticks, `qx(…)`, `%x(…)`, awk's `system("…")`, `os.execute("…")`.
   */
  shellCall: RegExp;
  backticks: RegExp;
}
let codePatterns: CodePatterns | undefined;

/** The patterns analyseCode runs, made on first use (see languages()). */
function patterns(): CodePatterns {
  codePatterns ??= {
    obfuscation:
      /b64decode|base64|fromhex|unhexlify|codecs|rot_?13|\batob\b|fromCharCode|Buffer\s*\.\s*from|\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\[0-7]{3}|\bchr\s*\(|\bpack\s*\(|\.decode\s*\(|reverse|\[::-1\]/,
    evaluates:
      /\b(exec|eval|compile|Function|system|popen|__import__|getattr|spawn|execute|load|loadstring|instance_eval|send|Invoke-Expression|iex)\b/,
    shellCall:
      /\b(?:system|popen|getoutput|getstatusoutput|check_output|check_call|call|run|Popen|execSync|exec|spawnSync|execute|shell_exec|passthru|proc_open)\s*\(\s*(?:\[\s*)?(?:r|b|f)?(['"])((?:\\.|(?!\1)[^\\])*)\1/g,
    backticks: /`([^`]*)`|\bqx\s*[({[/|]([^)}\]/|]*)[)}\]/|]|%x[({[]([^)}\]]*)[)}\]]/g,
  };
  return codePatterns;
}

export type CodeFinding =
  | { kind: 'api'; language: string; match: string }
  | { kind: 'shell'; language: string; command: string }
  | { kind: 'obfuscated'; language: string };

/**
 * The stems of every program name of the table, lower-cased: a name is one of them once a version (`3.11`) and
 * `.exe` are taken off its end. Most programs (npm, git, ls) are none, and then no pattern of the table runs (in
 * the hook every pattern run is a pattern compiled, twice). A test holds every name a pattern matches to a stem.
 */
export const INTERPRETER_STEMS = new Set([
  'python',
  'pypy',
  'py',
  'node',
  'nodejs',
  'bun',
  'deno',
  'perl',
  'ruby',
  'jruby',
  'truffleruby',
  'php',
  'lua',
  'luajit',
  'rscript',
  'r',
  'osascript',
  'awk',
  'gawk',
  'mawk',
  'nawk',
  'busybox-awk',
  'pwsh',
  'powershell',
]);

/** `prog` without `.exe` (any case) and the digits and dots at its end, lower-cased. */
export function programStem(prog: string): string {
  let end = prog.length;
  if (end > 4 && prog.slice(-4).toLowerCase() === '.exe') end -= 4;
  while (end > 0 && ((prog.charCodeAt(end - 1) >= 0x30 && prog.charCodeAt(end - 1) <= 0x39) || prog[end - 1] === '.'))
    end--;
  return prog.slice(0, end).toLowerCase();
}

/** The language a program name belongs to, if it is an interpreter of the table. */
export function languageOf(prog: string): Language | undefined {
  if (!INTERPRETER_STEMS.has(programStem(prog))) return undefined;
  return languages().find((l) => l.programs.test(prog));
}

/**
 * Where the code of an interpreter call is: an option's value, the first operand (awk), or stdin (no script
 * named, or `-`). `undefined` when it runs a script file or a module (`python3 -m json.tool`), which is not
 * readable here and is treated like any program run by name.
 */
export function codeOf(lang: Language, args: readonly string[]): { code: string } | { stdin: true } | undefined {
  const code: string[] = [];
  let i = 0;
  if (lang.sub !== undefined) {
    if (args[0] !== lang.sub) return undefined;
    const rest = args.slice(1).filter((a) => !a.startsWith('-'));
    return rest.length > 0 ? { code: rest[0] } : undefined;
  }
  let module = false;
  for (; i < args.length; i++) {
    const x = args[i];
    if (x === '--') {
      i++;
      break;
    }
    if (x === '-' || !x.startsWith('-')) break;
    const eq = x.indexOf('=');
    const name = eq > 0 ? x.slice(0, eq) : x;
    if (lang.codeFlags.includes(name)) {
      code.push(eq > 0 ? x.slice(eq + 1) : (args[++i] ?? ''));
      continue;
    }
    // `python3 -m mod` runs a module, `awk -f prog.awk` a program file: no code on the line.
    if ((name === '-m' && lang.name === 'python') || (lang.firstOperand && (name === '-f' || name === '--file')))
      module = true;
    if (lang.valueFlags?.includes(name)) {
      if (eq < 0) i++;
      continue;
    }
    // A cluster with a code letter: `perl -lne CODE`, `python3 -Bc CODE`, or the code attached: `-c'print(1)'`.
    const letters = lang.codeFlags.filter((f) => /^-[A-Za-z]$/.test(f)).map((f) => f[1]);
    const at = /^-[A-Za-z]/.test(x) ? [...x.slice(1)].findIndex((c) => letters.includes(c)) : -1;
    if (at >= 0 && /^-[A-Za-z]*$/.test(x.slice(0, at + 2))) {
      const attached = x.slice(at + 2);
      code.push(attached !== '' ? attached : (args[++i] ?? ''));
      continue;
    }
  }
  if (code.length > 0) return { code: code.join('\n') };
  if (module) return undefined;
  if (lang.firstOperand) return i < args.length ? { code: args[i] } : undefined;
  if (!lang.stdin) return undefined;
  return i >= args.length || args[i] === '-' ? { stdin: true } : undefined;
}

/** What in the code the deny list should know about: literal shell commands first, then dangerous APIs. */
export function analyseCode(lang: Language, code: string): CodeFinding[] {
  const out: CodeFinding[] = [];
  const { shellCall, backticks, obfuscation, evaluates } = patterns();
  for (const m of code.matchAll(shellCall)) out.push({ kind: 'shell', language: lang.name, command: unescape(m[2]) });
  if (lang.name !== 'python' && lang.name !== 'node' && lang.name !== 'deno') {
    for (const m of code.matchAll(backticks))
      out.push({ kind: 'shell', language: lang.name, command: m[1] ?? m[2] ?? m[3] ?? '' });
  }
  const api = lang.apis.exec(code);
  if (api) out.push({ kind: 'api', language: lang.name, match: api[0] });
  if (obfuscation.test(code) && evaluates.test(code)) out.push({ kind: 'obfuscated', language: lang.name });
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(["'\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
