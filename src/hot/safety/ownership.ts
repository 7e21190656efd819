// Directory ownership, apart from the settings schema (safetyConfig.ts): the PreToolUse hook checks it on
// every tool call and must not build zod schemas to do so.

/**
 * Folders only some agents may write (workspace-relative, trailing `/`): the seed's directory ownership.
 * `.antigravity/` belongs to the planner; `.locks/` to nobody (locks are taken with `fmes lock`, never by
 * writing files), so an agent cannot forge or delete another agent's lock with an editor tool.
 */
export const DEFAULT_OWNERSHIP: Readonly<Record<string, readonly string[]>> = {
  '.antigravity/': ['antigravity*'],
  '.locks/': [],
  '.fmes/': [],
};

/** Whether `agent` matches an ownership pattern (`*` = any run of characters). */
export function agentMatches(pattern: string, agent: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(agent);
}

/** The owners of the deepest owned folder that contains `p`, or undefined when nobody owns it. */
export function ownersOf(
  p: string,
  ownership: Readonly<Record<string, readonly string[]>>,
): { folder: string; owners: readonly string[] } | undefined {
  const merged = { ...DEFAULT_OWNERSHIP, ...ownership };
  let best: { folder: string; owners: readonly string[] } | undefined;
  for (const [folder, owners] of Object.entries(merged)) {
    const f = folder.replace(/\/+$/, '');
    if ((p === f || p.startsWith(`${f}/`)) && (!best || f.length > best.folder.length))
      best = { folder: `${f}/`, owners };
  }
  return best;
}
