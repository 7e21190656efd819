/**
 * Does one deny-list rule match one argv? The matcher proper, apart from the rules (defaultRules.ts) and the
 * analyses that feed it argvs (denyList.ts): plain functions over strings, regexes compiled once per source.
 */
import { posix } from 'node:path';
import type { DenyRule } from '../../core/safety/denyRules';
import { resolveReal, type RealPath } from './realPath';
import { join, type Cwds } from './shellCwds';
import { programName, writesFile, type SimpleCommand } from './shellCommand';

/** Where `{{home}}` and `{{workspace}}` point, and the folder the command runs in. */
export interface FolderContext {
  workspaceRoot?: string;
  home?: string;
  /** The call's working directory (absolute): a relative redirection is tested where it lands (redirectTargets). */
  cwd?: string;
  /** The decision's resolutions (realPath.ts ResolveContext.memo). */
  realPaths?: Map<string, RealPath>;
  /** Where a command of the script runs after the `cd`s before it (shellCwds.ts); undefined: the call's folder. */
  cwdsOf?: (cmd: SimpleCommand) => Cwds | undefined;
}

const regexCache = new Map<string, RegExp>();

const SQL_PATTERNS: Record<string, RegExp> = {
  true: /\b(DROP\s+(TABLE|DATABASE|SCHEMA)|TRUNCATE)\b/i,
  drop: /\bDROP\s+[A-Z]/i,
  // A DO block or EXECUTE/PREPARE builds its SQL at run time: nobody can read it beforehand.
  dynamic: /(^|;)\s*(DO\b|EXECUTE\b|PREPARE\b)|\bEXECUTE\s+(IMMEDIATE|format\b|'|\$|\w+\s*\|\|)/i,
};
/** SQL string literals, quoted identifiers and comments: `WHERE note = 'truncate'`, `SELECT "truncate"` run nothing. */
const SQL_INERT = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|--[^\n]*|\/\*[\s\S]*?\*\//g;

/** Every condition the rule gives holds for this argv (argv[0] the program, unless `anyProgram`). */
export function ruleMatches(
  rule: DenyRule,
  cmd: SimpleCommand,
  argv: readonly string[],
  ctx: FolderContext,
  anyProgram: boolean,
): boolean {
  const prog = argv.length > 0 ? programName(argv[0]) : '';
  // A rule that names only programs (`shutdown`) would match every unknown program: those need the name.
  if (!programMatches(rule.program, prog) && !(anyProgram && saysMore(rule))) return false;
  const args = argv.slice(1);
  let operands: string[] | undefined;
  if (rule.subcommand || rule.anyFlags || rule.allFlags || rule.noneFlags || rule.lastArgPattern !== undefined) {
    const o = options(args, rule.valueFlags ?? []);
    operands = o.operands;
    const has = (f: string): boolean =>
      o.flags.has(f) ||
      (!!rule.abbrev &&
        f.startsWith('--') &&
        [...o.flags].some((x) => x.length >= 5 && x.startsWith('--') && f.startsWith(x)));
    if (
      rule.subcommand &&
      !rule.subcommand.every((alts, k) => operands![k] !== undefined && alts.split('|').includes(operands![k]))
    )
      return false;
    if (rule.anyFlags && !rule.anyFlags.some(has)) return false;
    if (rule.allFlags && !rule.allFlags.every(has)) return false;
    if (rule.noneFlags?.some(has)) return false;
  }
  if (rule.argPattern !== undefined && !someArg(compile(rule.argPattern, ctx), args)) return false;
  if (rule.argPatterns && !rule.argPatterns.every((p) => someArg(compile(p, ctx), args))) return false;
  if (rule.lastArgPattern !== undefined) {
    const last = operands?.at(-1);
    const re = compile(rule.lastArgPattern, ctx);
    if (last === undefined || !(re.test(last) || re.test(normalise(last)))) return false;
  }
  if (rule.redirectPattern !== undefined) {
    // Most commands write nowhere: their pattern is not compiled (the hook would compile it, twice).
    const outputs = cmd.redirects.filter(writesFile);
    if (outputs.length === 0) return false;
    const re = compile(rule.redirectPattern, ctx);
    if (!outputs.some((r) => redirectTargets(r.target, cmd, ctx).some((t) => re.test(t)))) return false;
  }
  if (
    rule.pipedFrom &&
    !cmd.pipedFrom.some((p) => p.argv.length > 0 && rule.pipedFrom!.includes(programName(p.argv[0])))
  )
    return false;
  if (
    rule.sql !== undefined &&
    rule.sql !== false &&
    !sqlTexts(cmd, argv).some((t) => sqlMatches(rule.sql as true | string, t))
  )
    return false;
  if (rule.selfCall && (cmd.inFunction === undefined || cmd.inFunction !== prog)) return false;
  return true;
}

/** The rule says more than a program name, so it cannot match every program by accident. */
export function saysMore(rule: DenyRule): boolean {
  return !!(
    rule.subcommand ||
    rule.anyFlags ||
    rule.allFlags ||
    rule.argPattern !== undefined ||
    rule.argPatterns ||
    rule.lastArgPattern !== undefined ||
    rule.sql
  );
}

/** The rules whose program is a name, by name; those with `*` or a `prefix*`, apart. Indices into the list. */
interface RuleIndex {
  byName: Map<string, number[]>;
  wild: number[];
  /** The list's length when indexed: a list that changed since (none should: mergeRules freezes its) is indexed anew. */
  length: number;
}
const ruleIndexes = new WeakMap<readonly DenyRule[], RuleIndex>();

/**
 * The rules of `rules` whose program matches `prog` (programMatches), in the list's order. A command was tested
 * against every rule of the list (about 180); the index, built once per list, hands it the handful that name its
 * program and the few wildcards.
 */
export function rulesFor(rules: readonly DenyRule[], prog: string): DenyRule[] {
  let index = ruleIndexes.get(rules);
  if (index?.length !== rules.length) {
    const byName = new Map<string, number[]>();
    const wild: number[] = [];
    const add = (p: string, i: number): void => {
      const list = p.endsWith('*') ? wild : (byName.get(p) ?? byName.set(p, []).get(p)!);
      if (list.at(-1) !== i) list.push(i);
    };
    for (let i = 0; i < rules.length; i++) {
      const program = rules[i].program;
      if (typeof program === 'string') add(program, i);
      else for (const p of program) add(p, i);
    }
    index = { byName, wild, length: rules.length };
    ruleIndexes.set(rules, index);
  }
  const named = index.byName.get(prog) ?? [];
  const out: DenyRule[] = [];
  // Both lists are in order: merge them, each index once (a rule with a name and a wildcard is in both).
  let last = -1;
  for (let a = 0, b = 0; a < named.length || b < index.wild.length;) {
    const i = b >= index.wild.length || (a < named.length && named[a] <= index.wild[b]) ? named[a++] : index.wild[b++];
    if (i !== last && programMatches(rules[i].program, prog)) out.push(rules[i]);
    last = i;
  }
  return out;
}

export function programMatches(pattern: string | string[], prog: string): boolean {
  const list = typeof pattern === 'string' ? [pattern] : pattern;
  return list.some(
    (p) => p === '*' || p === prog || (p.endsWith('*') && prog.startsWith(p.slice(0, -1)) && prog !== ''),
  );
}

function someArg(re: RegExp, args: readonly string[]): boolean {
  return args.some((a) => re.test(a) || re.test(normalise(a)));
}

function sqlMatches(kind: true | string, text: string): boolean {
  const code = text.replace(SQL_INERT, ' ');
  if (kind === 'unbounded') {
    // Per statement: `DELETE FROM t` or `UPDATE t SET …` with no WHERE touches every row.
    return code.split(';').some((st) => /^\s*(DELETE\s+FROM|UPDATE\s+\S+\s+SET)\b/i.test(st) && !/\bWHERE\b/i.test(st));
  }
  return SQL_PATTERNS[String(kind)]?.test(code) ?? false;
}

/**
 * Options and operands of an argument list. `-rf` yields `-rf`, `-r` and `-f` (a letter in `valueFlags` ends the
 * cluster: the rest is its value); a long option counts under both `-name` and `--name` (terraform takes either);
 * `--x=false|0|no|off` is absent; after `--` everything is an operand.
 */
export function options(
  args: readonly string[],
  valueFlags: readonly string[],
): { flags: Set<string>; operands: string[] } {
  const flags = new Set<string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const x = args[i];
    if (x === '--') {
      for (let k = i + 1; k < args.length; k++) operands.push(args[k]);
      break;
    }
    if (!x.startsWith('-') || x === '-') {
      operands.push(x);
      continue;
    }
    const eq = x.indexOf('=');
    const name = eq > 0 ? x.slice(0, eq) : x;
    if (eq > 0 && /^(false|0|no|off)$/i.test(x.slice(eq + 1))) continue;
    const bare = name.replace(/^--?/, '');
    flags.add(name);
    if (bare.length > 1) flags.add('-' + bare).add('--' + bare);
    if (eq < 0 && valueFlags.includes(name)) {
      i++;
      continue;
    }
    if (!name.startsWith('--') && /^-[A-Za-z0-9]+$/.test(name)) {
      for (let k = 1; k < name.length; k++) {
        const letter = '-' + name[k];
        flags.add(letter);
        if (valueFlags.includes(letter)) {
          if (k === name.length - 1) i++;
          break;
        }
      }
    }
  }
  return { flags, operands };
}

