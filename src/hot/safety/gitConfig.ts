/**
 * Git runs commands from its configuration: aliases (`!…` is a shell script), core.sshCommand, core.pager,
 * core.fsmonitor, core.hooksPath, diff/filter drivers, credential helpers… A command line can set these with
 * `git -c`, `--config-env`, GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS or GIT_SSH_COMMAND and its
 * kin. This module finds those command-valued settings and the alias a subcommand names, so the deny list
 * can judge them as shell.
 */

/** Keys whose value git runs (or that point git at code); case-insensitive like git's own. */
const EXEC_KEY =
  /^(alias\.|core\.(hookspath|fsmonitor|sshcommand|pager|editor|askpass|gitproxy)$|sequence\.editor$|diff\.external$|diff\..+\.(textconv|command)$|merge\..+\.driver$|filter\..+\.(clean|smudge|process)$|credential\.|gpg\.(.+\.)?program$|include\.path$|includeif\.|uploadpack\.packobjectshook$|pager\.|interactive\.difffilter$|remote\..+\.(uploadpack|receivepack|vcs)$|.*\.(helper|command|cmd|program|tool)$)/i;
/** Environment variables whose value git runs as a command. */
const EXEC_ENV = [
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_EXTERNAL_DIFF',
  'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR',
  'GIT_PAGER',
  'GIT_ASKPASS',
  'GIT_PROXY_COMMAND',
  'SSH_ASKPASS',
];
/** Where git looks for its own programs or config: pointing it elsewhere runs code nobody has read. */
const CODE_PATH_ENV = ['GIT_EXEC_PATH', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_TEMPLATE_DIR'];
const VALUE_OPTS = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--config-env',
  '--super-prefix',
  '--list-cmds',
  '--attr-source',
]);
/** Git's own commands: an alias can never shadow these, so they need no lookup. */
const BUILTINS = new Set(
  (
    'add am annotate apply archive bisect blame branch bundle cat-file check-attr check-ignore check-mailmap checkout checkout-index cherry cherry-pick ' +
    'clean clone column commit commit-graph commit-tree config count-objects credential describe diff diff-files diff-index diff-tree difftool fast-export ' +
    'fast-import fetch fetch-pack filter-branch fmt-merge-msg for-each-ref format-patch fsck gc get-tar-commit-id grep hash-object help index-pack init ' +
    'instaweb interpret-trailers log ls-files ls-remote ls-tree mailinfo mailsplit maintenance merge merge-base merge-file merge-tree mergetool mktag mktree ' +
    'multi-pack-index mv notes pack-objects pack-refs prune pull push range-diff read-tree rebase reflog remote repack replace request-pull rerere reset ' +
    'restore rev-list rev-parse revert rm send-email shortlog show show-branch show-ref sparse-checkout stash status stripspace submodule switch symbolic-ref ' +
    'tag unpack-objects update-index update-ref var verify-commit verify-pack verify-tag version whatchanged worktree write-tree lfs'
  ).split(' '),
);

export type GitFinding =
  /** A setting or variable whose value is a shell command. */
  | { kind: 'command'; key: string; command: string }
  /** An alias the subcommand names: a shell script (`!…`) or more git arguments. */
  | { kind: 'alias'; name: string; shell?: string; git?: string }
  /** A setting that cannot be judged: a value only known at run time, or a path git loads code from. */
  | { kind: 'unknown'; key: string };

/**
 * Command-valued settings of one git command line, and the alias its subcommand names (from `-c alias.x=`
 * or `gitAlias`, the repository's configured aliases). `env` is the command's environment prefixes.
 */
export function gitFindings(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  dynamic: readonly boolean[],
  gitAlias?: (name: string) => string | undefined,
): GitFinding[] {
  const out: GitFinding[] = [];
  const config = new Map<string, string>();
  const set = (k: string, v: string | undefined, dyn: boolean): void => {
    if (!EXEC_KEY.test(k)) return;
    if (v === undefined || dyn) out.push({ kind: 'unknown', key: k });
    else config.set(k.toLowerCase(), v);
  };
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const x = argv[i];
    if (x === '-c' || x === '--config-env') {
      const pair = argv[++i] ?? '';
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      // `--config-env=key=ENVVAR`: the value is whatever that variable holds.
      if (x === '--config-env') set(key, env[pair.slice(eq + 1)], env[pair.slice(eq + 1)] === undefined);
      else set(key, eq < 0 ? 'true' : pair.slice(eq + 1), !!dynamic[i]);
    } else if (x.startsWith('--config-env=')) {
      const pair = x.slice('--config-env='.length);
      const eq = pair.indexOf('=');
      set(pair.slice(0, eq), env[pair.slice(eq + 1)], env[pair.slice(eq + 1)] === undefined);
    } else if (x.startsWith('--exec-path=')) out.push({ kind: 'unknown', key: '--exec-path' });
    else if (VALUE_OPTS.has(x)) i++;
  }
  const count = Number(env.GIT_CONFIG_COUNT ?? 0);
  for (let n = 0; n < Math.min(count, 100); n++)
    set(
      env[`GIT_CONFIG_KEY_${n}`] ?? '',
      env[`GIT_CONFIG_VALUE_${n}`],
      (env[`GIT_CONFIG_VALUE_${n}`] ?? '').includes('$'),
    );
  if (env.GIT_CONFIG_PARAMETERS !== undefined) {
    for (const m of env.GIT_CONFIG_PARAMETERS.matchAll(/'([^']*)'(?:='([^']*)')?/g))
      set(m[1].split('=')[0], m[2] ?? m[1].split('=').slice(1).join('='), false);
  }
  for (const k of EXEC_ENV) {
    if (env[k] === undefined) continue;
    if (env[k].includes('$')) out.push({ kind: 'unknown', key: k });
    else out.push({ kind: 'command', key: k, command: env[k] });
  }
  for (const k of CODE_PATH_ENV) if (env[k] !== undefined) out.push({ kind: 'unknown', key: k });
  for (const [key, value] of config) {
    if (key.startsWith('alias.')) continue;
    // Paths git loads hooks or more config from: code nobody has read here.
    if (/^(core\.hookspath|include\.path|includeif\.)/.test(key)) out.push({ kind: 'unknown', key });
    // A helper or command value may start with `!` (run by the shell).
    else out.push({ kind: 'command', key, command: value.replace(/^!/, '') });
  }
  const sub = argv[i];
  if (sub !== undefined && !BUILTINS.has(sub)) {
    const value = config.get(`alias.${sub.toLowerCase()}`) ?? gitAlias?.(sub);
    if (value !== undefined) {
      const rest = argv.slice(i + 1).join(' ');
      if (value.startsWith('!')) out.push({ kind: 'alias', name: sub, shell: `${value.slice(1)} ${rest}`.trim() });
      else out.push({ kind: 'alias', name: sub, git: `git ${value} ${rest}`.trim() });
    }
  }
  return out;
}
