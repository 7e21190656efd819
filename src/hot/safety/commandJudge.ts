/**
 * Judges a script: every simple command the parser finds against the rules, as written, through its
 * wrappers, with its brace expansions done, with the values its run-time words could take (variables,
 * globs, what xargs and `find -exec` fill in), and through the checks the rules cannot express
 * (commandChecks.ts). The first deny wins; otherwise the first ask; otherwise allow.
 */
import type { RealPath } from './realPath';
import { extraChecks, type CheckEnv, type Verdict } from './commandChecks';
import type { DenyRule } from '../../core/safety/denyRules';
import { programMatches, ruleMatches, rulesFor, saysMore } from './ruleMatch';
import { assignedValues, candidates, braceExpand, hasBraces, type ValueContext } from './runtimeValues';
import { programName, writesFile, type ShellParse, type SimpleCommand } from './shellCommand';
import { parseShell } from './shellParser';
import { dictionary } from '../dictionary';
import { CwdTracker, isCd, type Cwds } from './shellCwds';

type Stop = Exclude<Verdict, { decision: 'allow' }>;

export interface JudgeContext {
  workspaceRoot?: string;
  home?: string;
  /** The call's working directory (see FolderContext). */
  cwd?: string;
  cwdsOf?: (cmd: SimpleCommand) => Cwds | undefined;
  realPaths?: Map<string, RealPath>;
  gitAlias?: (name: string) => string | undefined;
  deadline?: number;
}

/** The ruleId of the `ask` given when the command could not be fully parsed. */
export const INCOMPLETE_RULE_ID = 'incomplete-parse';
/** The ruleId of the `ask` given past MAX_NESTING levels of scripts inside values, aliases, code… */
export const NESTING_RULE_ID = 'nested-too-deep';
const MAX_NESTING = 4;
const MAX_DYNAMIC_ARGS = 8;

const mentionCache = new WeakMap<readonly DenyRule[], RegExp>();

/** `parsed`: the parse of `src` when the caller has it already (the hook parses a command once). */
export function judgeScript(
  src: string,
  rules: readonly DenyRule[],
  ctx: JudgeContext,
  depth: number,
  parsed?: ShellParse,
): Verdict {
  if (depth > MAX_NESTING)
    return {
      decision: 'ask',
      ruleId: NESTING_RULE_ID,
      reason: 'scripts nested inside values, aliases or code deeper than F-MES reads',
      command: src.trim().slice(0, 200),
    };
  const parse = parsed ?? parseShell(src, { deadline: ctx.deadline });
  const facts = scriptFacts(parse);
  const here: JudgeContext = { ...ctx, cwdsOf: cwdsIn(src, parse) };
  const env: CheckEnv = {
    rules,
    ctx: here,
    functions: facts.functions,
    judge: (s) => judgeScript(s, rules, ctx, depth + 1),
  };
  let ask: Verdict | undefined;
  for (const cmd of parse.commands) {
    const v = judgeCommand(cmd, env, facts.assigned);
    if (v?.decision === 'deny') return v;
    ask ??= v;
  }
  if (ask) return ask;
  if (!parse.complete && mentions(rules).test(src)) {
    return {
      decision: 'ask',
      ruleId: INCOMPLETE_RULE_ID,
      reason: 'the command could not be fully parsed and names a program the deny list is about',
      command: src.trim(),
    };
  }
  return { decision: 'allow' };
}

/** Where each command of `parse` runs (shellCwds.ts), worked out on the first question: most scripts have none. */
function cwdsIn(src: string, parse: ShellParse): (cmd: SimpleCommand) => Cwds | undefined {
  let map: Map<SimpleCommand, Cwds> | undefined;
  return (cmd) => {
    if (!map) {
      map = new Map();
      // Without a cd, pushd or popd every command runs in the call's folder (undefined says that).
      const names = parse.commands.map((c) => programName(c.argv[0] ?? ''));
      if (names.some(isCd)) {
        const tracker = new CwdTracker(src);
        parse.commands.forEach((c, k) => c.remote || map!.set(c, tracker.next(c, names[k])));
      }
    }
    return map.get(cmd);
  };
}

