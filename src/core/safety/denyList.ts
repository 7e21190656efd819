/**
 * The deny list of the PreToolUse hook: is a Bash command an agent wants to run safe to let through?
 *
 * Rules are data (settings add, change or disable them by id) matched against every simple command that
 * shellWords finds, so quoting, spacing, flag order and spelling, chains, `$( )`, `bash -c`, `eval`, `sudo`,
 * env prefixes and absolute paths do not hide a command. The first `deny` wins over any `ask`. When the parse
 * is incomplete and the text names a program some rule is about, the verdict is `ask`: we could not see it.
 *
 * Policies worth knowing (from the seeds' deny list: `rm -rf /`, `terraform destroy -auto-approve`,
 * `kubectl delete ns production`, `git push --force`, and "drop table" in the validate_command.sh example):
 * - Every force push (`--force`, `-f`, `+refspec`, `--mirror`) is denied, whatever the branch: a hook cannot
 *   tell which branch `git push -f` updates, and agents have `--force-with-lease`, which is allowed on other
 *   branches and asks when it names main/master.
 * - `rm -r` of `.`, `*`, `..` is denied like `/` and `~`: for an agent the working folder is the workspace.
 * - `git reset --hard` asks (the orchestrator's own rollback runs outside the hook); `git clean` asks whenever
 *   it is forced (`-f`), since untracked files and, with `-x`, ignored ones like `.env` are not recoverable.
 */
import { posix } from 'node:path';
import type * as DenyRules from './denyRules';
import type { DenyRule, DenyRuleOverride } from './denyRules';
import { parseShell, programName, type SimpleCommand } from './shellWords';

export type { DenyRule, DenyRuleOverride };

export type Verdict = { decision: 'allow' } | { decision: 'deny' | 'ask'; ruleId: string; reason: string; command: string };

export interface CheckContext {
  /** Absolute path of the workspace root, for `{{workspace}}` (`rm -rf /abs/path/of/workspace`). */
  workspaceRoot?: string;
  /** Absolute path of the home folder, for `{{home}}`. */
  home?: string;
}

/** The ruleId of the `ask` given when the command could not be fully parsed. */
export const INCOMPLETE_RULE_ID = 'incomplete-parse';

const SHELLS = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh'];
const GIT_VALUE = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env'];
const KUBE_VALUE = ['-n', '--namespace', '--context', '--cluster', '--user', '-s', '--server', '--kubeconfig', '-l', '--selector', '-o', '--output', '-f', '--filename'];
const AWS_VALUE = ['--profile', '--region', '--endpoint-url', '--output', '--exclude', '--include'];
const GCLOUD_VALUE = ['--project', '--zone', '--region', '--format', '--account', '--configuration'];
/** `/`, `~`, the home and workspace folders, top-level system folders, and everything in one of them. */
const ROOTISH = String.raw`^(/|~|\$HOME|\$\{HOME\}|{{home}}|{{workspace}}|/(bin|boot|dev|etc|home|lib|lib32|lib64|opt|proc|root|run|sbin|srv|sys|usr|var|Users|System|Library|Applications|private|Volumes))(/\*|/\.\*)?$|^/\*$|^/\.\*$`;
/** The working folder: for an agent, the workspace root. */
const CWDISH = '^(\\*|\\.|\\.\\.|\\.\\*|\\$PWD|\\$\\{PWD\\}|\\$\\(pwd\\)|`pwd`)(/\\*|/\\.\\*)?$';
const RECURSIVE = ['-r', '-R', '--recursive'];
const PROTECTED = String.raw`^(\+?[^:]*:)?(refs/heads/)?(main|master)$`;