/** Where SQL a database client runs can be: its arguments, heredocs and here-strings, and what is piped in. */
export function sqlTexts(cmd: SimpleCommand, argv: readonly string[] = cmd.argv): string[] {
  const texts: string[] = [];
  for (const c of [cmd, ...cmd.pipedFrom]) {
    // `--command=SQL`: the option's name is not SQL (and its `--` is no SQL comment).
    for (const a of c === cmd ? argv.slice(1) : c.argv) texts.push(a.replace(/^--?[A-Za-z][\w-]*=/, ''));
    for (const r of c.redirects) texts.push(r.body ?? (r.op === '<<<' ? r.target : ''));
  }
  return texts;
}

/**
 * Every spelling of a redirection's target a pattern must see: as written, normalised (`> //dev/sda`), and where
 * the kernel will write (`> /dev/../dev/sda`, `> /proc/self/root/dev/sda`, `> sda` run from /dev or after `cd
 * /dev`, a symlink to a device; see realPath.ts), from every folder the command may run in. Where that folder
 * cannot be told (`cd "$D"`, `env -C`), a relative target is tested as written only.
 */
export function redirectTargets(target: string, cmd: SimpleCommand, ctx: FolderContext): string[] {
  const out = [target, normalise(target)];
  if (ctx.cwd === undefined) return out;
  const absolute = target.startsWith('/') || target.startsWith('~');
  const tracked = ctx.cwdsOf?.(cmd);
  // null: the folder cannot be told; undefined: nothing tracked it (the call's folder).
  const cwds = absolute ? [''] : cmd.chdir ? null : tracked === undefined ? [''] : tracked;
  for (const c of cwds ?? [])
    out.push(resolveReal(join(c, target), { cwd: ctx.cwd, home: ctx.home, memo: ctx.realPaths }).abs);
  return out;
}

/** `//`, `/./`, `/..` and a trailing `/` do not change what a path names: `rm -rf //` is `rm -rf /`. */
export function normalise(arg: string): string {
  if (!arg.includes('/')) return arg;
  const n = posix.normalize(arg);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export function compile(source: string, ctx: FolderContext): RegExp {
  const folder = (p: string | undefined): string =>
    p ? p.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&') || '/' : '(?!)';
  // Most patterns name neither folder: then no folder is escaped (two patterns run per call, each compiled on its
  // first runs in the hook).
  let full = source;
  if (full.includes('{{home}}')) full = full.replaceAll('{{home}}', folder(ctx.home));
  if (full.includes('{{workspace}}')) full = full.replaceAll('{{workspace}}', folder(ctx.workspaceRoot));
  let re = regexCache.get(full);
  if (!re) {
    // A leading `(?i)` (which JS regexes do not know) makes the pattern case-insensitive: git's keys are.
    re = full.startsWith('(?i)') ? new RegExp(full.slice(4), 'i') : new RegExp(full);
    regexCache.set(full, re);
  }
  return re;
}
