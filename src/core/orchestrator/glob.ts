/**
 * The small glob dialect of routing rules, for workspace-relative POSIX paths:
 * - `**` any number of folders (`src/**` matches `src/a/b.ts`, `**\/*.tf` matches `main.tf`),
 * - `*` any run of characters within one folder name, `?` one such character,
 * - `{a,b}` either alternative (no nesting),
 * - a pattern without `/` matches the last name at any depth (`*.tf` matches `infra/main.tf`), as in .gitignore.
 * Everything else is literal. Hand-written rather than a dependency: route globs are this small, and the
 * config parser runs in every short `fmes` call.
 */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  let re = '';
  let inBraces = false;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const slashAfter = g[i + 2] === '/';
      const atStart = i === 0 || g[i - 1] === '/';
      i += slashAfter ? 2 : 1;
      // `a/**/b` also matches `a/b`; a trailing `**` matches everything below.
      re += atStart && slashAfter ? '(?:.*/)?' : '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{' && !inBraces) {
      inBraces = true;
      re += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      re += ')';
    } else if (c === ',' && inBraces) re += '|';
    else re += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  if (inBraces) re += ')';
  const prefix = g.includes('/') ? '' : '(?:.*/)?';
  // A pattern naming a folder (`src/auth/`) matches what is inside it.
  const suffix = g.endsWith('/') ? '.*' : '/?';
  return new RegExp(`^${prefix}${re}${suffix}$`);
}

/** Whether any of `paths` matches `glob` (a declared folder `src/auth/` is tried with and without its slash). */
export function anyMatches(glob: string, paths: readonly string[]): boolean {
  const re = globToRegExp(glob);
  return paths.some((p) => {
    const q = p.replace(/\\/g, '/').replace(/^\.\//, '');
    return re.test(q) || re.test(q.replace(/\/+$/, ''));
  });
}
