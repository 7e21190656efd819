/**
 * Does one deny-list rule match one argv? The matcher proper, apart from the rules (defaultRules.ts) and the
 * analyses that feed it argvs (denyList.ts): plain functions over strings, regexes compiled once per source.
 */
import { posix } from 'node:path';
import type { DenyRule } from '../../core/safety/denyRules';
import { programName, type SimpleCommand } from './shellCommand';

/** Where `{{home}}` and `{{workspace}}` point. */
export interface FolderContext {
  workspaceRoot?: string;
  home?: string;
}

const OUTPUT = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);
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
    const re = compile(rule.redirectPattern, ctx);
    if (!cmd.redirects.some((r) => OUTPUT.has(r.op) && re.test(r.target))) return false;
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

/** `//`, `/./`, `/..` and a trailing `/` do not change what a path names: `rm -rf //` is `rm -rf /`. */
export function normalise(arg: string): string {
  if (!arg.includes('/')) return arg;
  const n = posix.normalize(arg);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export function compile(source: string, ctx: FolderContext): RegExp {
  const folder = (p: string | undefined): string =>
    p ? p.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&') || '/' : '(?!)';
  const full = source.replaceAll('{{home}}', folder(ctx.home)).replaceAll('{{workspace}}', folder(ctx.workspaceRoot));
  let re = regexCache.get(full);
  if (!re) {
    // A leading `(?i)` (which JS regexes do not know) makes the pattern case-insensitive: git's keys are.
    re = full.startsWith('(?i)') ? new RegExp(full.slice(4), 'i') : new RegExp(full);
    regexCache.set(full, re);
  }
  return re;
}
