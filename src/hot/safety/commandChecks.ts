/**
 * The checks of a simple command that the rules cannot express, because what runs is not in its argv:
 * data piped or fed into a shell or interpreter, interpreter code, git settings and aliases, alias and trap
 * definitions, values assigned for later, and unknown programs that may run their arguments as a command.
 * Each returns a verdict or undefined; inner scripts are judged through `judge` (commandJudge.ts).
 */
import type { DenyRule } from '../../core/safety/denyRules';
import { gitFindings } from './gitConfig';
import { analyseCode, codeOf, languageOf } from './inlineCode';
import { programMatches, ruleMatches, type FolderContext } from './ruleMatch';
import { programName, type SimpleCommand } from './shellCommand';
import { unwrap } from './shellWrappers';
import { parseShell } from './shellParser';

export type Verdict =
  { decision: 'allow' } | { decision: 'deny' | 'ask'; ruleId: string; reason: string; command: string };
type Stop = Exclude<Verdict, { decision: 'allow' }>;

export interface CheckEnv {
  rules: readonly DenyRule[];
  ctx: FolderContext & { gitAlias?: (name: string) => string | undefined };
  /** Judges a script of its own (one level deeper). */
  judge(src: string): Verdict;
  /** Names of the functions the script defines: they shadow programs of the same name. */
  functions: ReadonlySet<string>;
}

export const RULE_IDS = {
  data: 'shell-from-data',
  code: 'interpreter-code',
  git: 'git-config-command',
  gitAlias: 'git-alias',
  alias: 'shell-alias',
  trap: 'shell-trap',
  assigned: 'assigned-code',
  wrapper: 'unknown-wrapper',
} as const;

const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'ash',
  'mksh',
  'yash',
  'posh',
  'fish',
  'csh',
  'tcsh',
  'source',
  '.',
  'at',
  'batch',
]);
/** Programs that never run their arguments: dangerous text in them is data (messages, patterns, file names). */
const INERT = new Set(
  (
    'echo printf logger grep egrep fgrep rg ag ack ugrep cat bat less more most man info whatis apropos tldr which type whereis hash help head tail wc sort ' +
    'uniq cut tr jq yq fold fmt nl column diff cmp comm ls cd pushd popd mkdir touch stat file du df basename dirname realpath readlink pwd id whoami ' +
    'hostname uname date sleep true false test [ read export local declare typeset readonly unset set shift return exit git gh glab hub notify-send ' +
    'say figlet cowsay banner wall write tee printenv sed base64 md5sum sha256sum shasum xxd od hexdump strings curl wget http jira cp mv ln ' +
    'chmod chown rmdir mktemp kill pkill pgrep ps top htop open xdg-open code vim vi nano emacs'
  ).split(' '),
);
const STOP_WORDS = /^(Enter|C-m|KPEnter|C-c|Escape)$/;

const stop = (decision: 'deny' | 'ask', ruleId: string, reason: string, command: string): Stop => ({
  decision,
  ruleId,
  reason,
  command,
});

/** An inner verdict reported against the outer command, `how` saying how the inner one runs. */
function nested(inner: Verdict, how: string, cmd: SimpleCommand, tier?: 'ask'): Stop | undefined {
  if (inner.decision === 'allow') return undefined;
  return stop(tier ?? inner.decision, inner.ruleId, `${how}: ${inner.reason}`, cmd.text);
}

export function extraChecks(cmd: SimpleCommand, env: CheckEnv): Stop | undefined {
  const argv = cmd.argv;
  if (argv.length === 0) return assignedCode(cmd, env);
  const prog = programName(argv[0]);
  return (
    assignedCode(cmd, env) ??
    fedIntoShell(cmd, prog, env) ??
    interpreterCode(cmd, prog, env) ??
    (prog === 'git' ? gitChecks(cmd, env) : undefined) ??
    aliasOrTrap(cmd, prog, env) ??
    unknownWrapper(cmd, prog, env)
  );
}