export const DEFAULT_RULES: readonly DenyRule[] = [
  { id: 'rm-no-preserve-root', tier: 'deny', description: 'rm with --no-preserve-root exists only to delete /', program: 'rm', anyFlags: ['--no-preserve-root'] },
  { id: 'rm-rf-root', tier: 'deny', description: 'recursive rm of /, ~, the workspace or a system folder', program: 'rm', anyFlags: RECURSIVE, argPattern: ROOTISH },
  { id: 'rm-rf-cwd', tier: 'deny', description: 'recursive rm of ., .., * or $PWD: for an agent the working folder is the workspace; name what to delete', program: 'rm', anyFlags: RECURSIVE, argPattern: CWDISH },
  { id: 'terraform-destroy-auto-approve', tier: 'deny', description: 'terraform destroy -auto-approve destroys the infrastructure without review', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['destroy'], anyFlags: ['-auto-approve'] },
  { id: 'terraform-apply-destroy-auto-approve', tier: 'deny', description: 'terraform apply -destroy -auto-approve destroys the infrastructure without review', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['apply'], allFlags: ['-destroy', '-auto-approve'] },
  { id: 'kubectl-delete-production-namespace', tier: 'deny', description: 'deleting the production namespace deletes everything in it', program: ['kubectl', 'oc'], subcommand: ['delete', 'ns|namespace|namespaces'], valueFlags: KUBE_VALUE, argPattern: '^(production|prod)$' },
  { id: 'kubectl-delete-production-namespace-slash', tier: 'deny', description: 'deleting the production namespace deletes everything in it', program: ['kubectl', 'oc'], subcommand: ['delete'], valueFlags: KUBE_VALUE, argPattern: '^(ns|namespaces?)/(production|prod)$' },
  { id: 'git-push-force', tier: 'deny', description: 'force push rewrites the remote history; on your own branch use --force-with-lease', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, anyFlags: ['--force', '-f', '--mirror'] },
  { id: 'git-push-force-refspec', tier: 'deny', description: 'a +refspec is a force push; on your own branch use --force-with-lease', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, argPattern: '^\\+.' },
  { id: 'sql-destructive', tier: 'deny', description: 'DROP TABLE/DATABASE/SCHEMA or TRUNCATE deletes data', program: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'sqlcmd', 'clickhouse-client', 'cockroach', 'duckdb'], sql: true },
  { id: 'dropdb', tier: 'deny', description: 'dropdb deletes a database', program: 'dropdb' },
  { id: 'mkfs', tier: 'deny', description: 'making a file system erases the device', program: ['mkfs*', 'mke2fs', 'mkswap', 'wipefs'] },
  { id: 'dd-to-device', tier: 'deny', description: 'dd onto a device overwrites it', program: 'dd', argPattern: '^of=/dev/(?!(null|zero|stdout|stderr|tty)$|fd/)' },
  { id: 'write-to-device', tier: 'deny', description: 'writing onto a disk device overwrites it', program: '*', redirectPattern: '^/dev/(sd|hd|vd|xvd|nvme|mmcblk|disk|md|dm-|mapper/|loop)' },
  { id: 'tee-to-device', tier: 'deny', description: 'writing onto a disk device overwrites it', program: 'tee', argPattern: '^/dev/(sd|hd|vd|xvd|nvme|mmcblk|disk|md|dm-|mapper/|loop)' },
  { id: 'chmod-recursive-root', tier: 'deny', description: 'recursive chmod/chown of /, ~ or a system folder breaks the system', program: ['chmod', 'chown', 'chgrp'], anyFlags: RECURSIVE, argPattern: ROOTISH },
  { id: 'fork-bomb', tier: 'deny', description: 'a function that calls itself (fork bomb)', program: '*', selfCall: true },
  { id: 'shutdown', tier: 'deny', description: 'an agent must not power off or reboot the machine', program: ['shutdown', 'reboot', 'halt', 'poweroff'] },
  { id: 'systemctl-power', tier: 'deny', description: 'an agent must not power off or reboot the machine', program: 'systemctl', subcommand: ['poweroff|reboot|halt|kexec'] },
  { id: 'terraform-destroy', tier: 'ask', description: 'terraform destroy destroys infrastructure', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['destroy'] },
  { id: 'terraform-apply-destroy', tier: 'ask', description: 'terraform apply -destroy destroys infrastructure', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['apply'], anyFlags: ['-destroy'] },
  { id: 'terraform-apply-auto-approve', tier: 'ask', description: 'terraform apply -auto-approve changes infrastructure without review of the plan', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['apply'], anyFlags: ['-auto-approve'] },
  { id: 'kubectl-delete', tier: 'ask', description: 'kubectl delete removes cluster resources', program: ['kubectl', 'oc'], subcommand: ['delete'], valueFlags: KUBE_VALUE },
  { id: 'git-push-lease-protected', tier: 'ask', description: 'rewriting the history of main/master', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, anyFlags: ['--force-with-lease', '--force-if-includes'], argPattern: PROTECTED },
  { id: 'git-push-delete', tier: 'ask', description: 'deleting a remote branch or tag', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, anyFlags: ['--delete', '-d'] },
  { id: 'git-push-delete-refspec', tier: 'ask', description: 'deleting a remote branch or tag (:ref)', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, argPattern: '^:.' },
  { id: 'git-reset-hard', tier: 'ask', description: 'git reset --hard discards uncommitted work', program: 'git', subcommand: ['reset'], valueFlags: GIT_VALUE, anyFlags: ['--hard'] },
  { id: 'git-clean-force', tier: 'ask', description: 'git clean -f deletes untracked files (with -x also ignored ones such as .env)', program: 'git', subcommand: ['clean'], valueFlags: GIT_VALUE, anyFlags: ['-f', '--force'] },
  { id: 'rm-rf-variable', tier: 'ask', description: 'recursive rm of $VAR/ or $VAR/*: with VAR unset this is /', program: 'rm', anyFlags: RECURSIVE, argPattern: String.raw`^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/\*?$` },
  { id: 'find-delete-root', tier: 'ask', description: 'find -delete from /, ~ or a system folder', program: 'find', anyFlags: ['-delete'], argPattern: ROOTISH },
  { id: 'pipe-to-shell', tier: 'ask', description: 'running a script straight from the network', program: SHELLS, pipedFrom: ['curl', 'wget', 'fetch', 'http', 'https'] },
  { id: 'shell-from-network', tier: 'ask', description: 'running a script straight from the network', program: [...SHELLS, 'source', '.'], argPattern: '^<\\(\\s*(curl|wget)\\b' },
  { id: 'aws-s3-rm-recursive', tier: 'ask', description: 'aws s3 rm --recursive deletes every object under the prefix', program: 'aws', subcommand: ['s3', 'rm'], valueFlags: AWS_VALUE, anyFlags: ['--recursive'] },
  { id: 'aws-s3-rb-force', tier: 'ask', description: 'aws s3 rb --force deletes a bucket and its objects', program: 'aws', subcommand: ['s3', 'rb'], valueFlags: AWS_VALUE, anyFlags: ['--force'] },
  { id: 'gcloud-delete', tier: 'ask', description: 'deleting cloud resources', program: ['gcloud', 'az'], valueFlags: GCLOUD_VALUE, argPattern: '^delete$' },
  { id: 'gsutil-rm-recursive', tier: 'ask', description: 'gsutil rm -r deletes every object under the prefix', program: 'gsutil', subcommand: ['rm'], anyFlags: ['-r', '-R', '-a'] },
  { id: 'docker-system-prune-all', tier: 'ask', description: 'docker system prune -a/--volumes deletes every unused image or volume', program: ['docker', 'podman'], subcommand: ['system', 'prune'], anyFlags: ['-a', '--all', '--volumes'] },
  { id: 'docker-volume-delete', tier: 'ask', description: 'deleting docker volumes deletes their data', program: ['docker', 'podman'], subcommand: ['volume', 'prune|rm'] },
  { id: 'docker-compose-down-volumes', tier: 'ask', description: 'docker compose down -v deletes the volumes and their data', program: ['docker', 'podman'], subcommand: ['compose', 'down'], valueFlags: ['-f', '--file', '-p', '--project-name', '--env-file', '--profile'], anyFlags: ['-v', '--volumes'] },
  { id: 'npm-publish', tier: 'ask', description: 'publishing a package is public and hard to undo', program: ['npm', 'pnpm', 'yarn', 'bun'], subcommand: ['publish|unpublish'] },
  { id: 'yarn-npm-publish', tier: 'ask', description: 'publishing a package is public and hard to undo', program: 'yarn', subcommand: ['npm', 'publish'] },
];

