// A node:test reporter that prints the slowest test files at the end (the sum of each file's top-level tests),
// so that a slow file shows up without reading the whole log. Used by scripts/testUnit.mjs.
import { relative } from 'node:path';

export default async function* fileDurations(source) {
  const perFile = new Map();
  for await (const event of source) {
    if ((event.type !== 'test:pass' && event.type !== 'test:fail') || event.data.nesting !== 0 || !event.data.file)
      continue;
    const file = relative(process.cwd(), event.data.file);
    perFile.set(file, (perFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
  }
  const rows = [...perFile].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((n, [, ms]) => n + ms, 0);
  yield `\nslowest test files (of ${rows.length}, ${(total / 1000).toFixed(1)} s in all):\n`;
  for (const [file, ms] of rows.slice(0, Number(process.env.FMES_SLOWEST ?? 12)))
    yield `${(ms / 1000).toFixed(1).padStart(7)} s  ${file}\n`;
}
