// What Lock for Me, Acquire Lock and Release Lock tell the person: the path, whose lock, its lifetime, and what
// the other side (the agents) now sees. No `vscode` import (the translator is passed in), so the unit test
// test/unit/host/lockFeedbackText.test.ts reads every message through the real l10n bundles.
import type { L10n } from './costMeterText';

/** A lifetime in the largest whole unit a person reads at a glance: `45 s`, `30 min`, `2 h`, `1 h 30 min`. */
export function ttlText(ms: number, l10n: L10n): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return l10n.t('{0} s', s);
  const min = Math.round(s / 60);
  if (min < 90) return l10n.t('{0} min', min);
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest === 0 ? l10n.t('{0} h', h) : l10n.t('{0} h {1} min', h, rest);
}

/** After Lock for Me / Acquire Lock took `paths` for `agent`; `ttlMs` is the lease, renewed while the window is open. */
export function lockedText(paths: readonly string[], agent: string, ttlMs: number, l10n: L10n): string {
  const ttl = ttlText(ttlMs, l10n);
  return paths.length === 1
    ? l10n.t(
        'F-MES: locked {0} for {1} (TTL {2}, renewed while this window is open). Agents cannot write it until you release it.',
        paths[0],
        agent,
        ttl,
      )
    : l10n.t(
        'F-MES: locked {0} paths for {1} (TTL {2}, renewed while this window is open): {3}. Agents cannot write them until you release them.',
        paths.length,
        agent,
        ttl,
        paths.join(', '),
      );
}

/** After Release Lock freed `path`, held by `agent`. */
export function releasedText(path: string, agent: string, l10n: L10n): string {
  return l10n.t('F-MES: released {0} (held by {1}). Agents may write it again.', path, agent);
}

/** Release Lock on a path with no lock of `me`: nobody's, or another holder's. */
export function notReleasedText(path: string, me: string, holder: string | undefined, l10n: L10n): string {
  return holder === undefined
    ? l10n.t('F-MES: nothing to release: {0} is not locked.', path)
    : l10n.t('F-MES: {0} is held by {1}, not by you ({2}): it stays locked. Force Unlock breaks it.', path, holder, me);
}
