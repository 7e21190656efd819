import { describeHolder } from '../locks/holders';
import type { HolderStatus } from '../locks/lockManager';
import { escapeControls } from '../locks/printable';
import type { Locale } from '../locale';

/** One line of `fmes lock status`: path, agent, intent, age, pid (the broker answers with the same lines). */
export function statusLine(s: HolderStatus, now = Date.now(), locale: Locale = 'en'): string {
  const flag = s.staleness.stale ? ` [stale: ${s.staleness.reason}]` : '';
  const h = s.holder;
  if (h.kind === 'lock') {
    const age = Math.round((now - Date.parse(h.record.acquiredAt)) / 1000);
    // Escaped field by field: a tab or newline inside a field must not pass for a column or a line.
    const f = escapeControls;
    return `${f(h.path)}\t${h.record.agent}\t${f(h.record.intent) || '-'}\t${age}s${h.record.pid !== null ? `\tpid ${h.record.pid}@${f(h.record.host)}` : ''}${flag}`;
  }
  return describeHolder(h, locale) + flag;
}