/** Settings on top of `base`: entries with a known id change or (`disabled`) drop it; new ids must be whole rules. */
export function mergeRules(base: readonly DenyRule[], overrides: readonly DenyRuleOverride[]): { rules: DenyRule[]; invalid: string[] } {
  const rules = [...base];
  const invalid: string[] = [];
  let schema: (typeof DenyRules)['denyRuleSchema'] | undefined;
  for (const { disabled, ...o } of overrides) {
    const at = rules.findIndex((r) => r.id === o.id);
    if (disabled) {
      if (at >= 0) rules.splice(at, 1);
      continue;
    }
    // The schema loads on first need: the PreToolUse hook, with no settings to merge, never builds it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load
    schema ??= (require('./denyRules') as typeof DenyRules).denyRuleSchema;
    const parsed = schema.safeParse(at >= 0 ? { ...rules[at], ...o } : o);
    if (!parsed.success) invalid.push(o.id);
    else if (at >= 0) rules[at] = parsed.data;
    else rules.push(parsed.data);
  }
  return { rules, invalid };
}

const SQL = /\b(DROP\s+(TABLE|DATABASE|SCHEMA)|TRUNCATE)\b/i;
/** SQL string literals and comments: `WHERE note = 'truncate'` and `-- DROP TABLE old` run nothing. */
const SQL_INERT = /'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g;
const OUTPUT = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);
const regexCache = new Map<string, RegExp>();
const mentionCache = new WeakMap<readonly DenyRule[], RegExp>();