/** The builtins whose `NAME=value` operands assign (the hook would compile a pattern for them, twice). */
export const DECLARERS = dictionary<true>({
  __proto__: null,
  export: true,
  declare: true,
  typeset: true,
  local: true,
  readonly: true,
});

/** What the whole script tells about each command: the literal values of its variables, its functions. */
function scriptFacts(parse: ShellParse): { assigned: Map<string, string[]>; functions: Set<string> } {
  const assigned = new Map<string, string[]>();
  const functions = new Set<string>();
  const add = (k: string, v: string): void => void assigned.set(k, [...(assigned.get(k) ?? []), v].slice(-4));
  for (const c of parse.commands) {
    if (c.inFunction !== undefined) functions.add(c.inFunction);
    if (c.argv.length === 0) for (const [k, v] of Object.entries(c.env)) add(k, v);
    if (DECLARERS[programName(c.argv[0] ?? '')] === true) {
      for (const a of c.argv.slice(1))
        if (/^[A-Za-z_]\w*=/.test(a)) add(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
    }
  }
  return { assigned, functions };
}

function judgeCommand(
  cmd: SimpleCommand,
  env: CheckEnv,
  assigned: ReadonlyMap<string, readonly string[]>,
): Verdict | undefined {
  let ask: Verdict | undefined;
  const take = (v: Verdict | undefined): Verdict | undefined => {
    if (v?.decision === 'deny') return v;
    ask ??= v?.decision === 'ask' ? v : undefined;
    return undefined;
  };
  const vc: ValueContext = { assigned, extra: [env.ctx.home, env.ctx.workspaceRoot].filter((x): x is string => !!x) };
  const d =
    take(staticMatch(cmd, env)) ??
    take(bracesMatch(cmd, env)) ??
    take(fillInMatch(cmd, env)) ??
    take(runtimeMatch(cmd, env, vc)) ??
    take(runtimeRedirect(cmd, env, vc)) ??
    take(dynamicProgram(cmd, env, vc)) ??
    take(extraChecks(cmd, env));
  return d ?? ask;
}

/** The rules against one argv: the first deny, else the first ask. `tier` caps the verdict (`ask`). */
function matchRules(
  cmd: SimpleCommand,
  argv: readonly string[],
  env: CheckEnv,
  tier?: 'ask',
  why?: string,
): Stop | undefined {
  let ask: Stop | undefined;
  // Only the rules that name this program (ruleMatches would refuse the others on the program alone).
  for (const rule of rulesFor(env.rules, argv.length > 0 ? programName(argv[0]) : '')) {
    if (!ruleMatches(rule, cmd, argv, env.ctx, false)) continue;
    const decision = tier ?? rule.tier;
    const v: Stop = {
      decision,
      ruleId: rule.id,
      reason: why ? `${why}: ${rule.description}` : rule.description,
      command: cmd.text,
    };
    if (decision === 'deny') return v;
    ask ??= v;
  }
  return ask;
}

/** The command as written, and each wrapper around it for rules about wrappers (`ssh prod …`, `sudo …`). */
function staticMatch(cmd: SimpleCommand, env: CheckEnv): Stop | undefined {
  let ask: Stop | undefined;
  for (const argv of [cmd.argv, ...cmd.wrapperArgv]) {
    const v = matchRules(cmd, argv, env);
    if (v?.decision === 'deny') return v;
    ask ??= v;
  }
  return ask;
}

/** `rm -rf {/,x}` is `rm -rf / x`: the shell expands braces before anything runs, so this is exact. */
function bracesMatch(cmd: SimpleCommand, env: CheckEnv): Stop | undefined {
  if (!cmd.argv.some((a, k) => cmd.dynamic[k] && hasBraces(a))) return undefined;
  const argv = cmd.argv.flatMap((a, k) => (cmd.dynamic[k] ? braceExpand(a) : [a]));
  // The program name itself may come out of the braces too: `{rm,-rf,/}` is `rm -rf /`.
  return matchRules(cmd, argv, env);
}

/**
 * What xargs and `find -exec` put in place of `{}` (or append): for `find`, its start folders when nothing
 * filters what it finds (`find / -maxdepth 0 -exec rm -rf {} +` is `rm -rf /`); for xargs, whatever comes in.
 */
function fillInMatch(cmd: SimpleCommand, env: CheckEnv): Stop | undefined {
  const w = cmd.wrappers.lastIndexOf('find -exec');
  const x = cmd.wrappers.lastIndexOf('xargs');
  if (w >= 0 && w > x) {
    const find = cmd.wrapperArgv[w];
    const starts: string[] = [];
    let i = 1;
    while (i < find.length && /^-[HLP]$|^-O\d$|^-D$/.test(find[i])) i += find[i] === '-D' ? 2 : 1;
    for (; i < find.length && !/^[-(!]/.test(find[i]); i++) starts.push(find[i]);
    const filtered = find.some(
      (a, k) =>
        /^-(i?name|i?path|i?regex|type|newer\w*|[acm](time|min)|size|user|group|perm|empty|mindepth|links|inum|samefile|wholename|iwholename)$/.test(
          a,
        ) && !(/name$/.test(a) && find[k + 1] === '*'),
    );
    const values = filtered ? starts.map((s) => `${s.replace(/\/$/, '')}/x`) : starts.length > 0 ? starts : ['.'];
    for (const v of values) {
      const hit = matchRules(
        cmd,
        cmd.argv.map((a) => a.replaceAll('{}', v)),
        env,
      );
      if (hit) return hit;
    }
    return undefined;
  }
  if (x < 0) return undefined;
  const xa = cmd.wrapperArgv[x];
  const replace = xa.find((a, k) => /^(-I|-i|--replace)/.test(a) && (a.length > 2 || xa[k + 1] !== undefined));
  let marker: string | undefined;
  if (replace !== undefined)
    marker =
      replace === '-I'
        ? xa[xa.indexOf('-I') + 1]
        : replace.startsWith('-I')
          ? replace.slice(2)
          : replace.includes('=')
            ? replace.slice(replace.indexOf('=') + 1)
            : '{}';
  const variants = ['/', '~', '.', '*', '/etc', '/dev/sda', 'production', 'DROP TABLE t'];
  for (const v of variants) {
    const argv = marker ? cmd.argv.map((a) => a.replaceAll(marker, v)) : [...cmd.argv, v];
    const hit = matchRules(cmd, argv, env, 'ask', 'xargs fills in arguments decided at run time');
    if (hit) return hit;
  }
  return undefined;
}

/** Arguments that hold an expansion or a glob: ask when some value they could take makes a rule match. */
function runtimeMatch(cmd: SimpleCommand, env: CheckEnv, vc: ValueContext): Stop | undefined {
  if (cmd.dynamic[0] || !cmd.dynamic.some(Boolean)) return undefined;
  const prog = programName(cmd.argv[0] ?? '');
  const rules = env.rules.filter((r) => programMatches(r.program, prog) && saysMore(r));
  if (rules.length === 0) return undefined;
  const positions = cmd.dynamic.flatMap((d, k) => (d && k > 0 ? [k] : [])).slice(0, MAX_DYNAMIC_ARGS);
  const why = 'decided at run time';
  for (const k of positions) {
    const subs = rules.flatMap((r) => (r.subcommand ?? []).flatMap((s) => s.split('|')));
    for (const value of candidates(cmd.argv[k], { ...vc, extra: [...vc.extra, ...subs] })) {
      const argv = [
        ...cmd.argv.slice(0, k),
        ...(value.includes(' ') && !/^(DROP|TRUNCATE|DO|DELETE)/.test(value) ? value.split(' ') : [value]),
        ...cmd.argv.slice(k + 1),
      ];
      const hit = matchRules(
        cmd,
        argv,
        { ...env, rules },
        'ask',
        `an argument is ${why} (${cmd.argv[k]} could be ${JSON.stringify(value)})`,
      );
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * An output redirection whose target is known only at run time but assigned in the script (`D=/dev/sda; echo x >
 * $D`): asked when one of its values makes a redirection rule match. A target no assignment explains (`> "$LOG"`)
 * is not probed: every script that logs would be asked about (the written-path analysis reports it as unknown).
 */
function runtimeRedirect(cmd: SimpleCommand, env: CheckEnv, vc: ValueContext): Stop | undefined {
  const dynamic = cmd.redirects.filter((r) => r.dynamic && writesFile(r)).slice(0, MAX_DYNAMIC_ARGS);
  if (dynamic.length === 0) return undefined;
  const prog = programName(cmd.argv[0] ?? '');
  const rules = env.rules.filter(
    (r) => r.redirectPattern !== undefined && (cmd.dynamic[0] || programMatches(r.program, prog)),
  );
  if (rules.length === 0) return undefined;
  // The command with one target filled in runs where the command does (shellCwds.ts).
  const ctx = { ...env.ctx, cwdsOf: () => env.ctx.cwdsOf?.(cmd) };
  for (const r of dynamic)
    for (const value of assignedValues(r.target, vc) ?? []) {
      const filled = { ...cmd, redirects: cmd.redirects.map((x) => (x === r ? { ...x, target: value } : x)) };
      const why = `a redirection is decided at run time (${r.target} could be ${JSON.stringify(value)})`;
      const hit = matchRules(filled, cmd.argv, { ...env, rules, ctx }, 'ask', why);
      if (hit) return hit;
    }
  return undefined;
}

/**
 * A program name known only at run time (`$CMD -rf /`, `rm${IFS}-rf${IFS}/`, `$x` with `x='rm -rf /'`):
 * ask when it could be a program some rule is about.
 */
function dynamicProgram(cmd: SimpleCommand, env: CheckEnv, vc: ValueContext): Stop | undefined {
  if (!cmd.dynamic[0]) return undefined;
  const why = 'the program is only known at run time and could be this';
  for (const rule of env.rules) {
    // A rule told only by a short option (`sgdisk -m`) would match any program given that letter (`"$PY" -m x`).
    const lettersOnly =
      !rule.subcommand &&
      !rule.argPattern &&
      !rule.argPatterns &&
      !rule.lastArgPattern &&
      !rule.sql &&
      !!rule.anyFlags?.some((f) => /^-\w$/.test(f));
    if (saysMore(rule) && !lettersOnly && ruleMatches(rule, cmd, cmd.argv, env.ctx, true))
      return { decision: 'ask', ruleId: rule.id, reason: `${why}: ${rule.description}`, command: cmd.text };
  }
  // Fill the program word in (IFS as a space, assigned values, unset) and read the line again.
  const rest = cmd.argv.slice(1).join(' ');
  const head = cmd.argv[0].replace(/\$\{?IFS\}?|\$\{IFS[^}]*\}/g, ' ');
  const texts = new Set([
    head,
    ...candidates(cmd.argv[0], { assigned: vc.assigned, extra: [] }).filter(
      (c) => c.includes(' ') || /^[\w./-]+$/.test(c),
    ),
  ]);
  for (const t of texts) {
    if (t === cmd.argv[0] || t.trim() === '') continue;
    const inner = env.judge(`${t} ${rest}`);
    if (inner.decision !== 'allow' && inner.ruleId !== INCOMPLETE_RULE_ID)
      return { decision: 'ask', ruleId: inner.ruleId, reason: `${why}: ${inner.reason}`, command: cmd.text };
  }
  return undefined;
}

/** Any program name a rule is about (or pipes from, like curl), as a word of the text (for incomplete parses). */
export function mentions(rules: readonly DenyRule[]): RegExp {
  let re = mentionCache.get(rules);
  if (!re) {
    // `eval $X` runs a string nobody can read before it runs.
    const progs = [
      'eval',
      ...rules.flatMap((r) => [...(typeof r.program === 'string' ? [r.program] : r.program), ...(r.pipedFrom ?? [])]),
    ].filter((p) => /^[A-Za-z]/.test(p));
    const alts = [...new Set(progs)].map(
      (p) => p.replace(/\*$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + (p.endsWith('*') ? '\\S*' : ''),
    );
    re = new RegExp(`(?:^|[\\s;&|(){}'"\`/=])(?:${alts.join('|') || '(?!)'})(?=$|[\\s;&|(){}'"\`])`);
    mentionCache.set(rules, re);
  }
  return re;
}
