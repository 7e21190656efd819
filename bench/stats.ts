/** Small statistics and formatting helpers for the benchmark tables. */

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for an empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN;
}

/** max/min of per-worker counts: 1 is perfectly fair; Infinity when some worker got nothing. */
export function fairness(counts: readonly number[]): number {
  if (counts.length === 0) return NaN;
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  return min === 0 ? (max === 0 ? NaN : Infinity) : max / min;
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

export function fmtNum(n: number, digits = 2): string {
  if (Number.isNaN(n)) return '–';
  if (n === Infinity) return '∞';
  return n.toFixed(digits);
}

/** A plain-text table: a header row, then rows; columns after the first are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string {
  const all = [header, ...rows];
  const width = (s: string) => [...s].length;
  const widths = header.map((_, c) => Math.max(...all.map((r) => width(r[c] ?? ''))));
  const pad = (s: string, c: number) => {
    const fill = ' '.repeat((widths[c] ?? 0) - width(s));
    return c === 0 ? s + fill : fill + s;
  };
  const line = (r: readonly string[]) => indent + r.map(pad).join('  ').trimEnd();
  const rule = indent + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