export function checkCommand(src: string, rules: readonly DenyRule[] = DEFAULT_RULES, context: CheckContext = {}): Verdict {
  const parse = parseShell(src);
  let ask: Verdict | undefined;
  for (const cmd of parse.commands) {
    for (const rule of rules) {
      let reason = rule.description;
      let tier = rule.tier;
      // The command itself, and each wrapper around it (`ssh prod …`, `sudo …`) for rules about wrappers.
      if (!matches(rule, cmd, cmd.argv, context, false) && !cmd.wrapperArgv.some((argv) => matches(rule, cmd, argv, context, false))) {
        // `$CMD -rf /`: the program is only known at run time, so it could be the one a rule is about.
        if (!cmd.dynamic[0] || !matches(rule, cmd, cmd.argv, context, true)) continue;
        tier = 'ask';
        reason = `the program is only known at run time and could be this: ${rule.description}`;
      }
      const verdict: Verdict = { decision: tier, ruleId: rule.id, reason, command: cmd.text };
      if (tier === 'deny') return verdict;
      ask ??= verdict;
    }
  }
  if (ask) return ask;
  if (!parse.complete && mentions(rules).test(src)) {
    return { decision: 'ask', ruleId: INCOMPLETE_RULE_ID, reason: 'the command could not be fully parsed and names a program the deny list is about', command: src.trim() };
  }
  return { decision: 'allow' };
}