/** `x='rm -rf /'; $x`, `eval "$x"`: a value assigned for later whose text holds a command the rules are about. */
function assignedCode(cmd: SimpleCommand, env: CheckEnv): Stop | undefined {
  const values = Object.entries(cmd.env).map(([, v]) => v);
  if (['export', 'declare', 'typeset', 'local', 'readonly'].includes(programName(cmd.argv[0] ?? '')))
    values.push(
      ...cmd.argv
        .slice(1)
        .filter((a) => /^[A-Za-z_]\w*=/.test(a))
        .map((a) => a.slice(a.indexOf('=') + 1)),
    );
  for (const v of values) {
    if (!/[\s;|&$`(]/.test(v)) continue;
    const inner = nested(env.judge(v), 'a value assigned here runs later as a command', cmd, 'ask');
    if (inner) return { ...inner, ruleId: RULE_IDS.assigned };
  }
  return undefined;
}

/** Literal text a command writes to stdout: `echo …`, `printf …` with no expansion. */
function literalOutput(src: SimpleCommand): string | undefined {
  const p = programName(src.argv[0] ?? '');
  if (src.dynamic.some(Boolean) || (p !== 'echo' && p !== 'printf')) return undefined;
  const args = src.argv.slice(1).filter((a) => !/^-[neE]+$/.test(a));
  return p === 'printf' ? args.join('\n').replace(/\\n/g, '\n').replace(/%s/g, '') : args.join(' ');
}

/** `… | sh`, `base64 -d | bash`, `curl … | python3`, `sh < <(…)`, `bash <(…)`, `source <(…)`: code nobody has read. */
function fedIntoShell(cmd: SimpleCommand, prog: string, env: CheckEnv): Stop | undefined {
  const lang = languageOf(prog);
  const isShell = SHELLS.has(prog) && (prog === 'source' || prog === '.' || readsStdin(cmd.argv));
  if (!isShell && !lang) return undefined;
  const procArg = cmd.argv.slice(1).find((a) => a.startsWith('<(') || a.startsWith('>('));
  if (procArg && (SHELLS.has(prog) || lang))
    return stop(
      'ask',
      RULE_IDS.data,
      'runs a script produced at run time by another command (process substitution): nobody can read it before it runs',
      cmd.text,
    );
  const code = lang ? codeOf(lang, cmd.argv.slice(1)) : undefined;
  if (lang && !(code && 'stdin' in code)) return undefined;
  const feed = cmd.redirects.find((r) => (r.fd ?? 0) === 0 && (r.op === '<' || r.op === '<&' || r.op === '<>'));
  if (feed?.target.startsWith('<(') || feed?.dynamic)
    return stop(
      'ask',
      RULE_IDS.data,
      'runs a script produced at run time (stdin from a process substitution or a variable): nobody can read it before it runs',
      cmd.text,
    );
  const from = cmd.pipedFrom.at(-1);
  if (!from || cmd.redirects.some((r) => (r.fd ?? 0) === 0 && r.op.startsWith('<'))) return undefined;
  const text = literalOutput(from);
  if (text === undefined)
    return stop(
      'ask',
      RULE_IDS.data,
      `runs what ${programName(from.argv[0] ?? '?')} writes to it as code: nobody can read it before it runs`,
      cmd.text,
    );
  if (lang) return codeVerdict(lang.name, text, cmd, env, languageOf(prog)!);
  return nested(env.judge(text), 'the script piped into the shell', cmd);
}

/** A shell with no script operand and no `-c` reads its commands from stdin. */
function readsStdin(argv: readonly string[]): boolean {
  const step = unwrap(argv, parseShell);
  return (
    step?.kind === 'stdin' ||
    ((programName(argv[0]) === 'at' || programName(argv[0]) === 'batch') && step === undefined)
  );
}

/** `python3 -c`, `node -e`, `perl -e`, awk programs, and code on stdin from a heredoc or here-string. */
function interpreterCode(cmd: SimpleCommand, prog: string, env: CheckEnv): Stop | undefined {
  const lang = languageOf(prog);
  if (!lang) return undefined;
  const where = codeOf(lang, cmd.argv.slice(1));
  if (!where) return undefined;
  let code: string | undefined;
  if ('code' in where) code = where.code;
  else {
    const feed = [...cmd.redirects].reverse().find((r) => (r.fd ?? 0) === 0 && r.op.startsWith('<<'));
    code = feed ? (feed.body ?? feed.target) : undefined;
  }
  if (code === undefined) return undefined;
  if (cmd.dynamic.some(Boolean) && /\$/.test(code) && 'code' in where) {
    // `python3 -c "$CODE"`: the code itself is only known at run time.
    if (/^\s*("?\$\{?\w+\}?"?|\$\(.*\))\s*$/s.test(code))
      return stop('ask', RULE_IDS.code, `the ${lang.name} code is decided at run time`, cmd.text);
  }
  return codeVerdict(lang.name, code, cmd, env, lang);
}

function codeVerdict(
  name: string,
  code: string,
  cmd: SimpleCommand,
  env: CheckEnv,
  lang: NonNullable<ReturnType<typeof languageOf>>,
): Stop | undefined {
  const findings = analyseCode(lang, code);
  for (const f of findings) {
    if (f.kind !== 'shell') continue;
    const inner = env.judge(f.command);
    if (inner.decision !== 'allow')
      return stop(inner.decision, inner.ruleId, `the ${name} code runs a shell command: ${inner.reason}`, cmd.text);
  }
  const f = findings[0];
  if (!f) return undefined;
  if (f.kind === 'obfuscated' || findings.some((x) => x.kind === 'obfuscated'))
    return stop(
      'ask',
      RULE_IDS.code,
      `the ${name} code decodes text and evaluates it: nobody can read what it runs`,
      cmd.text,
    );
  const what = f.kind === 'api' ? f.match.trim() : 'a shell command';
  return stop(
    'ask',
    RULE_IDS.code,
    `the ${name} code reaches ${what}, which can run commands or change files`,
    cmd.text,
  );
}

/** `git -c alias.x='!…' x`, `-c core.sshCommand=…`, GIT_SSH_COMMAND=…, and aliases the repository defines. */
function gitChecks(cmd: SimpleCommand, env: CheckEnv): Stop | undefined {
  for (const f of gitFindings(cmd.argv, cmd.env, cmd.dynamic, env.ctx.gitAlias)) {
    if (f.kind === 'unknown')
      return stop(
        'ask',
        RULE_IDS.git,
        `git setting ${f.key} runs a command or loads code decided at run time`,
        cmd.text,
      );
    if (f.kind === 'command') {
      const inner = nested(env.judge(f.command), `git setting ${f.key} runs a command`, cmd);
      if (inner) return { ...inner, ruleId: inner.decision === 'deny' ? inner.ruleId : RULE_IDS.git };
      continue;
    }
    const inner = nested(env.judge(f.shell ?? f.git ?? ''), `git alias ${f.name} runs`, cmd);
    if (inner) return inner;
  }
  return undefined;
}

/** `alias x='rm -rf /'` (runs when x is typed) and `trap 'rm -rf /' EXIT` (runs when the shell exits). */
function aliasOrTrap(cmd: SimpleCommand, prog: string, env: CheckEnv): Stop | undefined {
  if (prog === 'alias') {
    for (const a of cmd.argv.slice(1)) {
      const eq = a.indexOf('=');
      if (eq <= 0) continue;
      const inner = nested(env.judge(a.slice(eq + 1)), `alias ${a.slice(0, eq)} runs`, cmd, 'ask');
      if (inner) return { ...inner, ruleId: RULE_IDS.alias };
    }
  }
  if (prog === 'trap' && cmd.argv.length > 2 && !cmd.argv[1].startsWith('-')) {
    if (cmd.dynamic[1]) return stop('ask', RULE_IDS.trap, 'a trap handler decided at run time', cmd.text);
    const inner = nested(env.judge(cmd.argv[1]), 'the trap handler runs', cmd);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * A program that is neither a known wrapper nor known inert may run its arguments as a command
 * (`mytool rm -rf /`, `hyperfine 'rm -rf /'`): ask when a suffix of its argv, or one argument read as a
 * script, is a command a rule stops.
 */
function unknownWrapper(cmd: SimpleCommand, prog: string, env: CheckEnv): Stop | undefined {
  if ((INERT.has(prog) && !env.functions.has(prog)) || languageOf(prog) || cmd.wrappers.at(-1) === 'find -exec')
    return undefined;
  const argv = cmd.argv;
  const specific = env.rules.filter((r) => !(typeof r.program === 'string' ? [r.program] : r.program).includes('*'));
  if (specific.some((r) => programMatches(r.program, prog) && !env.functions.has(prog))) return undefined;
  for (let k = 1; k < Math.min(argv.length, 64); k++) {
    if (cmd.dynamic[k] || STOP_WORDS.test(argv[k])) continue;
    const sub = programName(argv[k]);
    for (const r of specific) {
      if (!programMatches(r.program, sub) || !ruleMatches(r, cmd, argv.slice(k), env.ctx, false)) continue;
      return stop('ask', RULE_IDS.wrapper, `${prog} may run its arguments as a command: ${r.description}`, cmd.text);
    }
    if (/\s/.test(argv[k]) && /[A-Za-z]/.test(argv[k])) {
      const inner = env.judge(argv[k]);
      if (inner.decision !== 'allow')
        return stop('ask', RULE_IDS.wrapper, `${prog} may run its argument as a command: ${inner.reason}`, cmd.text);
    }
  }
  return undefined;
}
