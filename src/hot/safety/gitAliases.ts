import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The git aliases a `git <name>` in the workspace would run, read from the config files git reads (system,
 * global, XDG, the repository's), the later file winning as in git. Read only when the deny list meets a git
 * subcommand that is not a git built-in (CheckContext.gitAlias), so a common call reads nothing.
 *
 * Not followed: `include.path` / `includeIf` files, `-c`/GIT_CONFIG_* (the deny list judges those from the
 * command itself). An alias defined only in an included file is therefore not seen; the deny list still judges
 * the command as written.
 */
export function gitAliasReader(
  root: string,
  env: Readonly<Record<string, string | undefined>>,
): (name: string) => string | undefined {
  let aliases: Map<string, string> | undefined;
  return (name) => {
    aliases ??= readAliases(root, env);
    return aliases.get(name.toLowerCase());
  };
}

function readAliases(root: string, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const out = new Map<string, string>();
  const home = env.HOME;
  const files = ['/etc/gitconfig'];
  if (home)
    files.push(
      path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git', 'config'),
      path.join(home, '.gitconfig'),
    );
  const gitDir = repositoryGitDir(root);
  if (gitDir) files.push(path.join(gitDir, 'config'));
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const [k, v] of parseAliasSection(text)) out.set(k, v);
  }
  return out;
}

/** `.git` as a folder, or a worktree's `.git` file naming its git dir (whose `commondir` holds the config). */
function repositoryGitDir(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  let st: fs.Stats;
  try {
    st = fs.statSync(dotGit);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return dotGit;
  try {
    const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    if (!m) return undefined;
    const dir = path.resolve(root, m[1].trim());
    const common = fs.readFileSync(path.join(dir, 'commondir'), 'utf8').trim();
    return path.resolve(dir, common);
  } catch {
    return undefined;
  }
}

/** `[alias]` entries of one git config text: `name = value`, with quotes, escapes and `\` continuations. */
export function parseAliasSection(text: string): [string, string][] {
  const out: [string, string][] = [];
  let inAlias = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const section = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"[^"]*")?\s*\]\s*(.*)$/.exec(line);
    if (section) {
      inAlias = section[1].toLowerCase() === 'alias';
      line = section[2];
      if (!line.trim()) continue;
    }
    if (!inAlias) continue;
    const kv = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!kv) continue;
    let raw = kv[2] ?? 'true';
    while (/(^|[^\\])(\\\\)*\\$/.test(raw) && i + 1 < lines.length) raw = raw.slice(0, -1) + lines[++i];
    out.push([kv[1].toLowerCase(), unquote(raw)]);
  }
  return out;
}

function unquote(raw: string): string {
  let v = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && i + 1 < raw.length) {
      const n = raw[++i];
      v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else if ((c === '#' || c === ';') && !quoted) break;
    else v += c;
  }
  return v.trim();
}