function matches(rule: DenyRule, cmd: SimpleCommand, argv: readonly string[], ctx: CheckContext, anyProgram: boolean): boolean {
  const prog = argv.length > 0 ? programName(argv[0]) : '';
  // A rule that names only programs (`shutdown`) would match every unknown program: those need the name.
  const saysMore = rule.subcommand || rule.anyFlags || rule.allFlags || rule.argPattern !== undefined || rule.sql;
  if (!programMatches(rule.program, prog) && !(anyProgram && saysMore)) return false;
  const args = argv.slice(1);
  if (rule.subcommand || rule.anyFlags || rule.allFlags) {
    const { flags, operands } = options(args, rule.valueFlags ?? []);
    if (rule.subcommand && !rule.subcommand.every((alts, k) => operands[k] !== undefined && alts.split('|').includes(operands[k]))) return false;
    if (rule.anyFlags && !rule.anyFlags.some((f) => flags.has(f))) return false;
    if (rule.allFlags && !rule.allFlags.every((f) => flags.has(f))) return false;
  }
  if (rule.argPattern !== undefined) {
    const re = compile(rule.argPattern, ctx);
    if (!args.some((a) => re.test(a) || re.test(normalise(a)))) return false;
  }
  if (rule.redirectPattern !== undefined) {
    const re = compile(rule.redirectPattern, ctx);
    if (!cmd.redirects.some((r) => OUTPUT.has(r.op) && re.test(r.target))) return false;
  }
  if (rule.pipedFrom && !cmd.pipedFrom.some((p) => p.argv.length > 0 && rule.pipedFrom!.includes(programName(p.argv[0])))) return false;
  if (rule.sql && !sqlTexts(cmd).some((t) => SQL.test(t.replace(SQL_INERT, ' ')))) return false;
  if (rule.selfCall && (cmd.inFunction === undefined || cmd.inFunction !== prog)) return false;
  return true;
}

function programMatches(pattern: string | string[], prog: string): boolean {
  const list = typeof pattern === 'string' ? [pattern] : pattern;
  return list.some((p) => p === '*' || p === prog || (p.endsWith('*') && prog.startsWith(p.slice(0, -1)) && prog !== ''));
}

/**
 * Options and operands of an argument list. `-rf` yields `-rf`, `-r` and `-f` (a letter in `valueFlags` ends the
 * cluster: the rest is its value); a long option counts under both `-name` and `--name` (terraform takes either);
 * `--x=false|0|no|off` is absent; after `--` everything is an operand.
 */
function options(args: readonly string[], valueFlags: readonly string[]): { flags: Set<string>; operands: string[] } {
  const flags = new Set<string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const x = args[i];
    if (x === '--') {
      operands.push(...args.slice(i + 1));
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
function sqlTexts(cmd: SimpleCommand): string[] {
  const texts: string[] = [];
  for (const c of [cmd, ...cmd.pipedFrom]) {
    // `--command=SQL`: the option's name is not SQL (and its `--` is no SQL comment).
    texts.push(...c.argv.slice(c === cmd ? 1 : 0).map((a) => a.replace(/^--?[A-Za-z][\w-]*=/, '')));
    for (const r of c.redirects) texts.push(r.body ?? (r.op === '<<<' ? r.target : ''));
  }
  return texts;
}

/** `//`, `/./`, `/..` and a trailing `/` do not change what a path names: `rm -rf //` is `rm -rf /`. */
function normalise(arg: string): string {
  if (!arg.includes('/')) return arg;
  const n = posix.normalize(arg);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function compile(source: string, ctx: CheckContext): RegExp {
  const folder = (p: string | undefined): string => (p ? p.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&') || '/' : '(?!)');
  const full = source.replaceAll('{{home}}', folder(ctx.home)).replaceAll('{{workspace}}', folder(ctx.workspaceRoot));
  let re = regexCache.get(full);
  if (!re) {
    re = new RegExp(full);
    regexCache.set(full, re);
  }
  return re;
}

/** Any program name a rule is about (or pipes from, like curl), as a word of the text (for incomplete parses). */
function mentions(rules: readonly DenyRule[]): RegExp {
  let re = mentionCache.get(rules);
  if (!re) {
    // `eval $X` runs a string nobody can read before it runs.
    const progs = ['eval', ...rules.flatMap((r) => [...(typeof r.program === 'string' ? [r.program] : r.program), ...(r.pipedFrom ?? [])])].filter((p) => /^[A-Za-z]/.test(p));
    const alts = [...new Set(progs)].map((p) => p.replace(/\*$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + (p.endsWith('*') ? '\\S*' : ''));
    re = new RegExp(`(?:^|[\\s;&|(){}'"\`/=])(?:${alts.join('|') || '(?!)'})(?=$|[\\s;&|(){}'"\`])`);
    mentionCache.set(rules, re);
  }
  return re;
}
